package app

import (
	"fyne.io/fyne/v2"

	"fieldreg/registry/match"
	"fieldreg/store"
)

// attachDuplicates builds the duplicate index dups after the home screen
// shows, and makes it u.dups once built. Building it means decoding every
// record whole and feeding it to the matcher: at 100k households about as
// long again as unlock (BenchmarkHouseholdList100k, attach-ms), for
// something no screen needs at once. Until then the checks while
// registering find nothing and the home screen's duplicate count says
// "counting…"; both catch up when it is ready. Locking does not wait for
// it to be delivered: a result for a workspace since locked is dropped.
func (u *UI) attachDuplicates(ws *store.Workspace, dups *match.RecordIndex) {
	run, deliver := u.detached()
	u.slow.Add(1)
	run(func() {
		defer u.slow.Done()
		err := ws.Attach(dups)
		deliver(func() {
			if u.ws != ws {
				return // locked meanwhile
			}
			u.attaching = false
			if err != nil {
				// Registration goes on without duplicate checks; the home
				// screen's count reads the records itself.
				fyne.LogError("build the duplicate index", err)
			} else {
				u.dups = dups
			}
			u.duplicatesAttached()
		})
	})
}

// duplicatesAttached lets the screens waiting for the duplicate index go on.
func (u *UI) duplicatesAttached() {
	if u.home != nil && u.home.dupWaiting {
		u.home.dupWaiting = false
		u.home.countDuplicates()
	}
	if u.register != nil {
		u.register.checkDuplicates() // a restored draft's person
	}
}

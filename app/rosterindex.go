package app

import (
	"fyne.io/fyne/v2"

	"fieldreg/store"
)

// attachRoster builds the roster r after the home screen shows, makes it
// u.roster once built, and then runs next (the duplicate index: one pass
// over every record at a time goes faster on two cores than both at once).
// With the roster in store.Options, unlock would decode every record whole
// before the home screen shows; without any indexer the store only
// summarizes them (BenchmarkHouseholdList100k, unlock-ms). Until it is
// attached the home counts, the chart and the household list say "Loading
// the registry…"; registering works meanwhile: a commit waits for the pass,
// and Attach makes the roster hear every record once. Locking does not
// wait for it: a result for a workspace since locked is dropped.
func (u *UI) attachRoster(ws *store.Workspace, r *roster, next func()) {
	run, deliver := u.detached()
	u.slow.Add(1)
	run(func() {
		defer u.slow.Done()
		err := ws.Attach(r)
		deliver(func() {
			if u.ws != ws {
				return // locked meanwhile
			}
			if err != nil {
				// The screens that need it say so instead of loading forever.
				fyne.LogError("build the household roster", err)
				u.rosterErr = err
			} else {
				u.roster = r
			}
			u.rosterAttached()
			if next != nil {
				next()
			}
		})
	})
}

// rosterAttached lets the screens waiting for the roster show it.
func (u *UI) rosterAttached() {
	if u.home != nil {
		u.home.refresh()
	}
	if u.find != nil {
		u.find.reload()
	}
}

// rosterWaiting is what a screen that needs the roster shows until it is
// attached: that it is loading, or why it could not be.
func (u *UI) rosterWaiting() string {
	if u.rosterErr != nil {
		return u.plainError(u.rosterErr)
	}
	return u.tr.T("app.loading_registry")
}

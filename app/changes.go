package app

import (
	"sync/atomic"

	"fyne.io/fyne/v2"

	"fieldreg/registry"
	"fieldreg/store"
)

// changeFeed lets the screens that show records follow the workspace: a
// registration saved, an edit, a merge, a sync or a bundle that brought
// records all reach them the same way, so no writer refreshes screens by
// hand. The store tells it of each record as it commits (store.Watch); a
// burst of records — a sync batch, a household with its members — becomes
// one refresh on the UI goroutine.
type changeFeed struct {
	pending atomic.Bool
	post    func(func()) // schedules a refresh on the UI goroutine; nil: flush by hand (tests)
	refresh func()
	stop    func()
}

// follow starts telling refresh of what ws writes, on the UI goroutine.
// With inline work (tests) nothing is posted: background work flushes the
// feed once its result is shown, as the UI goroutine would have.
func (u *UI) follow(ws *store.Workspace) {
	u.unfollow()
	f := &changeFeed{refresh: u.recordsChanged}
	if !u.inline {
		f.post = func(fn func()) { go fyne.Do(fn) }
	}
	f.stop = ws.Watch(f.heard)
	u.changes = f
}

// unfollow stops the feed of a workspace being locked or wiped.
func (u *UI) unfollow() {
	if u.changes != nil {
		u.changes.stop()
		u.changes = nil
	}
}

// heard runs with the store's write lock held: it only notes the change.
func (f *changeFeed) heard(registry.Record) {
	if f.pending.Swap(true) {
		return // a refresh is already on its way
	}
	if f.post != nil {
		f.post(f.flush)
	}
}

// flush refreshes the screens if anything changed since the last refresh.
// UI goroutine only.
func (f *changeFeed) flush() {
	if f.pending.Swap(false) {
		f.refresh()
	}
}

// recordsChanged shows what the workspace now holds on every screen that
// lists or counts records. Duplicate pairs are not recounted here: at 100k
// persons that takes seconds, and the home screen recounts when shown.
func (u *UI) recordsChanged() {
	if u.ws == nil {
		return
	}
	u.followForms() // a sync may have brought form versions with the changes
	if u.home != nil {
		u.home.showRecords()
	}
	if u.find != nil {
		u.find.follow()
	}
	if u.syncs != nil {
		u.syncs.refresh()
	}
}

package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fieldreg/store"
)

// The lock after days without a successful sync (DESIGN.md, Sync): a
// device lost in the field stops being useful for registering, finding and
// editing, yet can always sync, take a bundle from HQ, or be wiped. What was
// typed stays in its encrypted draft and reopens once a sync succeeds.

// syncLockChoices are the limits an admin can pick, in days.
var syncLockChoices = []int{7, 14, 30, 60, 90}

// syncLockDays is the limit kept sealed in the workspace (store.SyncLock),
// which the store enforces for every front end; the app's preferences no
// longer hold it (anyone could edit them).
func (u *UI) syncLockDays() int {
	d, _, err := u.ws.SyncLock()
	if err != nil || d <= 0 {
		if err != nil {
			fyne.LogError("read the sync lock", err)
		}
		return store.DefaultSyncLockDays
	}
	return d
}

// migrateSyncLock moves a limit an admin chose in an older version, kept
// in the app's preferences, into the workspace once: when an admin opens
// it and the workspace has no limit of its own. The preference is removed
// then; until then it is ignored.
func (u *UI) migrateSyncLock(ws *store.Workspace) {
	prefs := u.app.Preferences()
	old := prefs.IntWithFallback(prefSyncLockDay, 0)
	if old <= 0 || ws.Role() != store.RoleAdmin {
		return
	}
	if _, set, err := ws.SyncLock(); err != nil || set {
		if err == nil {
			prefs.RemoveValue(prefSyncLockDay)
		}
		return
	}
	if err := ws.SetSyncLock(old); err != nil {
		fyne.LogError("move the sync lock into the workspace", err)
		return
	}
	prefs.RemoveValue(prefSyncLockDay)
}

// syncOverdue reports whether the open workspace has gone longer than the
// limit without reaching HQ, and for how many whole days. A failure to read
// the enrollment is logged and does not lock: the sync would fail the same
// way, and the user could then do nothing at all.
func (u *UI) syncOverdue() (days int, overdue bool) {
	if u.ws == nil {
		return 0, false
	}
	now := u.cfg.Now()
	limit := time.Duration(u.syncLockDays()) * 24 * time.Hour
	over, err := u.cfg.Sync.Overdue(u.ws, now, limit)
	if err != nil {
		fyne.LogError("check days since the last sync", err)
		return 0, false
	}
	if !over {
		return 0, false
	}
	since, ok := u.cfg.Sync.LastSync(u.ws)
	if !ok {
		if e, enrolled, err := u.cfg.Sync.Enrolled(u.ws); err == nil && enrolled {
			since = e.Enrolled
		}
	}
	return int(now.Sub(since) / (24 * time.Hour)), true
}

// checkOverdue moves to the overdue screen when the limit passes while the
// workspace is open — but not in the middle of a sync, which may be the one
// that lifts it.
func (u *UI) checkOverdue() {
	if u.ws == nil || u.overdue != nil || (u.syncs != nil && u.syncs.cancelSync != nil) {
		return
	}
	if days, over := u.syncOverdue(); over {
		u.showOverdue(days)
	}
}

// showOverdue replaces the tabs with the overdue screen. An open
// registration is saved to its draft first.
func (u *UI) showOverdue(days int) {
	if u.register != nil {
		u.register.saveDraft()
	}
	u.dropScreens()
	u.overdue = newOverdueScreen(u, days)
	u.syncs = u.overdue.syncs
	u.win.SetContent(u.overdue.content)
	u.overdue.content.Refresh() // wrapped lines are measured once the width is known
}

// resumeIfSynced goes back to normal use, without unlocking again, once a
// sync has brought the device within the limit.
func (u *UI) resumeIfSynced() {
	if u.overdue == nil || u.ws == nil {
		return
	}
	if _, over := u.syncOverdue(); !over {
		u.showMain()
	}
}

// overdueScreen says why everything but syncing is closed, and offers the
// sync screen, the language, locking and wiping the device.
type overdueScreen struct {
	u        *UI
	content  fyne.CanvasObject
	message  *widget.Label
	syncs    *syncScreen
	language *choiceSelect
	lockNow  *widget.Button
	wipe     *widget.Button
}

func newOverdueScreen(u *UI, days int) *overdueScreen {
	s := &overdueScreen{u: u}
	s.message = u.heading(u.tr.T("overdue.message", days))
	s.message.Importance = widget.DangerImportance
	s.syncs = newSyncScreen(u)
	s.language = u.languageSelect()
	s.lockNow = u.button(u.tr.T("settings.lock_now"), theme.LogoutIcon(), u.lock)
	s.wipe = u.button(u.tr.T("settings.wipe"), theme.DeleteIcon(), u.confirmWipe)
	s.wipe.Importance = widget.DangerImportance
	device := widget.NewCard("", "", container.NewVBox(
		u.heading(u.tr.T("settings.device")),
		u.text(u.tr.T("settings.wipe_hint")),
		u.form(widget.NewFormItem(u.tr.T("settings.language"), s.language)),
		u.row(s.lockNow, s.wipe),
	))
	s.content = centered(container.NewVBox(
		s.message,
		u.text(u.tr.T("overdue.hint")),
		widget.NewSeparator(),
		s.syncs.body,
		widget.NewSeparator(),
		device,
	))
	return s
}

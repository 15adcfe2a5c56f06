package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

const day = 24 * time.Hour

// enroll enrolls the test device with the fake HQ at 09:00 on the test's
// first day; successful syncs then happen at the test clock's time.
func (u *testUI) enroll() {
	u.t.Helper()
	u.sync.now = u.clock.Now
	if _, err := u.sync.Enroll(context.Background(), u.ws, "FR1-TEST"); err != nil {
		u.t.Fatal(err)
	}
}

func TestOverdueDeviceOnlySyncsUntilASyncSucceeds(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.enroll()
	u.showTab(tabRegister)
	r := u.register
	u.fill(r.household, testHousehold)
	test.Tap(r.next)
	u.fill(r.person, map[string]string{"given_name": "Ibra"})
	r.saveDraft()

	// 34 days later the tablet is unlocked again, far from any signal.
	u.clock.Add(34 * day)
	u.checkIdle()
	if u.ws != nil {
		t.Fatal("not locked after 34 idle days")
	}
	u.unlockWith(testAdmin, testPass)
	o := u.overdue
	if u.ws == nil || o == nil {
		t.Fatalf("unlocked: %v, overdue screen: %v", u.ws != nil, o != nil)
	}
	if u.win.Content() != o.content || u.tabs != nil || u.register != nil || u.find != nil {
		t.Fatal("registering or finding is still reachable")
	}
	shown := texts(o.content)
	for _, want := range []string{
		"This device has not reached HQ for 34 days. Sync or import a bundle from HQ to continue.",
		"Sync now", "Import a file", "Wipe device",
	} {
		if !strings.Contains(shown, want) {
			t.Errorf("overdue screen does not show %q:\n%s", want, shown)
		}
	}
	u.showTab(tabRegister)
	if u.win.Content() != o.content {
		t.Error("the register tab opened on an overdue device")
	}

	// A failed sync changes nothing.
	u.sync.err = errUnreachableForTest
	test.Tap(o.syncs.start)
	u.wait()
	if u.overdue != o || !strings.Contains(o.syncs.message.Text, "HQ could not be reached. Nothing is lost") {
		t.Fatalf("after a failed sync: overdue %v, message %q", u.overdue == o, o.syncs.message.Text)
	}

	// A successful one gives everything back, without unlocking again, and
	// the unfinished registration reopens.
	ws := u.ws
	u.sync.err = nil
	test.Tap(o.syncs.start)
	u.wait()
	if u.overdue != nil || u.tabs == nil || u.ws != ws {
		t.Fatalf("after a successful sync: overdue %v, tabs %v, same workspace %v", u.overdue != nil, u.tabs != nil, u.ws == ws)
	}
	if u.currentTab() != tabRegister {
		t.Error("the unfinished registration was not reopened")
	}
	if got := u.input(u.register.person, "given_name").entry.Text; got != "Ibra" {
		t.Errorf("half-typed name restored as %q", got)
	}
	if u.register.reg.Fields["site"] != "camp_north" {
		t.Errorf("household answers lost: %v", u.register.reg.Fields)
	}
}

// The limit can pass while the app is open and in use: what is being typed
// is saved to the draft before the screen changes.
func TestOverdueWhileOpenKeepsTheDraft(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.enroll()
	u.showTab(tabRegister)
	r := u.register
	u.fill(r.household, testHousehold)
	test.Tap(r.next)
	u.fill(r.person, map[string]string{"given_name": "Hawa"}) // the draft timer has not fired

	u.clock.Add(31 * day)
	u.touch()
	u.checkIdle()
	if u.ws == nil || u.overdue == nil {
		t.Fatal("an open device past the limit did not switch to the overdue screen")
	}
	if !strings.Contains(u.overdue.message.Text, "for 31 days") {
		t.Errorf("message = %q", u.overdue.message.Text)
	}
	test.Tap(u.overdue.syncs.start)
	u.wait()
	if u.register == nil {
		t.Fatal("normal use did not resume after the sync")
	}
	if got := u.input(u.register.person, "given_name").entry.Text; got != "Hawa" {
		t.Errorf("name typed before the lock restored as %q", got)
	}
}

func TestSyncLockLimit(t *testing.T) {
	for _, tc := range []struct {
		name       string
		enrolled   bool
		syncedAgo  time.Duration // since the test's clock after moving; 0 = never synced
		after      time.Duration
		chooseDays int // picked in Settings; 0 = the default
		wantDays   int
		overdue    bool
	}{
		{name: "not enrolled is never locked", after: 400 * day},
		{name: "29 days after enrollment", enrolled: true, after: 29 * day},
		{name: "31 days after enrollment", enrolled: true, after: 31 * day, wantDays: 31, overdue: true},
		{name: "synced 2 days ago", enrolled: true, after: 40 * day, syncedAgo: 2 * day},
		{name: "synced 45 days ago", enrolled: true, after: 50 * day, syncedAgo: 45 * day, wantDays: 45, overdue: true},
		{name: "admin allows 60 days", enrolled: true, after: 34 * day, chooseDays: 60},
		{name: "admin allows 7 days", enrolled: true, after: 8 * day, chooseDays: 7, wantDays: 8, overdue: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := newTestUI(t)
			u.create()
			if tc.enrolled {
				u.enroll()
			}
			if tc.chooseDays != 0 {
				u.showTab(tabSettings)
				if u.settings.syncLock.Disabled() {
					t.Fatal("an admin cannot change the limit")
				}
				u.settings.syncLock.SetSelected(u.tr.N("settings.days", tc.chooseDays))
			}
			u.clock.Add(tc.after)
			if tc.syncedAgo != 0 {
				u.sync.last = u.clock.Now().Add(-tc.syncedAgo)
			}
			days, over := u.syncOverdue()
			if over != tc.overdue || days != tc.wantDays {
				t.Errorf("overdue %v after %d days, want %v after %d", over, days, tc.overdue, tc.wantDays)
			}
		})
	}
}

// The limit is kept in the workspace: editing the app's preference, as
// anyone with the device's files could, no longer lifts the lock.
func TestSyncLockIgnoresThePreference(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.enroll()
	u.showTab(tabSettings)
	u.settings.syncLock.SetSelected(u.tr.N("settings.days", 7))
	u.app.Preferences().SetInt(prefSyncLockDay, 90)
	u.clock.Add(8 * day)
	if days, over := u.syncOverdue(); !over || days != 8 {
		t.Errorf("with a 7-day lock and the preference edited to 90: overdue %v after %d days, want overdue after 8", over, days)
	}
	if d, set, err := u.ws.SyncLock(); err != nil || !set || d != 7 {
		t.Errorf("the workspace holds a lock of %d days (set %v, %v), want 7", d, set, err)
	}
}

// A limit an admin chose in an older version, kept in the preferences,
// moves into the workspace the first time an admin opens it.
func TestSyncLockPreferenceMigratesOnce(t *testing.T) {
	u := newTestUI(t)
	u.app.Preferences().SetInt(prefSyncLockDay, 14)
	u.create()
	if d, set, err := u.ws.SyncLock(); err != nil || !set || d != 14 {
		t.Fatalf("after opening as admin the workspace holds %d days (set %v, %v), want 14", d, set, err)
	}
	if got := u.app.Preferences().IntWithFallback(prefSyncLockDay, 0); got != 0 {
		t.Errorf("the old preference is still there: %d", got)
	}
}

package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestSyncTellsWhatHQHeld: after a sync, the screen says in the user's
// language which of this device's changes HQ holds for a supervisor (apart
// those held for a wrong date), and what a supervisor did with held ones.
func TestSyncTellsWhatHQHeld(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.showTab(tabSync)
	u.sync.final = SyncProgress{Sent: 4, ToSend: 4, Notices: []Notice{{"sync.held", 2}, {"sync.held_clock", 1}, {"sync.held_released", 3}}}
	test.Tap(u.syncs.start)
	u.wait()
	got := u.syncs.message.Text
	for _, want := range []string{
		"Done. Changes sent: 4",
		"Changes HQ is holding for a supervisor to review: 2.",
		"Changes HQ is holding because this device's date looks wrong (ahead of HQ's): 1.",
		"Held changes a supervisor released: 3.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("sync message lacks %q:\n%s", want, got)
		}
	}
	u.setLanguage("fr")
	u.showTab(tabSync)
	u.sync.final.Notices = []Notice{{"sync.held_dropped", 2}}
	test.Tap(u.syncs.start)
	u.wait()
	if got := u.syncs.message.Text; !strings.Contains(got, "Modifications retenues qu'un superviseur a écartées : 2.") {
		t.Errorf("sync message in French:\n%s", got)
	}
}

// TestSyncTellsWhatHQRefused: changes HQ refused (records outside the
// device's sites) are said in plain words, in the user's language.
func TestSyncTellsWhatHQRefused(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.showTab(tabSync)
	u.sync.final = SyncProgress{Sent: 2, ToSend: 2, Notices: []Notice{{"sync.refused", 2}}}
	test.Tap(u.syncs.start)
	u.wait()
	if got := u.syncs.message.Text; !strings.Contains(got, "Changes HQ refused: 2. They change records outside this device's sites") {
		t.Errorf("sync message lacks the refusal:\n%s", got)
	}
	u.setLanguage("es")
	u.showTab(tabSync)
	test.Tap(u.syncs.start)
	u.wait()
	if got := u.syncs.message.Text; !strings.Contains(got, "Cambios que la sede rechazó: 2.") {
		t.Errorf("sync message in Spanish:\n%s", got)
	}
}

package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestPassphraseHintDoesNotMoveTheFieldsBelow: typing a passphrase turns the
// two-line rule under it into a one-word strength. Seen under Xvfb at
// 800×1280: the repeat field moved up 34 px while the user typed, and the tap
// meant for it landed in the HQ code box, which then held the passphrase in
// clear.
func TestPassphraseHintDoesNotMoveTheFieldsBelow(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 800, Height: 1280}, {Width: 1280, Height: 800}} {
		u := newTestUI(t)
		u.win.Resize(size)
		s := u.firstRun
		d := fyne.CurrentApp().Driver()
		u.win.Content().Refresh() // the screen as the user first sees it, laid out
		before := d.AbsolutePositionForObject(s.repeat)
		test.Type(s.pass, "correct horse battery")
		if s.strength.Text == u.tr.T("passphrase.hint") {
			t.Fatalf("%v: the hint did not change as the passphrase was typed", size)
		}
		u.win.Content().Refresh()
		if after := d.AbsolutePositionForObject(s.repeat); after != before {
			t.Errorf("%v: the repeat field moved from %v to %v while the passphrase was typed", size, before, after)
		}
	}
}

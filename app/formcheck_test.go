package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestFieldCheckedWhenLeftAndClearedWhenFixed(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.showTab(tabRegister)
	r := u.register
	u.fill(r.household, testHousehold)
	test.Tap(r.next)
	birth := u.input(r.person, "birth_date")
	c := u.win.Canvas()
	c.Focus(birth.entry)
	test.Type(birth.entry, "1/3/1985")
	c.Focus(u.input(r.person, "given_name").entry) // the enumerator moves on
	if !birth.errors.Visible() || !strings.Contains(birth.errors.Text, "YYYY-MM-DD") {
		t.Fatalf("a wrong date, left, says %q; want the format", birth.errors.Text)
	}
	birth.entry.SetText("1985-03-01")
	if birth.errors.Visible() {
		t.Errorf("the message stayed after the fix: %q", birth.errors.Text)
	}
}

func TestSecondHeadRefusedBesideTheRelationship(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.showTab(tabRegister)
	r := u.register
	u.fill(r.household, testHousehold)
	test.Tap(r.next)
	u.fill(r.person, testHead)
	test.Tap(r.addMember)
	u.fill(r.person, map[string]string{"relationship": "head", "given_name": "Ibrahim", "family_name": "Yusuf", "sex": "male", "birth_date": "1980-07-15"})
	test.Tap(r.addMember)
	if len(r.reg.Members) != 1 {
		t.Fatalf("a second head was added: %d members", len(r.reg.Members))
	}
	rel := u.input(r.person, "relationship")
	if !rel.errors.Visible() || !strings.Contains(rel.errors.Text, "Amina Yusuf") || strings.Contains(rel.errors.Text, "relationship:") {
		t.Errorf("beside the relationship: %q; want the head named in plain words", rel.errors.Text)
	}
}

func TestNextScrollsToTheFirstError(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.win.Resize(fyne.NewSize(800, 1280))
	u.showTab(tabRegister)
	r := u.register
	r.scroll.ScrollToBottom()
	test.Tap(r.next)
	first := r.household.firstError()
	if first == nil {
		t.Fatal("Next on an empty household showed no message beside a field")
	}
	pos, ok := positionIn(r.scroll.Content, first.object())
	if !ok {
		t.Fatal("first error's input not found in the page")
	}
	if top, bottom := r.scroll.Offset.Y, r.scroll.Offset.Y+r.scroll.Size().Height; pos.Y < top || pos.Y > bottom {
		t.Errorf("first error %q at y=%.0f, view shows %.0f–%.0f", first.def.Name, pos.Y, top, bottom)
	}
}

package app

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"fieldreg/registry"
)

// tapCounter drives the registration screen as an enumerator would and
// counts every interaction beyond the characters of the data: taps (a
// drop-down list is two: open, pick), key presses (Enter to move on) and
// scrolls. A scroll is one swipe of at most three quarters of the visible
// page, counted whenever the control to use next is not wholly in view.
type tapCounter struct {
	u       *testUI
	scroll  func() *container.Scroll
	taps    int
	keys    int
	scrolls int
	steps   []string // the figure of each step, for the log
	last    [3]int
	typing  *fieldEntry // the entry typed into last, while the keyboard is the hand's place
}

// step notes the interactions since the last step.
func (c *tapCounter) step(name string) {
	c.steps = append(c.steps, fmt.Sprintf("%s %d+%d+%d", name, c.taps-c.last[0], c.keys-c.last[1], c.scrolls-c.last[2]))
	c.last = [3]int{c.taps, c.keys, c.scrolls}
}

func (c *tapCounter) total() int { return c.taps + c.keys + c.scrolls }

// inView scrolls o into view, counting the swipes it takes. A swipe down
// brings the target near the top of the page, as a reader pushes what is
// done out of the way; one up, the least that shows it.
func (c *tapCounter) inView(o fyne.CanvasObject) {
	s := c.scroll()
	if s == nil || !within(s.Content, o) {
		return // fixed on screen, as the buttons below the page
	}
	d := c.u.app.Driver()
	view := s.Size().Height
	top := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(s).Y
	bottom := top + o.Size().Height
	var delta float32
	switch {
	case top < 0:
		delta = top - 8
	case bottom > view:
		delta = top - view/8 // the field's label stays in view above it
	default:
		return
	}
	c.scrolls += int(math.Ceil(float64(abs32(delta) / (view * 3 / 4))))
	if testing.Verbose() {
		c.u.t.Logf("scroll %T top %.0f bottom %.0f view %.0f offset %.0f content %.0f", o, top, bottom, view, s.Offset.Y, s.Content.Size().Height)
	}
	s.ScrollToOffset(fyne.NewPos(s.Offset.X, s.Offset.Y+delta))
}

// item is the i-th choice of a radio or check group as drawn: the box the
// finger goes to, not the whole list.
func item(group fyne.Widget, i int) fyne.CanvasObject {
	return test.WidgetRenderer(group).Objects()[i]
}

// within reports whether o is drawn inside root.
func within(root, o fyne.CanvasObject) bool {
	if root == o {
		return true
	}
	switch w := root.(type) {
	case *fyne.Container:
		for _, c := range w.Objects {
			if within(c, o) {
				return true
			}
		}
		return false
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(w).Objects() {
			if within(c, o) {
				return true
			}
		}
	}
	return false
}

func abs32(f float32) float32 {
	if f < 0 {
		return -f
	}
	return f
}

// let is the hand leaving the keyboard for a choice: the entry loses the focus.
func (c *tapCounter) let() {
	c.typing = nil
	c.u.win.Canvas().Unfocus()
}

func (c *tapCounter) tap(o fyne.Tappable) {
	c.u.t.Helper()
	c.inView(o.(fyne.CanvasObject))
	c.taps++
	c.typing = nil
	c.u.win.Canvas().Unfocus()
	test.Tap(o)
}

// typeIn reaches e (Enter from the entry typed into just before when that
// is where Enter goes, else a tap) and types the text, which is free.
func (c *tapCounter) typeIn(e *fieldEntry, text string) {
	cv := c.u.win.Canvas()
	reached := cv.Focused() == e // the app put the keyboard there
	if !reached && c.typing != nil && cv.Focused() == c.typing {
		c.typing.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if cv.Focused() == e {
			c.keys++
			reached = true
		}
		// An Enter that goes elsewhere would not have been pressed: not counted.
	}
	if !reached {
		c.inView(e)
		c.taps++
		cv.Focus(e)
	}
	c.inView(e)
	e.SetText("")
	for _, r := range text {
		e.TypedRune(r)
	}
	c.typing = e
}

// fill answers the fields of v in form order, as a user goes down the page.
func (c *tapCounter) fill(v *formView, vals map[string]string) {
	c.u.t.Helper()
	for _, in := range v.inputs {
		val, ok := vals[in.def.Name]
		if !ok {
			if in.age != nil && vals["age"] != "" {
				c.typeIn(in.age, vals["age"])
			}
			continue
		}
		if in.value() == val {
			continue // a default or a carried value already says it
		}
		c.answer(in, val)
	}
	for name := range vals {
		if name != "age" && v.byName[name] == nil {
			c.u.t.Fatalf("form %s has no field %q", v.form.Kind, name)
		}
	}
}

func (c *tapCounter) answer(in *fieldInput, val string) {
	c.u.t.Helper()
	switch {
	case in.entry != nil:
		c.typeIn(in.entry, val)
	case in.check != nil:
		if in.check.Checked != (val == "true") {
			c.tap(in.check)
		}
	case in.radio != nil:
		c.let()
		c.inView(item(in.radio, slices.Index(in.choiceNames, val)))
		c.taps++
		in.radio.SetSelected(in.label(val))
	case in.sel != nil:
		c.let()
		c.inView(in.sel)
		c.taps += 2 // open the list, pick
		in.sel.SetSelected(in.label(val))
	case in.checks != nil:
		c.let()
		var labels []string
		for _, code := range strings.Fields(val) {
			c.inView(item(in.checks, slices.Index(in.choiceNames, code)))
			labels = append(labels, in.label(code))
			c.taps++
		}
		in.checks.SetSelected(labels)
	}
	if in.value() != val {
		c.u.t.Fatalf("%s: shows %q after answering %q", in.def.Name, in.value(), val)
	}
}

// The household of six with its 31-question assessment takes at most 90
// interactions beyond typing the data (issue 12: it took 172).
func TestHouseholdOfSixInteractions(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 1280, Height: 800}, {Width: 800, Height: 1280}} {
		t.Run(fmtSize(size), func(t *testing.T) {
			u := newTestUI(t)
			u.create()
			u.win.Resize(size)
			n := registerSix(u)
			t.Logf("%s: %d interactions: %d taps, %d key presses, %d scrolls", fmtSize(size), n.total(), n.taps, n.keys, n.scrolls)
			t.Logf("by step (taps+keys+scrolls): %s", strings.Join(n.steps, ", "))
			if n.total() > 90 {
				t.Errorf("%d interactions beyond the data, want at most 90", n.total())
			}
		})
	}
}

func fmtSize(s fyne.Size) string { return fmt.Sprintf("%.0f×%.0f", s.Width, s.Height) }

var sixMembers = []map[string]string{
	{"relationship": "head", "given_name": "Amina", "family_name": "Yusuf", "sex": "female", "birth_date": "1985-03-02"},
	{"relationship": "spouse", "given_name": "Ibrahim", "family_name": "Yusuf", "sex": "male", "birth_date": "1980-07-15"},
	{"relationship": "child", "given_name": "Hawa", "family_name": "Yusuf", "sex": "female", "age": "12"},
	{"relationship": "child", "given_name": "Musa", "family_name": "Yusuf", "sex": "male", "age": "9", "specific_needs": "disability"},
	{"relationship": "child", "given_name": "Zainab", "family_name": "Yusuf", "sex": "female", "age": "6"},
	{"relationship": "child", "given_name": "Yusuf", "family_name": "Yusuf", "sex": "male", "birth_date": "2024-01-20"},
}

// sixAssessment answers all 30 questions after the date (the 31st, today).
var sixAssessment = map[string]string{
	"shelter_condition": "minor_damage", "shelter_occupants": "6", "shelter_rooms": "1",
	"shelter_issues": "leaking_roof no_privacy", "eviction_risk": "false",
	"water_source": "public_tap", "water_litres_per_person": "12.5", "water_enough": "false",
	"latrine_access": "shared", "soap_available": "true",
	"meals_per_day": "2", "days_cereals": "7", "days_pulses": "3", "days_vegetables_fruit": "2", "days_protein": "1",
	"food_coping": "smaller_meals", "health_needed_care": "true", "health_access": "no_cost",
	"health_minutes_to_facility": "45", "chronic_illness": "false", "children_vaccinated": "some",
	"feel_safe": "safe", "safety_concerns": "theft", "missing_documents": "birth_certificate",
	"separated_members": "false", "nfi_needs": "blankets jerrycans", "cooking_fuel": "firewood",
	"enough_sleeping_items": "false", "priority_needs": "food shelter", "priority_notes": "Roof leaks over the children's side",
}

// registerSix registers the household of six and its assessment, counting.
func registerSix(u *testUI) *tapCounter {
	u.t.Helper()
	r := u.register
	c := &tapCounter{u: u, scroll: func() *container.Scroll { return u.register.scroll }}
	c.taps++ // the Register tab
	u.showTab(tabRegister)
	c.fill(r.household, map[string]string{"consent": "true", "site": "camp_north", "shelter_type": "tent", "phone": "+256 700 111222"})
	c.tap(r.next)
	c.step("household")
	if r.reg.Step != stepMembers {
		u.t.Fatalf("household step refused: %q %v", r.message.Text, fieldErrors(r.household))
	}
	for _, m := range sixMembers {
		c.fill(r.person, m)
		u.wait()
		c.tap(r.addMember)
		if r.message.Visible() && r.message.Text != "" {
			u.t.Fatalf("member refused: %q %v", r.message.Text, fieldErrors(r.person))
		}
	}
	c.tap(r.next)
	c.step("members")
	if r.reg.Step != stepAssessment {
		u.t.Fatalf("members step refused: %q", r.message.Text)
	}
	c.fill(r.assessment, sixAssessment)
	c.tap(r.next)
	c.step("assessment")
	if r.reg.Step != stepReview {
		u.t.Fatalf("assessment refused: %q %v", r.message.Text, fieldErrors(r.assessment))
	}
	c.tap(r.save)
	c.step("review")
	u.wait()
	if n := u.ws.Count(registry.KindPerson); n != 6 {
		u.t.Fatalf("%d persons saved, want 6 (%q)", n, r.message.Text)
	}
	if n := u.ws.Count(registry.KindAssessment); n != 1 {
		u.t.Fatalf("%d assessments saved, want 1", n)
	}
	return c
}

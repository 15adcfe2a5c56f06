package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// choiceSelect is a drop-down list that survives Fyne 2.7.1's lost canvas
// (fyne-io/fyne#5965, fixed upstream after 2.7.1).
//
// Why it happens to us: Fyne remembers which canvas each object is on in a
// cache whose entries expire after a minute unless something reads them; a
// repaint re-adds only entries already gone, and the cache is swept after a
// repaint. Restoring a registration after unlocking, or switching language,
// builds every form widget at once; about a minute later the sweep drops
// them, and a tap on a Select before the next repaint reaches
// Select.showPopUp with a nil canvas, which dereferences it. The form is
// rebuilt on every restore already (newRegisterScreen), so the widgets are
// not stale; the cache is. We know our window, so when the driver has
// forgotten the canvas, the choices open on the window's canvas instead.
type choiceSelect struct {
	widget.Select
	win fyne.Window
}

func newChoiceSelect(win fyne.Window, options []string, changed func(string)) *choiceSelect {
	s := &choiceSelect{win: win}
	s.Options = options
	s.OnChanged = changed
	s.ExtendBaseWidget(s)
	return s
}

// canvasKnown reports whether Fyne can show the pop-up itself.
func (s *choiceSelect) canvasKnown() bool {
	return fyne.CurrentApp().Driver().CanvasForObject(s) != nil
}

func (s *choiceSelect) Tapped(e *fyne.PointEvent) {
	if s.Disabled() {
		return
	}
	if s.canvasKnown() {
		s.Select.Tapped(e)
		return
	}
	s.showChoices()
}

// TypedKey opens the list on space and the arrows, as Select does, through
// the same guard.
func (s *choiceSelect) TypedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeySpace, fyne.KeyUp, fyne.KeyDown:
		if !s.canvasKnown() {
			s.showChoices()
			return
		}
	}
	s.Select.TypedKey(e)
}

// showChoices lists the options in a pop-up on the window's canvas, one
// full-width button each; a tap picks one and closes it.
func (s *choiceSelect) showChoices() {
	c := s.win.Canvas()
	list := container.NewVBox()
	var pop *widget.PopUp
	for _, o := range s.Options {
		o := o
		b := widget.NewButton(o, func() {
			pop.Hide()
			s.SetSelected(o)
		})
		if o == s.Selected {
			b.Importance = widget.HighImportance
		}
		list.Add(b)
	}
	pop = widget.NewModalPopUp(container.NewVScroll(list), c)
	size := list.MinSize()
	if win := c.Size(); size.Height > win.Height*0.8 {
		size.Height = win.Height * 0.8
	}
	if w := s.Size().Width; w > size.Width {
		size.Width = w
	}
	pop.Resize(size)
	pop.Show()
}

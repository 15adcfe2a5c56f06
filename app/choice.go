package app

import (
	"strings"

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
	win        fyne.Window
	searchHint string // the search box's placeholder, for long lists
}

// searchMin is the length from which a list opens with a search box: a
// menu of 5,000 sites is neither quick to draw nor to scroll.
const searchMin = 20

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
	if len(s.Options) >= searchMin {
		s.showSearch()
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
		if len(s.Options) >= searchMin {
			s.showSearch()
			return
		}
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

// showSearch lists a long list's options under a search box: typing keeps
// the options containing what is typed (any case), a tap picks one.
func (s *choiceSelect) showSearch() {
	c := s.win.Canvas()
	shown := s.Options
	var pop *widget.PopUp
	list := widget.NewList(
		func() int { return len(shown) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(shown[i]) },
	)
	list.OnSelected = func(i widget.ListItemID) {
		pop.Hide()
		s.SetSelected(shown[i])
	}
	search := widget.NewEntry()
	search.SetPlaceHolder(s.searchHint)
	search.OnChanged = func(q string) {
		shown = filterOptions(s.Options, q)
		list.UnselectAll()
		list.Refresh()
		list.ScrollToTop()
	}
	pop = widget.NewModalPopUp(container.NewBorder(search, nil, nil, nil, list), c)
	win := c.Size()
	pop.Resize(fyne.NewSize(min(max(s.Size().Width, 320), win.Width*0.9), win.Height*0.8))
	pop.Show()
	c.Focus(search)
}

// filterOptions keeps the options containing q, in any case.
func filterOptions(options []string, q string) []string {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return options
	}
	var out []string
	for _, o := range options {
		if strings.Contains(strings.ToLower(o), q) {
			out = append(out, o)
		}
	}
	return out
}

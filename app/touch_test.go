package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// Every button, entry, choice and box on the main screens is at least 44 dp
// tall: a finger, on a cheap tablet, in the sun.
func TestTouchTargetsAreLargeEnough(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.registerHousehold(testHousehold, testHead)
	u.find.openHousehold(u.roster.list("", "")[0])
	const minHeight = 44
	screens := map[string]fyne.CanvasObject{
		"home": u.home.content, "register": u.register.content, "find": u.find.content,
		"sync": u.syncs.content, "settings": u.settings.content,
	}
	for name, content := range screens {
		content.Show() // the tabs hide all but the selected one
		w := test.NewTempWindow(t, content)
		w.Resize(fyne.NewSize(800, 1280))
		checked := 0
		walkObjects(content, func(o fyne.CanvasObject) {
			switch o.(type) {
			case *widget.Button, *widget.Entry, *choiceSelect, *widget.Check:
			default:
				return
			}
			checked++
			if h := o.MinSize().Height; h < minHeight {
				t.Errorf("%s: %T %q is %.0f dp tall", name, o, widgetText(o), h)
			}
		})
		if checked == 0 {
			t.Errorf("%s: no controls found", name)
		}
	}
}

func walkObjects(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	fn(o)
	switch w := o.(type) {
	case *fyne.Container:
		for _, c := range w.Objects {
			walkObjects(c, fn)
		}
	case *widget.Card:
		walkObjects(w.Content, fn)
	case *container.Scroll:
		walkObjects(w.Content, fn)
	case *widget.Button, *widget.Entry, *choiceSelect, *widget.Check, *widget.Label:
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(w).Objects() {
			walkObjects(c, fn)
		}
	}
}

func widgetText(o fyne.CanvasObject) string {
	switch w := o.(type) {
	case *widget.Button:
		return w.Text
	case *widget.Check:
		return w.Text
	case *widget.Entry:
		return w.PlaceHolder
	case *choiceSelect:
		return w.PlaceHolder
	}
	return ""
}

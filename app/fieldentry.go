package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// fieldEntry is a form's text input that tells when the enumerator arrives
// (so the form scrolls it into view) and leaves (so the field is checked
// then, not only at Next).
type fieldEntry struct {
	widget.Entry
	arrived, left func()
}

func newFieldEntry() *fieldEntry {
	e := &fieldEntry{}
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.ExtendBaseWidget(e)
	return e
}

func (e *fieldEntry) FocusGained() {
	e.Entry.FocusGained()
	if e.arrived != nil {
		e.arrived()
	}
}

func (e *fieldEntry) FocusLost() {
	e.Entry.FocusLost()
	if e.left != nil {
		e.left()
	}
}

package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/mobile"
	"fyne.io/fyne/v2/widget"
)

// fieldEntry is a form's text input that tells when the enumerator arrives
// (so the form scrolls it into view) and leaves (so the field is checked
// then, not only at Next).
type fieldEntry struct {
	widget.Entry
	arrived, left func()
	numeric       bool // integers and decimals: the number pad on a tablet
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

// Keyboard asks a tablet for its number pad on a numeric field (Fyne's
// mobile driver reads it when the entry is focused; a desktop ignores it).
func (e *fieldEntry) Keyboard() mobile.KeyboardType {
	if e.numeric && !e.MultiLine {
		return mobile.NumberKeyboard
	}
	return e.Entry.Keyboard()
}

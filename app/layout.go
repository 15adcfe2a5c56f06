package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// maxWidthLayout centres its objects horizontally, no wider than max, with
// padding at the sides on narrow screens.
type maxWidthLayout struct{ max float32 }

func (l *maxWidthLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding() * 4
	w := size.Width - 2*pad
	if w > l.max {
		w = l.max
	}
	x := (size.Width - w) / 2
	for _, o := range objects {
		h := o.MinSize().Height
		if size.Height-2*pad > h {
			h = size.Height - 2*pad
		}
		o.Move(fyne.NewPos(x, pad))
		o.Resize(fyne.NewSize(w, h))
	}
}

func (l *maxWidthLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding() * 4
	var min fyne.Size
	for _, o := range objects {
		min = min.Max(o.MinSize())
	}
	return fyne.NewSize(min.Width+2*pad, min.Height+2*pad)
}

// radioFit shows a radio group in one row when its choices fit the width it
// is given, and one below the other when they do not: a row of equal cells
// sized for the longest choice soon needs more than a tablet held upright.
// Like wrapping text, its height follows the width it was last laid out in.
type radioFit struct {
	radio *widget.RadioGroup
	width float32 // the width of the last layout; 0 before the first
}

func newRadioFit(r *widget.RadioGroup) *fyne.Container {
	r.Horizontal = false
	return container.New(&radioFit{radio: r}, r)
}

// cell is the size of one choice, and n the number of choices.
func (l *radioFit) cell() (fyne.Size, float32) {
	m := l.radio.MinSize()
	n := float32(max(1, len(l.radio.Options)))
	if l.radio.Horizontal {
		return fyne.NewSize(m.Width/n, m.Height), n
	}
	return fyne.NewSize(m.Width, m.Height/n), n
}

func (l *radioFit) fits(width float32) bool {
	c, n := l.cell()
	return width > 0 && c.Width*n <= width
}

func (l *radioFit) MinSize([]fyne.CanvasObject) fyne.Size {
	c, n := l.cell()
	if l.fits(l.width) {
		return c
	}
	return fyne.NewSize(c.Width, c.Height*n)
}

func (l *radioFit) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	if h := l.fits(size.Width); h != l.radio.Horizontal {
		l.radio.Horizontal = h
		l.radio.Refresh()
	}
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// labelBesideMin is the width from which a field's label goes beside its
// input instead of above it: on a laptop that halves the height of a form,
// so six and more fields are in view; on a tablet held upright the input
// keeps the whole width for a finger.
const labelBesideMin = 880

// fieldRow lays out a field's label column and input column side by side
// when there is room (labelBesideMin), else one above the other.
type fieldRow struct {
	width float32
	rtl   bool // the label on the right, where an Arabic reader starts
}

func newFieldRow(rtl bool, label, input fyne.CanvasObject) *fyne.Container {
	return container.New(&fieldRow{rtl: rtl}, label, input)
}

func (l *fieldRow) beside() bool { return l.width >= labelBesideMin }

func (l *fieldRow) labelWidth(width float32) float32 {
	return min(width*0.34, 380)
}

func (l *fieldRow) MinSize(objects []fyne.CanvasObject) fyne.Size {
	label, input := objects[0].MinSize(), objects[1].MinSize()
	pad := theme.Padding()
	if !objects[0].Visible() {
		return input
	}
	if l.beside() {
		return fyne.NewSize(max(label.Width, input.Width), max(label.Height, input.Height))
	}
	return fyne.NewSize(max(label.Width, input.Width), label.Height+pad+input.Height)
}

func (l *fieldRow) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	label, input := objects[0], objects[1]
	pad := theme.Padding()
	if !label.Visible() {
		input.Move(fyne.NewPos(0, 0))
		input.Resize(size)
		return
	}
	if l.beside() {
		lw := l.labelWidth(size.Width)
		lx, ix := float32(0), lw+pad
		if l.rtl {
			lx, ix = size.Width-lw, 0
		}
		label.Move(fyne.NewPos(lx, 0))
		label.Resize(fyne.NewSize(lw, size.Height))
		input.Move(fyne.NewPos(ix, 0))
		input.Resize(fyne.NewSize(size.Width-lw-pad, input.MinSize().Height))
		return
	}
	label.Move(fyne.NewPos(0, 0))
	label.Resize(fyne.NewSize(size.Width, label.MinSize().Height))
	y := label.MinSize().Height + pad
	input.Move(fyne.NewPos(0, y))
	input.Resize(fyne.NewSize(size.Width, input.MinSize().Height))
}

// hintHeight keeps a hint label as tall as the tallest text it may show at
// its width, so a hint that changes as the user types ("At least 10
// characters…" becoming "Strong.") does not pull the fields below it up
// under the finger that is about to tap one of them.
type hintHeight struct {
	box           *fyne.Container
	texts         []string
	scratch       *widget.Label // measures each text at the width laid out
	width, height float32
}

func newHintHeight(l *widget.Label, texts ...string) *fyne.Container {
	scratch := widget.NewLabel("")
	scratch.Wrapping = l.Wrapping
	h := &hintHeight{texts: texts, scratch: scratch}
	h.box = container.New(h, l)
	return h.box
}

func (l *hintHeight) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var min fyne.Size
	for _, o := range objects {
		min = min.Max(o.MinSize())
	}
	return fyne.NewSize(min.Width, max(min.Height, l.height))
}

func (l *hintHeight) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
	if size.Width == l.width {
		return
	}
	l.width, l.height = size.Width, 0
	for _, t := range l.texts {
		l.scratch.SetText(t)
		l.scratch.Resize(fyne.NewSize(size.Width, 0))
		l.height = max(l.height, l.scratch.MinSize().Height)
	}
	if l.height > size.Height {
		l.box.Refresh() // ask for the taller height now that the width is known
	}
}

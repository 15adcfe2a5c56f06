package app

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// wrapRow lays out buttons in one row of equal cells when they fit the
// width, else in two rows (or one column): the registration's buttons,
// four of them at the members step, are too wide for a tablet held
// upright in Spanish. Like wrapping text, its height follows the width it
// was last laid out in.
type wrapRow struct {
	width float32 // of the last layout; 0 before the first
}

// wrapRowOf is u.row that wraps: in the reading order of the language.
func (u *UI) wrapRowOf(objects ...fyne.CanvasObject) *fyne.Container {
	if u.tr.rtl() {
		objects = slices.Clone(objects)
		slices.Reverse(objects)
	}
	return container.New(&wrapRow{}, objects...)
}

func (l *wrapRow) cell(objects []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objects {
		if o.Visible() {
			s = s.Max(o.MinSize())
		}
	}
	return s
}

// cols is the most columns, halving from all in one row, that fit width.
func (l *wrapRow) cols(objects []fyne.CanvasObject, width float32) int {
	n := 0
	for _, o := range objects {
		if o.Visible() {
			n++
		}
	}
	cell, pad := l.cell(objects), theme.Padding()
	c := max(n, 1)
	for c > 1 && cell.Width*float32(c)+pad*float32(c-1) > width {
		c = (c + 1) / 2
	}
	return c
}

func (l *wrapRow) MinSize(objects []fyne.CanvasObject) fyne.Size {
	cell, pad := l.cell(objects), theme.Padding()
	n := 0
	for _, o := range objects {
		if o.Visible() {
			n++
		}
	}
	c := l.cols(objects, l.width)
	if l.width == 0 {
		c = 1 // before the first layout: the narrowest it can be
	}
	rows := (n + c - 1) / max(c, 1)
	return fyne.NewSize(cell.Width, cell.Height*float32(rows)+pad*float32(max(rows-1, 0)))
}

func (l *wrapRow) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	c := l.cols(objects, size.Width)
	cell, pad := l.cell(objects), theme.Padding()
	w := (size.Width - pad*float32(c-1)) / float32(c)
	i := 0
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		col, row := i%c, i/c
		o.Move(fyne.NewPos(float32(col)*(w+pad), float32(row)*(cell.Height+pad)))
		o.Resize(fyne.NewSize(w, cell.Height))
		i++
	}
}

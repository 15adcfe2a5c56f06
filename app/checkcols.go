package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// checkColumns is a check group whose boxes fill as many columns as the
// width holds (at most checkMaxColumns), reading down each column: a
// list of twelve needs takes a third of the height on a laptop, so the
// enumerator scrolls a third as much. It is a widget.CheckGroup in all
// else (Options, Selected, OnChanged).
type checkColumns struct {
	widget.CheckGroup
	rtl   bool
	width float32 // of the last layout; 0 before the first
}

// checkMaxColumns keeps the columns few enough to read as one list.
const checkMaxColumns = 3

func newCheckColumns(options []string, changed func([]string), rtl bool) *checkColumns {
	c := &checkColumns{rtl: rtl}
	c.ExtendBaseWidget(c) // before the group's own methods can claim the widget
	c.Options = options
	c.OnChanged = changed
	return c
}

func (c *checkColumns) CreateRenderer() fyne.WidgetRenderer {
	return &checkColumnsRenderer{WidgetRenderer: c.CheckGroup.CreateRenderer(), c: c}
}

// checkColumnsRenderer lays out the group's own boxes in columns.
type checkColumnsRenderer struct {
	fyne.WidgetRenderer
	c *checkColumns
}

func (r *checkColumnsRenderer) cell() fyne.Size {
	var s fyne.Size
	for _, o := range r.Objects() {
		s = s.Max(o.MinSize())
	}
	return s
}

// grid is the columns and rows for a width.
func (r *checkColumnsRenderer) grid(width float32) (cols, rows int) {
	n := len(r.Objects())
	cols = 1
	if cell := r.cell(); cell.Width > 0 && width > 0 {
		cols = int(width / cell.Width)
	}
	cols = max(1, min(cols, checkMaxColumns, n))
	return cols, (n + cols - 1) / max(cols, 1)
}

func (r *checkColumnsRenderer) MinSize() fyne.Size {
	cell := r.cell()
	_, rows := r.grid(r.c.width)
	return fyne.NewSize(cell.Width, cell.Height*float32(rows)) // one column's width: never wider than the window
}

func (r *checkColumnsRenderer) Layout(size fyne.Size) {
	before, _ := r.grid(r.c.width)
	r.c.width = size.Width
	cols, rows := r.grid(size.Width)
	cell := r.cell()
	w := size.Width / float32(cols)
	for i, o := range r.Objects() {
		col, row := i/rows, i%rows
		x := float32(col) * w
		if r.c.rtl {
			x = size.Width - float32(col+1)*w
		}
		o.Move(fyne.NewPos(x, float32(row)*cell.Height))
		o.Resize(fyne.NewSize(w, cell.Height))
	}
	if cols != before {
		r.c.Refresh() // a new height: the form lays itself out again
	}
}

func (r *checkColumnsRenderer) Refresh() {
	r.WidgetRenderer.Refresh() // the boxes' state; it may lay them out its own way
	if s := r.c.Size(); s.Width > 0 {
		r.Layout(s)
	}
}

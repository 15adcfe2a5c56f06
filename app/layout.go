package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
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

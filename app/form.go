package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// form lays out labelled inputs, a label beside each. Fyne's Form puts the
// labels on the left, which in Arabic reads backwards — the label comes
// after what it names — so in a right-to-left language the labels stand at
// the right of their inputs.
func (u *UI) form(items ...*widget.FormItem) fyne.CanvasObject {
	if !u.tr.rtl() {
		return widget.NewForm(items...)
	}
	objects := make([]fyne.CanvasObject, 0, 2*len(items))
	for _, it := range items {
		var label fyne.CanvasObject = layout.NewSpacer()
		if it.Text != "" {
			label = widget.NewLabelWithStyle(u.tr.bidi(it.Text), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		}
		objects = append(objects, label, it.Widget)
	}
	return container.New(rtlFormLayout{}, objects...)
}

// rtlFormLayout takes its objects in pairs, label then input, one pair a
// row: the labels in a column at the right as wide as the widest, the
// inputs filling the rest.
type rtlFormLayout struct{}

func (rtlFormLayout) columns(objects []fyne.CanvasObject) (label, input float32) {
	for i := 0; i+1 < len(objects); i += 2 {
		label = max(label, objects[i].MinSize().Width)
		input = max(input, objects[i+1].MinSize().Width)
	}
	return label, input
}

func (l rtlFormLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	label, input := l.columns(objects)
	var h float32
	for i := 0; i+1 < len(objects); i += 2 {
		if i > 0 {
			h += pad
		}
		h += max(objects[i].MinSize().Height, objects[i+1].MinSize().Height)
	}
	return fyne.NewSize(label+pad+input, h)
}

func (l rtlFormLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	label, _ := l.columns(objects)
	inputW := max(0, size.Width-label-pad)
	var y float32
	for i := 0; i+1 < len(objects); i += 2 {
		lab, in := objects[i], objects[i+1]
		h := max(lab.MinSize().Height, in.MinSize().Height)
		in.Move(fyne.NewPos(0, y))
		in.Resize(fyne.NewSize(inputW, h))
		lab.Move(fyne.NewPos(inputW+pad, y))
		lab.Resize(fyne.NewSize(label, lab.MinSize().Height))
		y += h + pad
	}
}

package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"
)

// TestArabicFormLabelsStandRightOfTheirInputs: under Xvfb the Arabic unlock
// screen had its labels on the left, so each line read input first, label
// after. In Arabic the label is at the right of its input, in every
// language at the same height.
func TestArabicFormLabelsStandRightOfTheirInputs(t *testing.T) {
	for _, lang := range []string{"ar", "en"} {
		u := newTestUI(t)
		u.create()
		u.lock()
		u.setLanguage(lang)
		u.win.Resize(fyne.NewSize(800, 1280))
		u.win.Content().Refresh()
		d := fyne.CurrentApp().Driver()
		s := u.unlock
		for _, in := range []fyne.CanvasObject{s.user, s.pass} {
			label := labelBeside(t, u.win.Content(), in)
			lp, ip := label.pos, d.AbsolutePositionForObject(in)
			rightOf := lp.X >= ip.X+in.Size().Width
			if rightOf != (lang == "ar") {
				t.Errorf("%s: label %q at x %.0f, its input spans x %.0f–%.0f", lang, label.Text, lp.X, ip.X, ip.X+in.Size().Width)
			}
		}
	}
}

type found struct {
	Text string
	pos  fyne.Position
	size fyne.Size
}

// labelBeside finds the label on the same row as o: the closest label whose
// vertical span overlaps o's.
func labelBeside(t *testing.T, root, o fyne.CanvasObject) *found {
	t.Helper()
	d := fyne.CurrentApp().Driver()
	op := d.AbsolutePositionForObject(o)
	var best *found
	var bestDist float32 = 1e9
	walkObjects(root, func(c fyne.CanvasObject) {
		var text string
		switch l := c.(type) {
		case *widget.Label:
			text = l.Text
		case *canvas.Text: // Fyne's Form draws its labels so
			text = l.Text
		}
		if text == "" {
			return
		}
		p := d.AbsolutePositionForObject(c)
		if p.Y+c.Size().Height <= op.Y || p.Y >= op.Y+o.Size().Height {
			return
		}
		dist := p.X - op.X
		if dist < 0 {
			dist = -dist
		}
		if dist < bestDist && (p.X+c.Size().Width <= op.X || p.X >= op.X+o.Size().Width) {
			best, bestDist = &found{text, p, c.Size()}, dist
		}
	})
	if best == nil {
		t.Fatalf("no label beside %T at %v", o, op)
	}
	return best
}

package app

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// ageChart is a population pyramid: one row per age band, females to one
// side and males to the other, bar lengths to scale, counts written beside.
type ageChart struct {
	widget.BaseWidget
	female, male [len(ageGroups)]int
	femaleLabel  string
	maleLabel    string
}

var (
	femaleColor = color.NRGBA{R: 0xc2, G: 0x3b, B: 0x6b, A: 0xff}
	maleColor   = color.NRGBA{R: 0x1f, G: 0x5f, B: 0xa8, A: 0xff}
)

func newAgeChart(femaleLabel, maleLabel string) *ageChart {
	c := &ageChart{femaleLabel: femaleLabel, maleLabel: maleLabel}
	c.ExtendBaseWidget(c)
	return c
}

func (c *ageChart) set(female, male [len(ageGroups)]int) {
	c.female, c.male = female, male
	c.Refresh()
}

func (c *ageChart) CreateRenderer() fyne.WidgetRenderer {
	r := &ageChartRenderer{chart: c}
	r.femaleTitle = canvas.NewText(c.femaleLabel, femaleColor)
	r.femaleTitle.TextStyle.Bold = true
	r.maleTitle = canvas.NewText(c.maleLabel, maleColor)
	r.maleTitle.TextStyle.Bold = true
	for i := range ageGroups {
		r.bands[i] = canvas.NewText(ageGroups[i].key, theme.Color(theme.ColorNameForeground))
		r.bands[i].Alignment = fyne.TextAlignCenter
		r.fBars[i] = canvas.NewRectangle(femaleColor)
		r.mBars[i] = canvas.NewRectangle(maleColor)
		r.fCounts[i] = canvas.NewText("", theme.Color(theme.ColorNameForeground))
		r.fCounts[i].Alignment = fyne.TextAlignTrailing
		r.mCounts[i] = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	}
	r.Refresh()
	return r
}

type ageChartRenderer struct {
	chart                  *ageChart
	femaleTitle, maleTitle *canvas.Text
	bands                  [len(ageGroups)]*canvas.Text
	fBars, mBars           [len(ageGroups)]*canvas.Rectangle
	fCounts, mCounts       [len(ageGroups)]*canvas.Text
}

const (
	chartRow    = 32
	chartLabelW = 64
	chartCountW = 56
)

func (r *ageChartRenderer) Layout(size fyne.Size) {
	maxCount := 1
	for i := range ageGroups {
		maxCount = max(maxCount, r.chart.female[i], r.chart.male[i])
	}
	mid := size.Width / 2
	barSpace := mid - chartLabelW/2 - chartCountW
	if barSpace < 0 {
		barSpace = 0
	}
	titleH := r.femaleTitle.MinSize().Height
	r.femaleTitle.Move(fyne.NewPos(mid-chartLabelW/2-r.femaleTitle.MinSize().Width, 0))
	r.maleTitle.Move(fyne.NewPos(mid+chartLabelW/2, 0))
	// The oldest band on top, as pyramids are drawn.
	for i := range ageGroups {
		row := len(ageGroups) - 1 - i
		y := titleH + 4 + float32(row)*chartRow
		barH := float32(chartRow - 6)
		fw := barSpace * float32(r.chart.female[i]) / float32(maxCount)
		mw := barSpace * float32(r.chart.male[i]) / float32(maxCount)

		r.bands[i].Move(fyne.NewPos(mid-chartLabelW/2, y+3))
		r.bands[i].Resize(fyne.NewSize(chartLabelW, barH))
		r.fBars[i].Move(fyne.NewPos(mid-chartLabelW/2-fw, y+3))
		r.fBars[i].Resize(fyne.NewSize(fw, barH))
		r.mBars[i].Move(fyne.NewPos(mid+chartLabelW/2, y+3))
		r.mBars[i].Resize(fyne.NewSize(mw, barH))
		r.fCounts[i].Move(fyne.NewPos(mid-chartLabelW/2-fw-chartCountW-4, y+3))
		r.fCounts[i].Resize(fyne.NewSize(chartCountW, barH))
		r.mCounts[i].Move(fyne.NewPos(mid+chartLabelW/2+mw+4, y+3))
		r.mCounts[i].Resize(fyne.NewSize(chartCountW, barH))
	}
}

func (r *ageChartRenderer) MinSize() fyne.Size {
	return fyne.NewSize(chartLabelW+2*chartCountW+2*80, r.femaleTitle.MinSize().Height+4+chartRow*float32(len(ageGroups)))
}

func (r *ageChartRenderer) Refresh() {
	fg := theme.Color(theme.ColorNameForeground)
	// Titles in the text colour: the bar colours are too dark to read as
	// text on the dark theme; the titles sit above their bars.
	r.femaleTitle.Color, r.maleTitle.Color = fg, fg
	r.femaleTitle.Refresh()
	r.maleTitle.Refresh()
	for i := range ageGroups {
		r.fCounts[i].Text = fmt.Sprint(r.chart.female[i])
		r.mCounts[i].Text = fmt.Sprint(r.chart.male[i])
		r.fCounts[i].Color, r.mCounts[i].Color, r.bands[i].Color = fg, fg, fg
		r.fCounts[i].Refresh()
		r.mCounts[i].Refresh()
		r.bands[i].Refresh()
	}
	r.Layout(r.chart.Size())
	canvas.Refresh(r.chart)
}

func (r *ageChartRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.femaleTitle, r.maleTitle}
	for i := range ageGroups {
		objs = append(objs, r.fBars[i], r.mBars[i], r.bands[i], r.fCounts[i], r.mCounts[i])
	}
	return objs
}

func (r *ageChartRenderer) Destroy() {}

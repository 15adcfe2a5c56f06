package app

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// datePicker is the calendar button beside a date: the date can be typed
// (YYYY-MM-DD, what is stored) or picked. A birth date keeps its age box
// too, for the many who know their age and not the day.
func (v *formView) datePicker(in *fieldInput) *widget.Button {
	u := v.u
	return widget.NewButtonWithIcon("", theme.CalendarIcon(), func() {
		u.touch()
		start := u.cfg.Now()
		if t, err := time.Parse(time.DateOnly, in.value()); err == nil {
			start = t
		}
		var pop *widget.PopUp
		cal := widget.NewCalendar(start, func(t time.Time) {
			pop.Hide()
			in.entry.SetText(t.Format(time.DateOnly))
			v.left[in.def.Name] = true
			v.showFieldError(in)
		})
		pop = widget.NewModalPopUp(cal, u.win.Canvas())
		pop.Show()
	})
}

// locator gives the device's position. Fyne 2.7 has no location API: a
// platform that has one (Android) plugs it in here; elsewhere the
// enumerator types the point.
type locator interface {
	// Locate returns latitude, longitude, altitude (m) and accuracy (m),
	// or errNoLocation.
	Locate() (lat, lon, alt, acc float64, err error)
}

// errNoLocation is returned by a locator on a device that has none.
var errNoLocation = errors.New("no location on this device")

// noLocator is the desktop's locator: there is no position to read.
type noLocator struct{}

func (noLocator) Locate() (lat, lon, alt, acc float64, err error) { return 0, 0, 0, 0, errNoLocation }

// locateButton fills a geopoint from the device's location, or says to
// type it where there is none.
func (v *formView) locateButton(in *fieldInput) *widget.Button {
	u := v.u
	return widget.NewButtonWithIcon(u.tr.T("form.gps"), theme.RadioButtonCheckedIcon(), func() {
		u.touch()
		loc := u.locate
		if loc == nil {
			loc = noLocator{}
		}
		lat, lon, alt, acc, err := loc.Locate()
		if err != nil {
			setError(in.notice, u.tr.T("form.no_location"))
			u.win.Canvas().Focus(in.entry)
			return
		}
		setError(in.notice, "")
		in.entry.SetText(formatGeopoint(lat, lon, alt, acc))
		v.left[in.def.Name] = true
		v.showFieldError(in)
	})
}

// formatGeopoint writes a point as XLSForm stores it, "lat lon alt acc",
// in registry's canonical form (no trailing zeros): a GPS gives more digits
// than a metre needs, so the degrees keep six decimals (0.1 m) and the
// metres one.
func formatGeopoint(lat, lon, alt, acc float64) string {
	num := func(x, scale float64) string {
		return strconv.FormatFloat(math.Round(x*scale)/scale, 'f', -1, 64)
	}
	return strings.Join([]string{num(lat, 1e6), num(lon, 1e6), num(alt, 10), num(acc, 10)}, " ")
}

// errorTextShown is an error label showing msg from the start.
func (u *UI) errorTextShown(msg string) *widget.Label {
	l := u.errorText()
	setError(l, msg)
	return l
}

package registry

import (
	"errors"
	"fmt"
	"time"
)

// DateLayout is the layout of every date value: YYYY-MM-DD.
const DateLayout = "2006-01-02"

// ErrBadDate is wrapped by Age when the birth date is not a YYYY-MM-DD date.
var ErrBadDate = errors.New("not a date (YYYY-MM-DD)")

// Age returns the age in whole years on now's calendar day of someone born
// on birthDate (YYYY-MM-DD). Someone born on 29 February turns a year older
// on 1 March in common years. A birth date after now gives a negative age.
func Age(birthDate string, now time.Time) (int, error) {
	b, err := time.Parse(DateLayout, birthDate)
	if err != nil {
		return 0, fmt.Errorf("birth date: %w", ErrBadDate) // never the value: it may be anything
	}
	y, m, d := now.Date()
	age := y - b.Year()
	if m < b.Month() || m == b.Month() && d < b.Day() {
		age--
	}
	return age, nil
}

// BirthDateFromAge returns the estimated birth date of someone who says they
// are years old on now: 1 July of the year that gives that age. Mid-year
// halves the worst-case error, keeps ages right on most days, and is easy to
// recognise as an estimate (as UNHCR's proGres does with 1 January, but
// without piling every estimated child onto a new year's birthday). When
// 1 July of that year would still be ahead of now's day in the year, the
// person would not yet have that age, so the year before is used.
func BirthDateFromAge(years int, now time.Time) string {
	y, m, _ := now.Date()
	year := y - years
	if m < time.July {
		year-- // 1 July of y-years has not yet come round this year
	}
	return time.Date(year, time.July, 1, 0, 0, 0, 0, time.UTC).Format(DateLayout)
}

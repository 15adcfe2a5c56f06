package registry

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
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

// FieldAge is no form's field: it is how people give a birth date they do
// not know, as an age in years, on a form screen, in a JSON or CSV file or
// on the command line. SetAge stores it as an estimated birth date.
const FieldAge = "age"

// AgeError is an age in years that the age rule refuses: not a whole
// number, or outside 0 to Max. It never holds the age itself: that may be
// anything typed into the wrong column.
type AgeError struct {
	Max int // the birth date field's MaxAge; 0 when the form sets no bound
}

func (e *AgeError) Error() string {
	if e.Max == 0 {
		return "not an age in years (0 or more)"
	}
	return fmt.Sprintf("not an age in years (0 to %d)", e.Max)
}

// FieldError states the refusal as the rule an age of record id breaks, for
// a screen or a command line to word in the user's language.
func (e *AgeError) FieldError(id uuid.UUID) FieldError {
	fe := FieldError{Record: id, Kind: KindPerson, Field: FieldAge, Rule: RuleAgeRange, Params: []string{strconv.Itoa(e.Max)}}
	if e.Max == 0 {
		fe.Rule, fe.Params = RuleMin, []string{"0"}
	}
	return fe
}

// SetAge is the age rule. An age in years, as typed ("34", " 7 "), is a
// whole number from 0 to the form's birth date MaxAge — the bound Validate
// puts on the date itself, so an age is refused for what it is rather than
// later as a date nobody typed — and is stored in values as the estimated
// birth date BirthDateFromAge gives, with FieldBirthDateEstimated "true"
// when the form has that field. On error (an *AgeError, or a form without a
// birth date) values is left as it was.
func (f *Form) SetAge(values map[string]string, age string, now time.Time) error {
	d, ok := f.Field(FieldBirthDate)
	if !ok || d.Type != TypeDate {
		return fmt.Errorf("the %s form takes no age: it has no %s date", f.Kind, FieldBirthDate)
	}
	years, err := strconv.Atoi(strings.TrimSpace(age))
	if err != nil || years < 0 || d.MaxAge > 0 && years > d.MaxAge {
		return &AgeError{Max: d.MaxAge}
	}
	values[FieldBirthDate] = BirthDateFromAge(years, now)
	if _, ok := f.Field(FieldBirthDateEstimated); ok {
		values[FieldBirthDateEstimated] = "true"
	}
	return nil
}

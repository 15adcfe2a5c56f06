package xpath

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Kind is the XPath type of a Value. Dates are ODK's addition to XPath 1.0's three types.
type Kind uint8

const (
	String Kind = iota
	Number
	Boolean
	Date // a calendar day; as a number it is the days since 1970-01-01
)

func (k Kind) String() string {
	switch k {
	case Number:
		return "number"
	case Boolean:
		return "boolean"
	case Date:
		return "date"
	}
	return "string"
}

// Value is the result of an expression. Its conversions follow XPath 1.0 section 4 (string(),
// number(), boolean()), with ODK's rule that a date used as a number is its count of days
// since 1970-01-01. It is a small value type so that evaluation does not allocate.
type Value struct {
	s    string  // String
	n    float64 // Number, Date (days), Boolean (1 or 0)
	kind Kind
}

// StringValue, NumberValue and BoolValue make Values of the three XPath types.
func StringValue(s string) Value  { return Value{s: s, kind: String} }
func NumberValue(f float64) Value { return Value{n: f, kind: Number} }
func BoolValue(b bool) Value {
	if b {
		return Value{n: 1, kind: Boolean}
	}
	return Value{kind: Boolean}
}

// DateValue is the calendar day of t in t's location.
func DateValue(t time.Time) Value {
	y, m, d := t.Date()
	return Value{n: float64(daysFromCivil(y, m, d)), kind: Date}
}

func dateFromDays(days float64) Value { return Value{n: math.Floor(days), kind: Date} }

// Kind is the value's XPath type.
func (v Value) Kind() Kind { return v.kind }

// String converts per XPath 1.0 string(): numbers without a trailing ".0" and without an
// exponent (3, 0.5, NaN, Infinity), booleans as "true"/"false", dates as 2006-01-02.
func (v Value) String() string {
	switch v.kind {
	case Number:
		return formatNumber(v.n)
	case Boolean:
		if v.n != 0 {
			return "true"
		}
		return "false"
	case Date:
		if math.IsNaN(v.n) || math.IsInf(v.n, 0) || math.Abs(v.n) > maxDays {
			return ""
		}
		return time.Unix(int64(v.n)*86400, 0).UTC().Format(time.DateOnly)
	}
	return v.s
}

// Number converts per XPath 1.0 number(): a string is trimmed and read as an optional minus,
// digits and an optional fraction (no exponent, no plus), else NaN — so an unanswered
// question ("") is NaN and `${age} >= 18` is false. A string that is a date (2006-01-02) or a
// date-time is its days since 1970-01-01, as ODK does.
func (v Value) Number() float64 {
	if v.kind == String {
		return stringToNumber(v.s)
	}
	return v.n
}

// Bool converts per XPath 1.0 boolean(): a string is true when not empty, a number when
// neither zero nor NaN.
func (v Value) Bool() bool {
	switch v.kind {
	case String:
		return v.s != ""
	case Date:
		return !math.IsNaN(v.n)
	}
	return v.n != 0 && !math.IsNaN(v.n)
}

// maxDays bounds the dates we print: far enough for any birth date or deadline, small enough
// that day arithmetic in seconds cannot overflow.
const maxDays = 3e6

func formatNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0" // also -0
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func stringToNumber(s string) float64 {
	s = strings.TrimSpace(s)
	if isXPathNumber(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err == nil {
			return f
		}
	}
	if days, ok := parseDays(s); ok {
		return days
	}
	return math.NaN()
}

// isXPathNumber reports whether s matches XPath's Number production with an optional minus:
// -?(Digits('.'Digits?)?|'.'Digits). strconv.ParseFloat alone would also take "1e5", "+1",
// "Inf" and "0x10", which XPath reads as NaN.
func isXPathNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := 0
	for i < len(s) && isDigit(s[i]) {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
			digits++
		}
	}
	return digits > 0 && i == len(s)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// parseDays reads an ODK date (2006-01-02) or date-time (2006-01-02T15:04:05.000+03:00, zone
// optional, UTC if absent) as days since 1970-01-01, with a fraction for the time of day.
func parseDays(s string) (float64, bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	y, ok1 := atoi(s[0:4])
	m, ok2 := atoi(s[5:7])
	d, ok3 := atoi(s[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return 0, false
	}
	days := float64(daysFromCivil(y, time.Month(m), d))
	if len(s) == 10 {
		return days, true
	}
	if s[10] != 'T' && s[10] != ' ' {
		return 0, false
	}
	for _, layout := range dateTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return float64(t.UnixMilli()) / 86400e3, true
		}
	}
	return 0, false
}

var dateTimeLayouts = []string{
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05.999999999",
}

func atoi(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// daysFromCivil counts days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar.
func daysFromCivil(y int, m time.Month, d int) int64 {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

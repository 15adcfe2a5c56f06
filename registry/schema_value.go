package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// ErrBadValue is wrapped by CanonicalValue when a value cannot be read as its
// field's type.
var ErrBadValue = errors.New("bad value")

// badValue says what a refused value should have been, never what it was:
// the message reaches terminals, logs and other people's screens, and the
// value may be a name or a phone number typed into the wrong column.
func badValue(want string) error {
	return fmt.Errorf("%w: not %s", ErrBadValue, want)
}

// CanonicalValue turns a value read from JSON (string, float64, json.Number,
// bool, []any of strings, or nil) or typed by a person into the one string
// Fieldreg stores for a field of type t: "true"/"false", YYYY-MM-DD, plain
// decimals without exponent, space-separated choice codes, "lat lon". Leading
// and trailing spaces are dropped. It checks the value's form, not the
// schema's rules (choices, bounds): Validate does that. nil and "" give "".
// Its errors name the rule, never the value.
func CanonicalValue(t FieldType, v any) (string, error) {
	bad := func(format string, args ...any) (string, error) {
		return "", fmt.Errorf("%w: %s", ErrBadValue, fmt.Sprintf(format, args...))
	}
	switch x := v.(type) {
	case nil:
		return "", nil
	case []any:
		if t != TypeSelectMultiple {
			return bad("a list for a %s field", t)
		}
		codes := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return bad("a list item that is not a string")
			}
			codes = append(codes, strings.Fields(s)...)
		}
		return strings.Join(codes, " "), nil
	case bool:
		if t != TypeBoolean {
			return bad("true/false for a %s field", t)
		}
		return strconv.FormatBool(x), nil
	case float64:
		return canonicalNumber(t, x)
	case json.Number:
		return CanonicalValue(t, string(x))
	case string:
		return canonicalString(t, strings.TrimSpace(nfc(x)))
	}
	return bad("a value of type %T", v)
}

func canonicalNumber(t FieldType, x float64) (string, error) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "", badValue("a finite number")
	}
	switch t {
	case TypeInteger:
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return "", badValue("a whole number")
		}
		return strconv.FormatInt(int64(x), 10), nil
	case TypeDecimal:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case TypeText, TypeSelectOne:
		// A numeric code or a phone number typed as a number in a sheet.
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	}
	return "", fmt.Errorf("%w: a number for a %s field", ErrBadValue, t)
}

func canonicalString(t FieldType, s string) (string, error) {
	if s == "" {
		return "", nil
	}
	bad := func(what string) (string, error) { return "", badValue(what) }
	switch t {
	case TypeInteger:
		n, err := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 64)
		if err != nil {
			return bad("a whole number")
		}
		return strconv.FormatInt(n, 10), nil
	case TypeDecimal:
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
			return bad("a number")
		}
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case TypeBoolean:
		switch strings.ToLower(s) {
		case "true", "yes", "1", "y", "oui", "sí", "si", "نعم":
			return "true", nil
		case "false", "no", "0", "n", "non", "لا":
			return "false", nil
		}
		return bad("true or false")
	case TypeDate:
		d, err := time.Parse(DateLayout, s)
		if err != nil {
			// A spreadsheet may add a time: 2024-03-01T00:00:00Z or "2024-03-01 00:00".
			if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
				return canonicalString(t, s[:10])
			}
			return bad("a date (YYYY-MM-DD)")
		}
		return d.Format(DateLayout), nil
	case TypeSelectMultiple:
		return strings.Join(strings.Fields(s), " "), nil
	case TypeGeopoint:
		return canonicalGeopoint(s)
	case TypeNote:
		return bad("empty: a note stores nothing")
	case TypeRef:
		id, err := uuid.Parse(s)
		if err != nil {
			return bad("a record id")
		}
		return id.String(), nil
	}
	return s, nil
}

// canonicalGeopoint accepts "lat lon [alt [acc]]" separated by spaces, or
// "lat,lon" as copied from a map, and checks the coordinates are on Earth.
func canonicalGeopoint(s string) (string, error) {
	parts := strings.Fields(strings.ReplaceAll(s, ",", " "))
	if len(parts) < 2 || len(parts) > 4 {
		return "", badValue("a point (lat lon)")
	}
	out := make([]string, len(parts))
	for i, p := range parts {
		x, err := strconv.ParseFloat(p, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return "", badValue("a point (lat lon)")
		}
		if i == 0 && math.Abs(x) > 90 || i == 1 && math.Abs(x) > 180 {
			return "", badValue("on the Earth (latitude -90 to 90, longitude -180 to 180)")
		}
		out[i] = strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strings.Join(out, " "), nil
}

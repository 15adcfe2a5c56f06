package wire

import (
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// Field values are strings (the ODK convention), but many are dates,
// booleans, record references or integers written in one canonical way.
// Those travel typed; anything else, including a date or number written any
// other way, travels as the string it is. Decoding gives back the exact
// string.

const dateLayout = "2006-01-02"

// Dates with four-digit years format and parse back to the same string.
var (
	minDate = time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDate = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
)

const day = 24 * time.Hour

func encodeValue(w *wireWrite, v string) {
	switch {
	case v == "true" || v == "false":
		b := v == "true"
		w.Bool = &b
		return
	case len(v) == len(dateLayout) && v[4] == '-' && v[7] == '-':
		if t, err := time.Parse(dateLayout, v); err == nil && !t.Before(minDate) && !t.After(maxDate) && t.Format(dateLayout) == v {
			days := t.Unix() / int64(day/time.Second)
			w.Date = &days
			return
		}
	case len(v) == 36:
		if id, err := uuid.Parse(v); err == nil && id.String() == v {
			w.UUID = id[:]
			return
		}
	case len(v) > 0 && len(v) <= 18:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && strconv.FormatInt(n, 10) == v {
			w.Int = &n
			return
		}
	}
	w.Value = v
}

func decodeValue(w wireWrite) (string, error) {
	forms := 0
	for _, set := range []bool{w.Value != "", w.Date != nil, w.Bool != nil, w.UUID != nil, w.Int != nil} {
		if set {
			forms++
		}
	}
	if forms > 1 {
		return "", fmt.Errorf("%w: field %q has %d values", ErrMalformed, w.Field, forms)
	}
	switch {
	case w.Bool != nil:
		return strconv.FormatBool(*w.Bool), nil
	case w.Date != nil:
		minDays, maxDays := minDate.Unix()/int64(day/time.Second), maxDate.Unix()/int64(day/time.Second)
		if *w.Date < minDays || *w.Date > maxDays {
			return "", fmt.Errorf("%w: field %q: date out of range", ErrMalformed, w.Field)
		}
		return time.Unix(*w.Date*int64(day/time.Second), 0).UTC().Format(dateLayout), nil
	case w.UUID != nil:
		id, err := uuidFrom(w.UUID, "uuid value")
		if err != nil {
			return "", err
		}
		return id.String(), nil
	case w.Int != nil:
		return strconv.FormatInt(*w.Int, 10), nil
	}
	return w.Value, nil
}

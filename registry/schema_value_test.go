package registry

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestCanonicalValue(t *testing.T) {
	tests := []struct {
		typ  FieldType
		in   any
		want string // "!" when the value must be refused
	}{
		{TypeText, "  Amina  ", "Amina"},
		{TypeText, 912345678.0, "912345678"},
		{TypeInteger, 7.0, "7"},
		{TypeInteger, "007", "7"},
		{TypeInteger, json.Number("12"), "12"},
		{TypeInteger, 7.5, "!"},
		{TypeInteger, "seven", "!"},
		{TypeDecimal, 7.25, "7.25"},
		{TypeDecimal, "1e2", "100"},
		{TypeDecimal, "NaN", "!"},
		{TypeBoolean, true, "true"},
		{TypeBoolean, "Yes", "true"},
		{TypeBoolean, "نعم", "true"},
		{TypeBoolean, "non", "false"},
		{TypeBoolean, "maybe", "!"},
		{TypeBoolean, 1.0, "!"},
		{TypeDate, "2024-03-01", "2024-03-01"},
		{TypeDate, "2024-03-01T00:00:00Z", "2024-03-01"},
		{TypeDate, "2024-02-30", "!"},
		{TypeDate, "01/03/2024", "!"},
		{TypeSelectOne, "female", "female"},
		{TypeSelectMultiple, []any{"disability", "woman_at_risk"}, "disability woman_at_risk"},
		{TypeSelectMultiple, "  disability   woman_at_risk ", "disability woman_at_risk"},
		{TypeSelectMultiple, []any{1.0}, "!"},
		{TypeSelectOne, []any{"a"}, "!"},
		{TypeGeopoint, "15.5 32.53", "15.5 32.53"},
		{TypeGeopoint, "15.50, 32.530", "15.5 32.53"},
		{TypeGeopoint, "15.5 32.53 380 4.5", "15.5 32.53 380 4.5"},
		{TypeGeopoint, "91 0", "!"},
		{TypeGeopoint, "15.5", "!"},
		{TypeRef, "01900000-0000-7000-8000-00000000000A", "01900000-0000-7000-8000-00000000000a"},
		{TypeRef, "hh-1", "!"},
		{TypeDate, nil, ""},
		{TypeText, map[string]any{}, "!"},
	}
	for _, tt := range tests {
		got, err := CanonicalValue(tt.typ, tt.in)
		if tt.want == "!" {
			if err == nil {
				t.Errorf("CanonicalValue(%s, %#v) = %q, want an error", tt.typ, tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("CanonicalValue(%s, %#v) = %q, %v; want %q", tt.typ, tt.in, got, err, tt.want)
		}
		// Canonical values are fixed points: stored values stay as they are.
		if again, err := CanonicalValue(tt.typ, got); err != nil || again != got {
			t.Errorf("CanonicalValue(%s, %q) = %q, %v; not a fixed point", tt.typ, got, again, err)
		}
	}
}

// A refused value is never quoted back: the message names the rule, and it
// reaches terminals and logs where a name or phone number must not.
func TestValueErrorsNeverQuoteTheValue(t *testing.T) {
	const marker = "Zqxmarker"
	for _, tt := range []struct {
		typ FieldType
		in  any
	}{
		{TypeInteger, marker},
		{TypeInteger, "+" + marker},
		{TypeDecimal, marker},
		{TypeBoolean, marker},
		{TypeDate, marker},
		{TypeDate, "2024-13-01T" + marker}, // a date with something after it
		{TypeGeopoint, marker},
		{TypeGeopoint, marker + " 12.5"},
		{TypeGeopoint, "12.5 " + marker + " 1 2 3"},
		{TypeRef, marker},
		{TypeSelectOne, []any{marker}},
		{TypeSelectMultiple, []any{marker, 7.0}},
		{TypeText, map[string]any{marker: marker}},
		{TypeDate, json.Number(marker)},
	} {
		_, err := CanonicalValue(tt.typ, tt.in)
		if err == nil {
			t.Errorf("CanonicalValue(%s, %#v) accepted the marker", tt.typ, tt.in)
			continue
		}
		if strings.Contains(strings.ToLower(err.Error()), strings.ToLower(marker)) {
			t.Errorf("CanonicalValue(%s, …): %q quotes the value", tt.typ, err)
		}
		if !errors.Is(err, ErrBadValue) {
			t.Errorf("CanonicalValue(%s, …): %v does not wrap ErrBadValue", tt.typ, err)
		}
	}
	// Numbers: the digits themselves may be a phone or document number.
	for _, tt := range []struct {
		typ FieldType
		in  float64
	}{
		{TypeInteger, 791148231.5},
		{TypeInteger, 7911482317e9},
		{TypeBoolean, 791148231},
		{TypeDate, 791148231},
	} {
		_, err := CanonicalValue(tt.typ, tt.in)
		if err == nil || strings.Contains(err.Error(), "791148231") {
			t.Errorf("CanonicalValue(%s, %v) = %v, want an error without the number", tt.typ, tt.in, err)
		}
	}
	for _, geo := range []string{"91 0", "0 181 " + marker} {
		_, err := CanonicalValue(TypeGeopoint, geo)
		if err == nil || strings.Contains(err.Error(), "91") || strings.Contains(err.Error(), marker) {
			t.Errorf("geopoint %q: %v, want an error without the coordinates", geo, err)
		}
	}
	if _, err := Age(marker, fixedNow); !errors.Is(err, ErrBadDate) || strings.Contains(err.Error(), marker) {
		t.Errorf("Age(marker) = %v, want ErrBadDate without the value", err)
	}
}

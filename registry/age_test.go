package registry

import (
	"encoding/json"
	"testing"
	"time"

	"pgregory.net/rapid"
)

var fixedNow = time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

func TestAge(t *testing.T) {
	tests := []struct {
		birth string
		now   time.Time
		want  int
	}{
		{"2021-03-15", fixedNow, 5},  // birthday today
		{"2021-03-16", fixedNow, 4},  // birthday tomorrow
		{"2021-03-14", fixedNow, 5},  // birthday yesterday
		{"2026-03-15", fixedNow, 0},  // born today
		{"2026-03-16", fixedNow, -1}, // not born yet: the caller refuses it
		{"2000-02-29", time.Date(2025, 2, 28, 0, 0, 0, 0, time.UTC), 24},
		{"2000-02-29", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), 25},
		{"2000-02-29", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), 24},
	}
	for _, tt := range tests {
		got, err := Age(tt.birth, tt.now)
		if err != nil || got != tt.want {
			t.Errorf("Age(%s, %s) = %d, %v; want %d", tt.birth, tt.now.Format(DateLayout), got, err, tt.want)
		}
	}
	if _, err := Age("15/03/2021", fixedNow); err == nil {
		t.Error("Age accepted a date that is not YYYY-MM-DD")
	}
}

func TestBirthDateFromAgeIsMidYear(t *testing.T) {
	if got := BirthDateFromAge(30, fixedNow); got != "1995-07-01" {
		t.Errorf("BirthDateFromAge(30, 2026-03-15) = %s, want 1995-07-01", got)
	}
	if got := BirthDateFromAge(30, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)); got != "1996-07-01" {
		t.Errorf("BirthDateFromAge(30, 2026-09-01) = %s, want 1996-07-01", got)
	}
}

// Whatever the day, an age typed in gives a birth date from which the same
// age is worked out again, never a date in the future.
func TestBirthDateFromAgeGivesTheSameAge(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		years := rapid.IntRange(0, 120).Draw(t, "years")
		day := rapid.IntRange(0, 366*30).Draw(t, "day")
		now := time.Date(2000, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, day)
		birth := BirthDateFromAge(years, now)
		age, err := Age(birth, now)
		if err != nil || age != years {
			t.Fatalf("BirthDateFromAge(%d, %s) = %s, whose age is %d (%v)", years, now.Format(DateLayout), birth, age, err)
		}
		if birth > now.Format(DateLayout) {
			t.Fatalf("estimated birth date %s is after %s", birth, now.Format(DateLayout))
		}
	})
}

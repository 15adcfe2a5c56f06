package registry

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

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

// The age rule's bound is the person form's, whoever asks: a form screen,
// an import or the command line.
func TestSetAge(t *testing.T) {
	person, _ := builtinForms(t).Form(KindPerson)
	bd, _ := person.Field(FieldBirthDate)
	if bd.MaxAge != 120 {
		t.Fatalf("the person form's birth date MaxAge is %d; this table assumes 120", bd.MaxAge)
	}
	noBound := &Form{Kind: "visitor", Fields: []FieldDef{{Name: FieldBirthDate, Type: TypeDate}}}
	noDate := &Form{Kind: "site_visit", Fields: []FieldDef{{Name: FieldDate, Type: TypeDate}}}
	tests := []struct {
		name      string
		form      *Form
		age       string
		birth     string // "" when refused
		estimated string
		max       int // the AgeError's bound when refused
	}{
		{"adult", person, "30", "1995-07-01", "true", 0},
		{"spaces", person, " 7 ", "2018-07-01", "true", 0},
		{"newborn", person, "0", "2025-07-01", "true", 0},
		{"the form's oldest", person, "120", "1905-07-01", "true", 0},
		{"older than the form allows", person, "121", "", "", 120},
		{"150, the old import bound", person, "150", "", "", 120},
		{"negative", person, "-3", "", "", 120},
		{"not whole", person, "7.5", "", "", 120},
		{"words", person, "seven", "", "", 120},
		{"empty", person, "", "", "", 120},
		{"no bound in the form", noBound, "130", "1895-07-01", "", 0},
		{"no bound, negative", noBound, "-1", "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := map[string]string{FieldGivenName: "Amina"}
			err := tt.form.SetAge(values, tt.age, fixedNow)
			if tt.birth == "" {
				var ae *AgeError
				if !errors.As(err, &ae) || ae.Max != tt.max {
					t.Fatalf("SetAge(%q) = %v, want an AgeError with bound %d", tt.age, err, tt.max)
				}
				if len(values) != 1 {
					t.Errorf("a refused age changed the values: %v", values)
				}
				if tt.age != "" && strings.Contains(err.Error(), strings.TrimSpace(tt.age)) {
					t.Errorf("the refusal %q repeats the age typed", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("SetAge(%q): %v", tt.age, err)
			}
			if values[FieldBirthDate] != tt.birth || values[FieldBirthDateEstimated] != tt.estimated {
				t.Errorf("SetAge(%q) gave birth date %q estimated %q, want %q %q", tt.age,
					values[FieldBirthDate], values[FieldBirthDateEstimated], tt.birth, tt.estimated)
			}
			// What the rule accepts, the form's own validation accepts too.
			if rule, _ := bd.Check(values[FieldBirthDate], fixedNow); tt.form == person && rule != "" {
				t.Errorf("the estimated birth date %s breaks %s", values[FieldBirthDate], rule)
			}
		})
	}
	if err := noDate.SetAge(map[string]string{}, "30", fixedNow); err == nil {
		t.Error("a form without a birth date took an age")
	}
	fe := (&AgeError{Max: 120}).FieldError(uuid.Nil)
	if fe.Field != FieldAge || fe.Rule != RuleAgeRange || len(fe.Params) != 1 || fe.Params[0] != "120" {
		t.Errorf("AgeError.FieldError = %+v", fe)
	}
}

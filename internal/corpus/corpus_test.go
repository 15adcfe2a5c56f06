package corpus

import (
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/registry"
)

func TestGenerateDeterministic(t *testing.T) {
	a, b := Generate(42, 2000, 0.1), Generate(42, 2000, 0.1)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave two corpora")
	}
	if c := Generate(43, 2000, 0.1); reflect.DeepEqual(a.Persons[:50], c.Persons[:50]) {
		t.Fatal("another seed gave the same persons")
	}
}

func TestGenerateSizeAndTruth(t *testing.T) {
	for _, rate := range []float64{0, 0.1, 0.3} {
		c := Generate(1, 10_000, rate)
		if len(c.Persons) != 10_000 {
			t.Errorf("rate %.1f: %d persons, want 10000", rate, len(c.Persons))
		}
		got := float64(len(c.Duplicates)) / float64(len(c.Persons))
		if got < rate*0.8 || got > rate*1.2 {
			t.Errorf("rate %.1f: %d duplicates in %d persons (%.3f)", rate, len(c.Duplicates), len(c.Persons), got)
		}
		household := make(map[uuid.UUID]uuid.UUID, len(c.Persons))
		for _, p := range c.Persons {
			if _, seen := household[p.ID]; seen {
				t.Fatalf("person id %s used twice", p.ID)
			}
			household[p.ID] = p.Household
		}
		for _, d := range c.Duplicates {
			ha, okA := household[d.A]
			hb, okB := household[d.B]
			if !okA || !okB || ha == hb {
				t.Fatalf("true pair %v: persons present %v %v, households %s %s", d, okA, okB, ha, hb)
			}
		}
	}
}

// The corpus must show the field's corruptions, or it measures nothing.
func TestGenerateHasFieldCorruptions(t *testing.T) {
	c := Generate(3, 20_000, 0.2)
	byID := make(map[uuid.UUID]Member)
	for _, h := range c.Households {
		for _, m := range h.Members {
			byID[m.ID] = m
		}
	}
	arabic := regexp.MustCompile(`\p{Arabic}`)
	cyrillic := regexp.MustCompile(`\p{Cyrillic}`)
	counts := make(map[string]int)
	for _, d := range c.Duplicates {
		a, b := byID[d.A], byID[d.B]
		if a.GivenName != b.GivenName && a.FamilyName == b.FamilyName {
			counts["given spelled otherwise"]++
		}
		if arabic.MatchString(a.GivenName) != arabic.MatchString(b.GivenName) {
			counts["Arabic and Latin script"]++
		}
		if cyrillic.MatchString(a.GivenName) != cyrillic.MatchString(b.GivenName) {
			counts["Cyrillic and Latin script"]++
		}
		if a.GivenName == b.FamilyName && a.FamilyName == b.GivenName && a.GivenName != a.FamilyName {
			counts["swapped"]++
		}
		if a.BirthDate[:4] != b.BirthDate[:4] && a.BirthDate[4:] == b.BirthDate[4:] {
			counts["year off"]++
		}
		if a.BirthDate[:4] == b.BirthDate[:4] && a.BirthDate[5:7] == b.BirthDate[8:] && a.BirthDate[8:] == b.BirthDate[5:7] && a.BirthDate != b.BirthDate {
			counts["day and month swapped"]++
		}
		if a.BirthDateEstimated != b.BirthDateEstimated {
			counts["estimated once"]++
		}
		if a.OtherNames != "" && b.OtherNames == "" {
			counts["other names dropped"]++
		}
	}
	for _, what := range []string{"given spelled otherwise", "Arabic and Latin script", "Cyrillic and Latin script", "swapped",
		"year off", "day and month swapped", "estimated once", "other names dropped"} {
		if counts[what] < 10 {
			t.Errorf("only %d true pairs with %s", counts[what], what)
		}
	}
	t.Logf("%v", counts)
}

var datePattern = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$`)

// Households must be registrable as they are: the fields DESIGN.md names,
// valid values, one head per household.
func TestHouseholdsRegistryReady(t *testing.T) {
	hs := Households(9, 500)
	if len(hs) != 500 {
		t.Fatalf("%d households, want 500", len(hs))
	}
	for _, h := range hs {
		f := h.Fields()
		for _, name := range []string{"site", "admin1", "admin2", "gps", "consent", "status", "consent_date"} {
			if f[name] == "" {
				t.Fatalf("household %s lacks %s: %v", h.ID, name, f)
			}
		}
		if f["consent"] != "true" || f["status"] != "active" || !datePattern.MatchString(f["consent_date"]) {
			t.Fatalf("household fields %v", f)
		}
		heads := 0
		for _, m := range h.Members {
			mf := m.Fields(h.ID)
			if mf["relationship"] == "head" {
				heads++
			}
			switch {
			case mf["household_id"] != h.ID.String():
				t.Fatalf("member %s names household %s", m.ID, mf["household_id"])
			case mf["sex"] != "female" && mf["sex"] != "male":
				t.Fatalf("member sex %q", mf["sex"])
			case !datePattern.MatchString(mf["birth_date"]) || mf["birth_date"] > "2026-12-31":
				t.Fatalf("member birth date %q", mf["birth_date"])
			case mf["birth_date_estimated"] != "true" && mf["birth_date_estimated"] != "false":
				t.Fatalf("birth_date_estimated %q", mf["birth_date_estimated"])
			case mf["given_name"] == "":
				t.Fatalf("member without a given name: %v", mf)
			}
			switch mf["relationship"] {
			case "head", "spouse", "child", "parent", "sibling":
			default:
				t.Fatalf("relationship %q", mf["relationship"])
			}
		}
		if heads != 1 {
			t.Fatalf("household %s has %d heads", h.ID, heads)
		}
	}
}

// TestHouseholdsPassTheForms: every generated record passes the built-in
// forms as of the corpus's registration day (later days too), but for the
// site, which a deployment's own list replaces.
func TestHouseholdsPassTheForms(t *testing.T) {
	forms, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(thisYear, 6, 30, 23, 0, 0, 0, time.UTC)
	for _, h := range Households(11, 2000) {
		f := h.Fields()
		f["site"] = "camp_north"
		if err := forms.ValidateValues(registry.KindHousehold, h.ID, f, now); err != nil {
			t.Fatalf("household %s: %v", h.ID, err)
		}
		for _, m := range h.Members {
			if err := forms.ValidateValues(registry.KindPerson, m.ID, m.Fields(h.ID), now); err != nil {
				t.Fatalf("member %s: %v", m.ID, err)
			}
		}
	}
}

package exchange

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"fieldreg/change"
	"fieldreg/registry"
)

// On 2026-03-15 someone born on 2021-03-15 is 5, born on 2021-03-16 is 4.
func born(age int, birthdayTomorrow bool) string {
	d := now.AddDate(-age, 0, 0)
	if birthdayTomorrow {
		d = d.AddDate(0, 0, 1) // one day short of the next year of age
	}
	return d.Format(registry.DateLayout)
}

func TestAggregateCountsAgeBoundaries(t *testing.T) {
	n := 100
	person := func(sex, birth string, deleted bool) registry.Record {
		n++
		v := map[string]string{"sex": sex, "birth_date": birth, "relationship": "child"}
		if deleted {
			v[change.DeletedField] = "true"
		}
		return rec(registry.KindPerson, n, v)
	}
	loc := map[string]string{"admin1": "Blue Nile", "admin2": "Ed Damazin", "site": "camp_north", "status": "active"}
	h1 := rec(registry.KindHousehold, 1, loc)
	h2 := rec(registry.KindHousehold, 2, loc)
	h3 := rec(registry.KindHousehold, 3, map[string]string{"admin1": "Blue Nile", "admin2": "Bau", "site": "camp_south"})
	closed := rec(registry.KindHousehold, 4, map[string]string{"admin1": "Blue Nile", "admin2": "Bau", "site": "camp_south", "status": "closed"})
	gone := rec(registry.KindHousehold, 5, map[string]string{"admin1": "Blue Nile", "admin2": "Bau", "site": "camp_south", change.DeletedField: "true"})

	a := NewAggregator(now)
	a.MinCell = 1 // the counting rules, unsuppressed: TestSmallCellsSuppressed has the rest
	a.Add(h1, []registry.Record{
		person("female", born(4, false), false), // 4: infant
		person("female", born(5, true), false),  // 4 (5 tomorrow): infant
		person("female", born(5, false), false), // 5: child
		person("female", born(11, false), false),
		person("female", born(12, false), false), // adolescent
		person("female", born(17, false), false),
		person("female", born(18, false), false), // adult
		person("female", born(59, false), false),
		person("female", born(60, false), false), // elderly
		person("female", born(60, false), true),  // deleted: not counted
	})
	a.Add(h2, []registry.Record{
		person("male", born(0, false), false), // born today
		person("male", born(12, true), false), // 11: child
		person("male", born(18, true), false), // 17: adolescent
		person("male", born(60, true), false), // 59: adult
		person("male", born(95, false), false),
		person("other", born(30, false), false),  // sex other: unknown column
		person("female", "", false),              // no birth date: unknown column
		person("female", "2030-01-01", false),    // future birth date: unknown column
		person("unknown", born(2, false), false), // unknown sex
	})
	a.Add(h3, []registry.Record{person("male", born(40, false), false)})
	a.Add(closed, []registry.Record{person("male", born(40, false), false)})
	a.Add(gone, []registry.Record{person("male", born(40, false), false)})

	var buf bytes.Buffer
	if err := a.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"admin1", "admin2", "site", "households", "persons",
			"female_0_4", "female_5_11", "female_12_17", "female_18_59", "female_60_plus",
			"male_0_4", "male_5_11", "male_12_17", "male_18_59", "male_60_plus", "sex_or_age_unknown"},
		{"#adm1+name", "#adm2+name", "#loc+name", "#population+hh", "#population+total+ind",
			"#population+ind+f+infants+age0_4", "#population+ind+f+children+age5_11", "#population+ind+f+adolescents+age12_17",
			"#population+ind+f+adults+age18_59", "#population+ind+f+elderly+age60plus",
			"#population+ind+m+infants+age0_4", "#population+ind+m+children+age5_11", "#population+ind+m+adolescents+age12_17",
			"#population+ind+m+adults+age18_59", "#population+ind+m+elderly+age60plus", "#population+ind+unknown"},
		{"Blue Nile", "Bau", "camp_south", "1", "1", "0", "0", "0", "0", "0", "0", "0", "0", "1", "0", "0"},
		{"Blue Nile", "Ed Damazin", "camp_north", "2", "18", "2", "2", "2", "2", "1", "1", "1", "1", "1", "1", "4"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), len(want), buf.String())
	}
	for i := range want {
		if strings.Join(rows[i], ",") != strings.Join(want[i], ",") {
			t.Errorf("row %d:\n got %v\nwant %v", i, rows[i], want[i])
		}
	}
	for _, tag := range rows[1] {
		if !hxlPattern(tag) {
			t.Errorf("%q is not a valid HXL hashtag", tag)
		}
	}
}

// Counts of 1 to MinCell-1 are written "<MinCell"; a row with one such
// cell gets a second one suppressed, so that persons minus the published
// cells does not give it back; zero and the counts at or above the
// threshold are written as they are.
func TestSmallCellsSuppressed(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cells []int
		min   int
		want  string
	}{
		{"nothing small", []int{5, 0, 9}, 5, "5,0,9"},
		{"two small", []int{1, 4, 9}, 5, "<5,<5,9"},
		{"one small: the smallest other too", []int{3, 7, 12, 0}, 5, "<5,<5,12,0"},
		{"one small, the rest zero", []int{3, 0, 0}, 5, "<5,0,0"},
		{"a total alone", []int{4}, 5, "<5"},
		{"threshold 10", []int{9, 10}, 10, "<10,<10"},
		{"threshold 1: nothing", []int{1, 2}, 1, "1,2"},
	} {
		if got := strings.Join(suppress(tc.cells, tc.min), ","); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}

	// Through the table: one household of three at a small site: one
	// woman and two men, all adults.
	h := rec(registry.KindHousehold, 900, map[string]string{"site": "camp_tiny"})
	var ms []registry.Record
	for i, sex := range []string{"female", "male", "male"} {
		ms = append(ms, rec(registry.KindPerson, 901+i, map[string]string{"sex": sex, "birth_date": born(30, false)}))
	}
	a := NewAggregator(now)
	a.Add(h, ms)
	var buf bytes.Buffer
	if err := a.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows, _ := csv.NewReader(&buf).ReadAll()
	got := strings.Join(rows[2], ",")
	if want := ",,camp_tiny,<5,<5,0,0,0,<5,0,0,0,0,<5,0,0"; got != want {
		t.Errorf("small site:\n got %s\nwant %s", got, want)
	}
}

package exchange

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"fieldreg/registry"
)

// ageGroups are the age bands of the aggregate table, in years, and their
// HXL attributes: the generic group name and the exact band, both from the
// HXL 1.1 dictionary (+infants +children +adolescents +adults +elderly;
// +age0_4 … +age60plus), so a tool matching either finds the column.
var ageGroups = []struct {
	min, max int // inclusive; max < 0 means no upper bound
	column   string
	hxl      string
}{
	{0, 4, "0_4", "+infants+age0_4"},
	{5, 11, "5_11", "+children+age5_11"},
	{12, 17, "12_17", "+adolescents+age12_17"},
	{18, 59, "18_59", "+adults+age18_59"},
	{60, -1, "60_plus", "+elderly+age60plus"},
}

// ageGroup returns the index in ageGroups of an age, or -1.
func ageGroup(age int) int {
	for i, g := range ageGroups {
		if age >= g.min && (g.max < 0 || age <= g.max) {
			return i
		}
	}
	return -1
}

// location is one row of the aggregate table.
type location struct{ admin1, admin2, site string }

// tally is the counts of one location.
type tally struct {
	households int
	persons    int
	female     [5]int // by age group
	male       [5]int
	unknown    int // sex other or unknown, or no usable birth date
}

// Aggregator counts households and people per location (admin1, admin2,
// site) by sex and age group: the table agencies share instead of person
// records. It holds one small tally per location, never the records.
//
// Only households whose status is active (or unset) are counted: one that
// moved, returned or closed is no longer part of the site's population.
// People whose sex is "other" or "unknown", or whose age cannot be worked
// out, are counted in the total and in a column of their own, never guessed
// into a sex or age group.
//
// Small cells are suppressed (see suppress): a count of 1 to MinCell-1 is
// written as "<MinCell", so that a table shared beyond the registry does
// not single out the one older man at a site.
type Aggregator struct {
	// MinCell is the smallest count written as a number; zero means
	// DefaultMinCell, 1 suppresses nothing.
	MinCell int
	now     time.Time
	tallies map[location]*tally
}

// DefaultMinCell is the suppression threshold unless the caller sets one:
// counts of 1 to 4 are not shown.
const DefaultMinCell = 5

// NewAggregator makes an aggregator that works out ages on now's date.
func NewAggregator(now time.Time) *Aggregator {
	return &Aggregator{now: now, tallies: make(map[location]*tally)}
}

// Add counts one household and its members. Deleted records are skipped.
func (a *Aggregator) Add(household registry.Record, members []registry.Record) {
	if household.Deleted() {
		return
	}
	if st := household.Value(registry.FieldStatus); st != "" && st != "active" {
		return
	}
	loc := location{household.Value(registry.FieldAdmin1), household.Value(registry.FieldAdmin2), household.Value(registry.FieldSite)}
	t := a.tallies[loc]
	if t == nil {
		t = &tally{}
		a.tallies[loc] = t
	}
	t.households++
	for _, m := range members {
		if m.Deleted() {
			continue
		}
		t.persons++
		group := -1
		if age, err := registry.Age(m.Value(registry.FieldBirthDate), a.now); err == nil {
			group = ageGroup(age)
		}
		switch sex := m.Value(registry.FieldSex); {
		case group < 0:
			t.unknown++
		case sex == "female":
			t.female[group]++
		case sex == "male":
			t.male[group]++
		default:
			t.unknown++
		}
	}
}

// aggregateHeader returns the header row and the HXL row of the table.
func aggregateHeader() (header, hxl []string) {
	header = []string{registry.FieldAdmin1, registry.FieldAdmin2, registry.FieldSite, "households", "persons"}
	hxl = []string{"#adm1+name", "#adm2+name", "#loc+name", "#population+hh", "#population+total+ind"}
	for _, sex := range []struct{ name, attr string }{{"female", "+f"}, {"male", "+m"}} {
		for _, g := range ageGroups {
			header = append(header, sex.name+"_"+g.column)
			hxl = append(hxl, "#population+ind"+sex.attr+g.hxl)
		}
	}
	header = append(header, "sex_or_age_unknown")
	hxl = append(hxl, "#population+ind+unknown")
	return header, hxl
}

// WriteCSV writes the table: a header, the HXL hashtag row, then one row per
// location sorted by admin1, admin2 and site.
func (a *Aggregator) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	header, hxl := aggregateHeader()
	cw.Write(header)
	cw.Write(hxl)
	locs := make([]location, 0, len(a.tallies))
	for loc := range a.tallies {
		locs = append(locs, loc)
	}
	slices.SortFunc(locs, func(x, y location) int {
		return cmp.Or(cmp.Compare(x.admin1, y.admin1), cmp.Compare(x.admin2, y.admin2), cmp.Compare(x.site, y.site))
	})
	minCell := cmp.Or(a.MinCell, DefaultMinCell)
	row := make([]string, 0, len(header))
	for _, loc := range locs {
		t := a.tallies[loc]
		row = append(row[:0], defuse(loc.admin1), defuse(loc.admin2), defuse(loc.site))
		row = append(row, suppress([]int{t.households}, minCell)...)
		row = append(row, suppress([]int{t.persons}, minCell)...)
		cells := make([]int, 0, 11)
		cells = append(cells, t.female[:]...)
		cells = append(cells, t.male[:]...)
		cells = append(cells, t.unknown)
		row = append(row, suppress(cells, minCell)...)
		cw.Write(row)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write aggregate csv: %w", err)
	}
	return nil
}

// suppress writes the cells of one breakdown whose sum is published (a
// row's sex-and-age cells add up to its persons):
//   - 0 is written as 0: it singles nobody out;
//   - 1 to minCell-1 is written "<minCell" (primary suppression);
//   - if exactly one cell was suppressed, it could be recovered as the
//     total minus the others, so the smallest other non-zero cell is
//     suppressed too (secondary suppression), whatever its size.
//
// A row's households and persons are passed alone: a total below minCell
// is suppressed, and the breakdown under it then is too (each of its
// non-zero cells is below the total).
func suppress(cells []int, minCell int) []string {
	out := make([]string, len(cells))
	hidden := make([]bool, len(cells))
	n := 0
	for i, c := range cells {
		if c > 0 && c < minCell {
			hidden[i] = true
			n++
		}
	}
	if n == 1 && len(cells) > 1 {
		other := -1
		for i, c := range cells {
			if !hidden[i] && c > 0 && (other < 0 || c < cells[other]) {
				other = i
			}
		}
		if other >= 0 {
			hidden[other] = true
		}
	}
	below := "<" + strconv.Itoa(minCell)
	for i, c := range cells {
		if hidden[i] {
			out[i] = below
		} else {
			out[i] = strconv.Itoa(c)
		}
	}
	return out
}

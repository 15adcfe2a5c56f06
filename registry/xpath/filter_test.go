package xpath

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// A cascade: the admin2 list narrows to the admin1 the enumerator chose.
func TestChoiceFilter(t *testing.T) {
	choices := []map[string]string{
		{"name": "SY0101", "admin1": "SY01"},
		{"name": "SY0102", "admin1": "SY01"},
		{"name": "SY0201", "admin1": "SY02"},
		{"name": "other"}, // no admin1 column
	}
	for _, c := range []struct {
		filter  string
		answers map[string]string
		want    []string
		cols    []string
	}{
		{"admin1 = ${admin1}", map[string]string{"admin1": "SY01"}, []string{"SY0101", "SY0102"}, []string{"admin1"}},
		{"admin1=${admin1}", map[string]string{"admin1": "SY02"}, []string{"SY0201"}, []string{"admin1"}},
		{"admin1 = ${admin1}", nil, []string{"other"}, []string{"admin1"}}, // "" = ""
		{"admin1 = ${admin1} or name = 'other'", map[string]string{"admin1": "SY02"}, []string{"SY0201", "other"}, []string{"admin1", "name"}},
		{"selected(${picked}, name)", map[string]string{"picked": "SY0102 other"}, []string{"SY0102", "other"}, []string{"name"}},
		{"starts-with(name, 'SY01')", nil, []string{"SY0101", "SY0102"}, []string{"name"}},
	} {
		e, err := ParseFilter(c.filter)
		if err != nil {
			t.Fatalf("ParseFilter(%q): %v", c.filter, err)
		}
		if !slices.Equal(e.Columns(), c.cols) {
			t.Errorf("Columns(%q) = %q, want %q", c.filter, e.Columns(), c.cols)
		}
		var got []string
		for _, ch := range choices {
			v, err := e.Eval(MapEnv{Values: c.answers, Columns: ch})
			if err != nil {
				t.Fatalf("Eval(%q): %v", c.filter, err)
			}
			if v.Bool() {
				got = append(got, ch["name"])
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%q with %v keeps %q, want %q", c.filter, c.answers, got, c.want)
		}
	}
}

func TestBareNamesOnlyInFilters(t *testing.T) {
	if _, err := Parse("admin1 = ${admin1}"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Parse of a bare name = %v, want ErrUnsupported", err)
	}
	if _, err := ParseFilter("jr:x = 1"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("ParseFilter of a prefixed name = %v, want ErrUnsupported", err)
	}
	e, err := Parse("${a} = 1")
	if err != nil {
		t.Fatal(err)
	}
	if e.Columns() != nil {
		t.Errorf("Columns of a Parse expression = %q, want none", e.Columns())
	}
}

// An Env that is not a ColumnEnv reads every column as "".
func TestFilterWithoutColumns(t *testing.T) {
	e, err := ParseFilter("admin1 = ''")
	if err != nil {
		t.Fatal(err)
	}
	var env Env = plainEnv{}
	v, err := e.Eval(env)
	if err != nil || !v.Bool() {
		t.Errorf("Eval without columns = %v, %v; want true (the column is empty)", v, err)
	}
}

type plainEnv struct{}

func (plainEnv) Lookup(string) (string, bool) { return "", false }
func (plainEnv) Current() string              { return "" }
func (plainEnv) Today() time.Time             { return time.Time{} }

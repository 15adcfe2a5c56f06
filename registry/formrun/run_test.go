package formrun

import (
	"errors"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"fieldreg/registry"
)

func TestRelevantShowsHidesAndClears(t *testing.T) {
	run := mustRun(t, surveyForm(t), "en")
	tests := []struct {
		name        string
		answers     map[string]string
		visible     []string
		hidden      []string
		cleared     []string
		wantValues  map[string]string // a subset of Values
		absentValue []string
	}{
		{"unanswered: the question on children is not asked", map[string]string{},
			[]string{"has_children", "adults"}, []string{"children", "water_source", "large_note"}, nil, nil, nil},
		{"yes asks it", map[string]string{"has_children": "yes"},
			[]string{"children"}, nil, nil, nil, nil},
		{"no hides it and drops its answer", map[string]string{"has_children": "no", "children": "3"},
			nil, []string{"children"}, []string{"children"}, map[string]string{"has_children": "no"}, []string{"children"}},
		{"select_multiple through selected()", map[string]string{"needs": "food water", "water_source": "well"},
			[]string{"water_source"}, nil, nil, map[string]string{"water_source": "well"}, nil},
		{"deselecting water drops the source", map[string]string{"needs": "food", "water_source": "well"},
			nil, []string{"water_source"}, []string{"water_source"}, nil, []string{"water_source"}},
		{"a note shows on a calculation", map[string]string{"adults": "7"},
			[]string{"large_note"}, nil, nil, map[string]string{"size": "7", "large": "yes"}, []string{"large_note"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := run.Eval(tt.answers)
			for _, n := range tt.visible {
				if !st.Visible(n) {
					t.Errorf("%s hidden, want shown", n)
				}
			}
			for _, n := range tt.hidden {
				if st.Visible(n) {
					t.Errorf("%s shown, want hidden", n)
				}
			}
			if got := st.Cleared(); !slices.Equal(got, tt.cleared) {
				t.Errorf("Cleared = %v, want %v", got, tt.cleared)
			}
			vals := st.Values()
			for k, v := range tt.wantValues {
				if vals[k] != v {
					t.Errorf("Values[%s] = %q, want %q", k, vals[k], v)
				}
			}
			for _, k := range tt.absentValue {
				if v, ok := vals[k]; ok {
					t.Errorf("Values[%s] = %q, want it dropped", k, v)
				}
			}
		})
	}
}

// A hidden question reads as "" in every other expression, as in ODK: the
// household size no longer counts children once there are none.
func TestHiddenAnswerReadsEmpty(t *testing.T) {
	run := mustRun(t, surveyForm(t), "en")
	st := run.Eval(map[string]string{"has_children": "no", "children": "5", "adults": "2"})
	if got := st.Value("size"); got != "2" {
		t.Errorf("size = %q, want 2: the hidden children's answer was counted", got)
	}
	if got := st.Value("children"); got != "" {
		t.Errorf("Value(children) = %q for a hidden question", got)
	}
}

func TestCalculationChains(t *testing.T) {
	run := mustRun(t, surveyForm(t), "en")
	tests := []struct {
		answers     map[string]string
		size, large string
	}{
		{map[string]string{}, "", "no"}, // NaN is stored as "", never "NaN"
		{map[string]string{"adults": "2"}, "2", "no"},
		{map[string]string{"adults": "2", "has_children": "yes", "children": "5"}, "7", "yes"},
		{map[string]string{"adults": "2", "has_children": "yes", "children": "4"}, "6", "no"},
		{map[string]string{"size": "99", "large": "maybe"}, "", "no"}, // given values of calculations are ignored
	}
	for _, tt := range tests {
		st := run.Eval(tt.answers)
		if st.Value("size") != tt.size || st.Value("large") != tt.large {
			t.Errorf("%v: size %q, large %q; want %q, %q", tt.answers, st.Value("size"), st.Value("large"), tt.size, tt.large)
		}
	}
	// The chain is evaluated in dependency order, not form order.
	f := parsed(t, &registry.Form{Kind: "k", Title: en("K"), Fields: []registry.FieldDef{
		{Name: "c", Type: registry.TypeCalculate, Calculation: "${b} * 10"},
		{Name: "b", Type: registry.TypeCalculate, Calculation: "${a} + 1"},
		{Name: "a", Type: registry.TypeInteger, Label: en("A")},
	}})
	if got := mustRun(t, f, "en").Eval(map[string]string{"a": "4"}).Value("c"); got != "50" {
		t.Errorf("c = %q, want 50: calculations before the ones they read", got)
	}
}

func TestErrorsWhenLeavingAField(t *testing.T) {
	form := surveyForm(t)
	tests := []struct {
		name    string
		lang    string
		answers map[string]string
		field   string
		rule    string // "" for no error
		message string
	}{
		{"required, not asked", "en", map[string]string{"has_children": "no"}, "children", "", ""},
		{"required and asked: the form's message", "en", map[string]string{"has_children": "yes"}, "children", registry.RuleRequired, "say how many children"},
		{"required message in the user's language", "fr", map[string]string{"has_children": "yes"}, "children", registry.RuleRequired, "dites combien d'enfants"},
		{"no required message: the catalogue's", "en", map[string]string{}, "has_children", registry.RuleRequired, "this field is required"},
		{"constraint with its message", "en", map[string]string{"has_children": "yes", "children": "25"}, "children", registry.RuleConstraint, "between 1 and 19"},
		{"constraint message in Arabic", "ar", map[string]string{"has_children": "yes", "children": "0"}, "children", registry.RuleConstraint, "بين 1 و19"},
		{"constraint holds", "en", map[string]string{"has_children": "yes", "children": "3"}, "children", "", ""},
		{"constraint without a message names the field", "en", map[string]string{"eldest": "130"}, "eldest", registry.RuleConstraint, "“Age of the eldest”: the answer is not accepted"},
		{"type checks are registry's", "en", map[string]string{"eldest": "old"}, "eldest", registry.RuleType, "not a valid integer value"},
		{"choices are registry's", "en", map[string]string{"has_children": "perhaps"}, "has_children", registry.RuleChoice, "not one of the choices"},
		{"the value rule is registry's", "en", map[string]string{"water_source": "a\x00b", "needs": "water"}, "water_source", registry.RuleControl, ""},
		{"a calculation has none", "en", map[string]string{}, "size", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := mustRun(t, form, tt.lang).Eval(tt.answers)
			fe := st.Error(tt.field)
			if tt.rule == "" {
				if fe != nil {
					t.Fatalf("Error(%s) = %v, want none", tt.field, fe)
				}
				return
			}
			if fe == nil || fe.Rule != tt.rule || fe.Field != tt.field {
				t.Fatalf("Error(%s) = %+v, want rule %s", tt.field, fe, tt.rule)
			}
			if tt.message != "" && fe.Message(tt.lang) != tt.message {
				t.Errorf("message = %q, want %q", fe.Message(tt.lang), tt.message)
			}
		})
	}
}

func TestErrorsInQuestionOrder(t *testing.T) {
	st := mustRun(t, surveyForm(t), "en").Eval(map[string]string{"has_children": "yes", "eldest": "200", "admin1": "SY09"})
	var got []string
	for _, fe := range st.Errors() {
		got = append(got, fe.Field+":"+fe.Rule)
	}
	want := []string{"children:required", "eldest:constraint", "admin1:choice"}
	if !slices.Equal(got, want) {
		t.Errorf("Errors = %v, want %v", got, want)
	}
}

func TestCascadeNarrowsOverThreeLevels(t *testing.T) {
	run := mustRun(t, surveyForm(t), "en")
	names := func(cs []registry.Choice) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Name)
		}
		return out
	}
	tests := []struct {
		answers       map[string]string
		admin2, sites []string
		cleared       []string
	}{
		{map[string]string{}, nil, nil, nil},
		{map[string]string{"admin1": "SY01"}, []string{"SY0100", "SY0101"}, nil, nil},
		{map[string]string{"admin1": "SY01", "admin2": "SY0101"}, []string{"SY0100", "SY0101"}, []string{"cp_002", "cp_003"}, nil},
		{map[string]string{"admin1": "SY02", "admin2": "SY0200", "site": "cp_004"}, []string{"SY0200"}, []string{"cp_004"}, nil},
		// The governorate changes under a chosen district and site: both go.
		{map[string]string{"admin1": "SY02", "admin2": "SY0101", "site": "cp_003"}, []string{"SY0200"}, nil, []string{"admin2", "site"}},
	}
	for _, tt := range tests {
		st := run.Eval(tt.answers)
		if got := names(st.Choices("admin2")); !slices.Equal(got, tt.admin2) {
			t.Errorf("%v: admin2 choices %v, want %v", tt.answers, got, tt.admin2)
		}
		if got := names(st.Choices("site")); !slices.Equal(got, tt.sites) {
			t.Errorf("%v: site choices %v, want %v", tt.answers, got, tt.sites)
		}
		if got := st.Cleared(); !slices.Equal(got, tt.cleared) {
			t.Errorf("%v: cleared %v, want %v", tt.answers, got, tt.cleared)
		}
	}
	if got := len(run.Eval(nil).Choices("admin1")); got != 2 {
		t.Errorf("an unfiltered select offers %d choices, want all 2", got)
	}
	if got := run.Eval(nil).Choices("adults"); got != nil {
		t.Errorf("a number question has choices %v", got)
	}
}

// A select_multiple keeps the codes its filter still offers.
func TestFilteredSelectMultipleKeepsWhatRemains(t *testing.T) {
	f := parsed(t, &registry.Form{Kind: "k", Title: en("K"), Fields: []registry.FieldDef{
		{Name: "need", Type: registry.TypeSelectMultiple, Label: en("Needs"), Choices: choices("food", "water", "cash")},
		{Name: "top", Type: registry.TypeSelectMultiple, Label: en("Most urgent"), ChoiceFilter: "selected(${need}, name)", Choices: choices("food", "water", "cash")},
	}})
	st := mustRun(t, f, "en").Eval(map[string]string{"need": "food cash", "top": "water cash"})
	if got := st.Value("top"); got != "cash" {
		t.Errorf("top = %q, want cash (water is no longer offered)", got)
	}
	if got := st.Cleared(); !slices.Equal(got, []string{"top"}) {
		t.Errorf("Cleared = %v", got)
	}
}

func TestCyclesAndBadExpressionsRefused(t *testing.T) {
	tests := []struct {
		name   string
		fields []registry.FieldDef
		want   error
		names  string
	}{
		{"calculations", []registry.FieldDef{
			{Name: "a", Type: registry.TypeCalculate, Calculation: "${c} + 1"},
			{Name: "b", Type: registry.TypeCalculate, Calculation: "${a} + 1"},
			{Name: "c", Type: registry.TypeCalculate, Calculation: "${b} + 1"},
		}, ErrCycle, "a → c → b → a"},
		{"a relevant on itself", []registry.FieldDef{
			{Name: "x", Type: registry.TypeText, Label: en("X"), Relevant: "${x} = ''"},
		}, ErrCycle, "x → x"},
		{"relevant and calculation", []registry.FieldDef{
			{Name: "q", Type: registry.TypeInteger, Label: en("Q"), Relevant: "${d} > 1"},
			{Name: "d", Type: registry.TypeCalculate, Calculation: "${q} * 2"},
		}, ErrCycle, "q → d → q"},
		{"a filter on itself", []registry.FieldDef{
			{Name: "s", Type: registry.TypeSelectOne, Label: en("S"), ChoiceFilter: "name != ${s}", Choices: choices("a", "b")},
		}, ErrCycle, "s → s"},
		{"bad syntax", []registry.FieldDef{
			{Name: "x", Type: registry.TypeText, Label: en("X"), Constraint: ". >"},
		}, ErrExpr, `"x", constraint`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &registry.Form{Kind: "k", Fields: tt.fields}
			_, err := New(f, "en", today)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.names) {
				t.Errorf("New = %v, want %v naming %s", err, tt.want, tt.names)
			}
		})
	}
	// A constraint reading another question is no cycle: it is checked
	// after every value is known.
	f := parsed(t, &registry.Form{Kind: "k", Title: en("K"), Fields: []registry.FieldDef{
		{Name: "lo", Type: registry.TypeInteger, Label: en("Lo"), Constraint: ". < ${hi}"},
		{Name: "hi", Type: registry.TypeInteger, Label: en("Hi"), Constraint: ". > ${lo}"},
	}})
	st := mustRun(t, f, "en").Eval(map[string]string{"lo": "5", "hi": "3"})
	if st.Error("lo") == nil || st.Error("hi") == nil {
		t.Errorf("crossed bounds accepted: %v", st.Errors())
	}
}

// personForm is a member repeat's form reading answers of its household.
func personForm(t testing.TB) *registry.Form {
	return parsed(t, &registry.Form{Kind: registry.KindPerson, Title: en("Person"), Fields: []registry.FieldDef{
		{Name: "household_id", Type: registry.TypeRef, Label: en("Household")},
		{Name: "age", Type: registry.TypeInteger, Label: en("Age")},
		{Name: "in_school", Type: registry.TypeBoolean, Label: en("In school?"), Required: true,
			Relevant: "${has_children} = 'yes' and ${age} < 18"},
		{Name: "older_than_eldest", Type: registry.TypeInteger, Label: en("Years"), Constraint: ". <= ${eldest}"},
		// Reads the household through a calculation.
		{Name: "family", Type: registry.TypeCalculate, Calculation: "${has_children}"},
		{Name: "siblings", Type: registry.TypeInteger, Label: en("Siblings"), Relevant: "${family} = 'yes'"},
	}})
}

func TestMemberReadsItsHousehold(t *testing.T) {
	run := mustRun(t, personForm(t), "en")
	child := map[string]string{"age": "9", "in_school": "true", "older_than_eldest": "50", "siblings": "2"}
	tests := []struct {
		name      string
		household map[string]string
		visible   bool
		cleared   []string
		eldestErr bool
	}{
		{"household with children", map[string]string{"has_children": "yes", "eldest": "60"}, true, nil, false},
		{"household without", map[string]string{"has_children": "no", "eldest": "40"}, false, []string{"in_school", "siblings"}, true},
		{"household not known: shown and kept", nil, true, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := run.EvalIn(child, tt.household)
			if st.Visible("in_school") != tt.visible {
				t.Errorf("in_school visible = %v, want %v", st.Visible("in_school"), tt.visible)
			}
			if got := st.Cleared(); !slices.Equal(got, tt.cleared) {
				t.Errorf("Cleared = %v, want %v", got, tt.cleared)
			}
			if got := st.Error("older_than_eldest") != nil; got != tt.eldestErr {
				t.Errorf("constraint on the household's eldest: error %v, want %v", st.Error("older_than_eldest"), tt.eldestErr)
			}
		})
	}
	// The member's own question wins over a household answer of the same name.
	st := run.EvalIn(map[string]string{"age": "30"}, map[string]string{"has_children": "yes", "age": "3"})
	if st.Visible("in_school") {
		t.Error("the household's age was read instead of the member's")
	}
}

// Eval never panics and always answers, whatever the answers map holds:
// random names and values, over every question of the form.
func TestEvalNeverPanics(t *testing.T) {
	forms := []*registry.Form{surveyForm(t), personForm(t)}
	rng := rand.New(rand.NewPCG(1, 2))
	values := []string{"", "yes", "no", "0", "-1", "1e308", "NaN", "SY01", "SY0101", "cp_003", "food water",
		"2026-12-01", "true", "a\x00b", "\xff", "'", "${x}", strings.Repeat("9", 400), "٣", " "}
	for _, f := range forms {
		run := mustRun(t, f, "ar")
		var names []string
		for _, d := range f.Fields {
			names = append(names, d.Name)
		}
		names = append(names, "", "unknown", "choice.admin1", "_deleted")
		for range 3000 {
			answers := make(map[string]string)
			parent := make(map[string]string)
			for range rng.IntN(12) {
				answers[names[rng.IntN(len(names))]] = values[rng.IntN(len(values))]
				parent[names[rng.IntN(len(names))]] = values[rng.IntN(len(values))]
			}
			if rng.IntN(3) == 0 {
				parent = nil
			}
			before := maps.Clone(answers)
			st := run.EvalIn(answers, parent)
			_ = st.Errors()
			_ = st.Values()
			for _, n := range names {
				st.Visible(n)
				st.Value(n)
				st.Choices(n)
				if fe := st.Error(n); fe != nil && fe.Field != n {
					t.Fatalf("Error(%q) is about %q", n, fe.Field)
				}
			}
			for _, n := range st.Cleared() {
				if before[n] == "" {
					t.Fatalf("%q cleared but had no answer: %v", n, before)
				}
			}
			if !maps.Equal(before, answers) {
				t.Fatalf("Eval changed the answers map")
			}
		}
	}
}

// Update gives what a fresh Eval gives, over a random walk of answers that
// moves the cascade, the skip logic and the household under a member.
func TestUpdateIsEval(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	steps := []struct{ name, value string }{
		{"admin1", "SY01"}, {"admin1", "SY02"}, {"admin1", ""}, {"admin2", "SY0100"}, {"admin2", "SY0101"}, {"admin2", "SY0200"},
		{"site", "cp_002"}, {"site", "cp_004"}, {"has_children", "yes"}, {"has_children", "no"}, {"children", "4"},
		{"adults", "3"}, {"needs", "water"}, {"needs", ""}, {"water_source", "well"},
	}
	run := mustRun(t, surveyForm(t), "en")
	answers := map[string]string{}
	st := run.Eval(answers)
	for range 2000 {
		s := steps[rng.IntN(len(steps))]
		answers[s.name] = s.value
		st = st.Update(answers)
		fresh := run.Eval(answers)
		for _, d := range run.Form().Fields {
			if st.Visible(d.Name) != fresh.Visible(d.Name) || st.Value(d.Name) != fresh.Value(d.Name) ||
				!slices.EqualFunc(st.Choices(d.Name), fresh.Choices(d.Name), func(a, b registry.Choice) bool { return a.Name == b.Name }) {
				t.Fatalf("after %v, %s differs from a fresh Eval", answers, d.Name)
			}
		}
		if !slices.Equal(st.Cleared(), fresh.Cleared()) {
			t.Fatalf("after %v: cleared %v, fresh %v", answers, st.Cleared(), fresh.Cleared())
		}
	}
}

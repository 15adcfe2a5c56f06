package ops

import (
	"slices"
	"testing"

	"fieldreg/registry"
)

// formsWithSkipLogic is the built-in set with a household form of version 2
// that asks about children only when there are some, and a person form
// whose school question reads the household's answer.
func formsWithSkipLogic(t *testing.T) *registry.Forms {
	t.Helper()
	builtin := testForms(t)
	extend := func(kind string, extra ...registry.FieldDef) *registry.Form {
		f, _ := builtin.Form(kind)
		g := *f
		g.Version = "2"
		g.Fields = append(slices.Clone(f.Fields), extra...)
		return &g
	}
	en := func(s string) registry.Labels { return registry.Labels{"en": s} }
	forms, err := builtin.Add(
		extend(registry.KindHousehold,
			registry.FieldDef{Name: "has_children", Type: registry.TypeBoolean, Label: en("Children?")},
			registry.FieldDef{Name: "children", Type: registry.TypeInteger, Label: en("How many?"), Required: true,
				Relevant: "${has_children} = 'true'", Constraint: ". < 20", ConstraintMessage: en("fewer than 20")}),
		extend(registry.KindPerson,
			registry.FieldDef{Name: "in_school", Type: registry.TypeBoolean, Label: en("In school?"), Relevant: "${has_children} = 'true'"}),
	)
	if err != nil {
		t.Fatal(err)
	}
	return forms
}

// Registering follows the form's skip logic and constraints as the app
// does: a required question not asked is not required, an answer to one
// not asked is refused, a constraint is a rule; a member's question reads
// its household.
func TestRegisterFollowsSkipLogic(t *testing.T) {
	ws := newWorkspace(t)
	forms := formsWithSkipLogic(t)
	with := func(kv ...string) map[string]string {
		f := householdFields()
		for i := 0; i+1 < len(kv); i += 2 {
			f[kv[i]] = kv[i+1]
		}
		return f
	}
	tests := []struct {
		name   string
		fields map[string]string
		member []string
		want   []string // rules broken, "" for none
	}{
		{"no children: not asked, not required", with("has_children", "false"), nil, nil},
		{"children: required", with("has_children", "true"), nil, []string{registry.RuleRequired}},
		{"an answer not asked is refused", with("has_children", "false", "children", "3"), nil, []string{registry.RuleNotRelevant}},
		{"a constraint", with("has_children", "true", "children", "30"), nil, []string{registry.RuleConstraint}},
		{"a member reads its household", with("has_children", "false"), []string{"in_school", "true"}, []string{registry.RuleNotRelevant}},
		{"a member asked", with("has_children", "true", "children", "2"), []string{"in_school", "true"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := Household{Entry: Entry{ID: registry.NewID(), Fields: tt.fields}, Members: []Entry{person("head", "Amina", "Yusuf", tt.member...)}}
			plan, err := PlanHousehold(ws, forms, h, today)
			if err != nil {
				t.Fatal(err)
			}
			problems := plan.Problems()
			if tt.want == nil && problems != nil {
				t.Errorf("refused: %v", problems)
			}
			for _, rule := range tt.want {
				if !hasRule(problems, rule) {
					t.Errorf("problems %v, want rule %s", problems, rule)
				}
			}
		})
	}
}

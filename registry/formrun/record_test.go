package formrun

import (
	"slices"
	"testing"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
)

func record(kind string, values map[string]string) registry.Record {
	r := registry.Record{ID: uuid.MustParse("01900000-0000-7000-8000-000000000001"), Kind: kind, Fields: map[string]change.Field{}}
	for name, v := range values {
		r.Fields[name] = change.Field{Versions: []change.Version{{Value: v, Stamp: change.Stamp{HLC: 1}}}}
	}
	return r
}

// broken lists an error's field errors as field:rule, sorted.
func broken(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	errs, ok := registry.AsValidation(err)
	if !ok {
		t.Fatalf("not a validation error: %v", err)
	}
	var out []string
	for _, fe := range errs {
		out = append(out, fe.Field+":"+fe.Rule)
	}
	slices.Sort(out)
	return out
}

// The built-in forms have no expressions: a record is judged exactly as
// registry judges it.
func TestValidateKeepsBuiltinRules(t *testing.T) {
	forms, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	person := map[string]string{"household_id": "01900000-0000-7000-8000-000000000009", "relationship": "head",
		"given_name": "Amina", "sex": "female", "birth_date": "1990-05-01"}
	tests := []struct {
		kind   string
		values map[string]string
	}{
		{registry.KindHousehold, map[string]string{"consent": "true", "site": "camp_north", "status": "active"}},
		{registry.KindHousehold, map[string]string{"consent": "false", "site": "nowhere", "gps": "95 10"}},
		{registry.KindHousehold, map[string]string{}},
		{registry.KindPerson, person},
		{registry.KindPerson, map[string]string{"sex": "f", "birth_date": "2030-01-01", "given_name": "a\x00", "nickname": "x"}},
		{registry.KindPerson, map[string]string{"specific_needs": "disability disability", "_merged_into": "no"}},
		{registry.KindAssessment, map[string]string{"household_id": "x", "meals_per_day": "02", "days_pulses": "8"}},
		{"referral", map[string]string{"a": "b"}},
	}
	v := NewValidator(forms)
	for _, tt := range tests {
		r := record(tt.kind, tt.values)
		want := broken(t, forms.Validate(r, today))
		if got := broken(t, v.Validate(r, nil, today)); !slices.Equal(got, want) {
			t.Errorf("%s %v: formrun %v, registry %v", tt.kind, tt.values, got, want)
		}
	}
	deleted := record(registry.KindPerson, map[string]string{change.DeletedField: "true"})
	if err := v.Validate(deleted, nil, today); err != nil {
		t.Errorf("a deleted record refused: %v", err)
	}
}

func TestValidateHonoursExpressions(t *testing.T) {
	forms, err := registry.NewForms(surveyForm(t), personForm(t))
	if err != nil {
		t.Fatal(err)
	}
	v := NewValidator(forms)
	tests := []struct {
		name   string
		values map[string]string
		want   []string
	}{
		{"required, not asked: not required", map[string]string{"has_children": "no"}, nil},
		{"required and asked", map[string]string{"has_children": "yes"}, []string{"children:required"}},
		{"an answer to a question not asked is refused", map[string]string{"has_children": "no", "children": "2"}, []string{"children:not_relevant"}},
		{"a constraint broken", map[string]string{"has_children": "yes", "children": "40"}, []string{"children:constraint"}},
		{"a site outside its district", map[string]string{"has_children": "no", "admin1": "SY01", "admin2": "SY0100", "site": "cp_004"}, []string{"site:choice"}},
		{"a district outside its governorate, and its site", map[string]string{"has_children": "no", "admin1": "SY02", "admin2": "SY0100", "site": "cp_001"},
			[]string{"admin2:choice", "site:choice"}},
		{"unknown fields still refused", map[string]string{"has_children": "no", "colour": "red"}, []string{"colour:unknown_field"}},
		{"a cascade that holds", map[string]string{"has_children": "no", "admin1": "SY01", "admin2": "SY0101", "site": "cp_003"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := broken(t, v.Validate(record("survey", tt.values), nil, today))
			if !slices.Equal(got, tt.want) {
				t.Errorf("broken %v, want %v", got, tt.want)
			}
		})
	}
	// The constraint's error carries the form's message.
	err = v.Validate(record("survey", map[string]string{"has_children": "yes", "children": "40"}), nil, today)
	if errs, _ := registry.AsValidation(err); len(errs) != 1 || errs[0].Message("ar") != "بين 1 و19" || errs[0].Record == uuid.Nil {
		t.Errorf("constraint error %+v: want the form's Arabic message and the record's id", errs)
	}

	// A member is judged with its household when the caller knows it.
	hh := record("survey", map[string]string{"has_children": "no"})
	child := record(registry.KindPerson, map[string]string{"age": "8", "in_school": "true"})
	if got := broken(t, v.Validate(child, &hh, today)); !slices.Equal(got, []string{"in_school:not_relevant"}) {
		t.Errorf("member of a household without children: %v", got)
	}
	if err := v.Validate(child, nil, today); err != nil {
		t.Errorf("member, household not known: %v, want accepted", err)
	}
}

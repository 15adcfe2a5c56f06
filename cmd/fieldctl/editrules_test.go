package main

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
)

// fieldctl edit follows the form's skip logic and constraints, and does
// not block on a rule the record broke before the edit.
func TestJudgeEdit(t *testing.T) {
	builtin, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	hh, _ := builtin.Form(registry.KindHousehold)
	v2 := *hh
	v2.Version = "2"
	en := func(s string) registry.Labels { return registry.Labels{"en": s} }
	v2.Fields = append(slices.Clone(hh.Fields),
		registry.FieldDef{Name: "has_children", Type: registry.TypeBoolean, Label: en("Children?")},
		registry.FieldDef{Name: "children", Type: registry.TypeInteger, Label: en("How many?"),
			Relevant: "${has_children} = 'true'", Constraint: ". < 20"},
		registry.FieldDef{Name: "rooms", Type: registry.TypeInteger, Label: en("Rooms"), Constraint: ". < 10"})
	forms, err := builtin.Add(&v2)
	if err != nil {
		t.Fatal(err)
	}
	rec := registry.Record{ID: uuid.MustParse("01900000-0000-7000-8000-000000000001"), Kind: registry.KindHousehold, Fields: map[string]change.Field{}}
	for k, v := range map[string]string{"consent": "true", "site": "camp_north", "has_children": "true", "children": "3", "rooms": "12"} {
		rec.Fields[k] = change.Field{Versions: []change.Version{{Value: v, Stamp: change.Stamp{HLC: 1}}}}
	}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		set  map[string]string
		want []string // field:rule refused
	}{
		{"no children, the count kept: refused", map[string]string{"has_children": "false"}, []string{"children:not_relevant"}},
		{"no children, the count cleared", map[string]string{"has_children": "false", "children": ""}, nil},
		{"a constraint", map[string]string{"children": "25"}, []string{"children:constraint"}},
		{"rooms broke its constraint before: not this edit's doing", map[string]string{"children": "4"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := judgeEdit(forms, rec, tt.set, nil, now)
			errs, _ := registry.AsValidation(err)
			var got []string
			for _, fe := range errs {
				got = append(got, fe.Field+":"+fe.Rule)
			}
			if !slices.Equal(got, tt.want) || (err == nil) != (tt.want == nil) {
				t.Errorf("judgeEdit = %v, want %v", err, tt.want)
			}
		})
	}
}

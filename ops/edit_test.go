package ops

import (
	"errors"
	"testing"

	"fieldreg/registry"
)

func TestEditKeepsOneHead(t *testing.T) {
	ws := newWorkspace(t)
	hh, p := register(t, ws, person("head", "Amina", "Yusuf"), person("spouse", "Ali", "Yusuf"))
	other, q := register(t, ws, person("head", "Fatou", "Sow"))
	rel := func(v string) map[string]string { return map[string]string{registry.FieldRelationship: v} }
	tests := []struct {
		name  string
		edits func() []Fields
		rule  string // "" when stored
	}{
		{"a second head", func() []Fields { return []Fields{{Record: get(t, ws, p[1]), Set: rel("head")}} }, registry.RuleOneHead},
		{"no head", func() []Fields { return []Fields{{Record: get(t, ws, p[0]), Set: rel("parent")}} }, registry.RuleOneHead},
		{"moving the head out", func() []Fields {
			return []Fields{{Record: get(t, ws, p[0]), Set: map[string]string{registry.FieldHouseholdID: other.String()}}}
		}, registry.RuleOneHead},
		{"to no household", func() []Fields {
			return []Fields{{Record: get(t, ws, q[0]), Set: map[string]string{registry.FieldHouseholdID: registry.NewID().String()}}}
		}, registry.RuleMember},
		{"a name", func() []Fields {
			return []Fields{{Record: get(t, ws, p[1]), Set: map[string]string{registry.FieldGivenName: "Aly"}}}
		}, ""},
		{"head and spouse swap, together", func() []Fields {
			return []Fields{{Record: get(t, ws, p[1]), Set: rel("head")}, {Record: get(t, ws, p[0]), Set: rel("spouse")}}
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Edit(ws, tt.edits()...)
			if tt.rule == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !hasRule(err, tt.rule) {
				t.Fatalf("Edit = %v, want rule %s", err, tt.rule)
			}
		})
	}
	if !registry.IsHead(get(t, ws, p[1])) || registry.IsHead(get(t, ws, p[0])) {
		t.Error("the swap was not stored")
	}
	if got := len(ws.Members(hh)); got != 2 {
		t.Errorf("household has %d members, want 2", got)
	}
	if _, err := Edit(ws, Fields{Record: get(t, ws, p[0]), Set: map[string]string{registry.DeletedField: "true"}}); !errors.Is(err, ErrSystemField) {
		t.Errorf("deleting by an edit: %v, want ErrSystemField", err)
	}
	changes, err := Edit(ws, Fields{Record: get(t, ws, p[1]), Set: map[string]string{registry.FieldGivenName: "Aly"}})
	if err != nil || len(changes) != 0 {
		t.Errorf("an edit to the same value made %d changes, %v", len(changes), err)
	}
}

package ops

import (
	"errors"
	"testing"

	"github.com/google/uuid"

	"fieldreg/registry"
)

// A household is registered whole or not at all: one record the rules
// refuse, or a second head, and nothing of it — nor of the households
// registered with it — is stored.
func TestRegisterIsAllOrNothing(t *testing.T) {
	forms := testForms(t)
	good := func() Household {
		return Household{Entry: Entry{ID: registry.NewID(), Fields: householdFields()},
			Members:     []Entry{person("head", "Amina", "Yusuf"), person("child", "Hawa", "Yusuf")},
			Assessments: []Entry{{ID: registry.NewID(), Fields: map[string]string{registry.FieldDate: "2026-03-01"}}}}
	}
	tests := []struct {
		name  string
		spoil func(h *Household)
		rule  string // the rule named, "" when stored
	}{
		{"good", func(*Household) {}, ""},
		{"no consent", func(h *Household) { delete(h.Fields, registry.FieldConsent) }, registry.RuleRequired},
		{"a member's bad sex", func(h *Household) { h.Members[1].Fields[registry.FieldSex] = "f" }, registry.RuleChoice},
		{"two heads", func(h *Household) { h.Members[1].Fields[registry.FieldRelationship] = "head" }, registry.RuleOneHead},
		{"a refused second head", func(h *Household) {
			h.Members[1].Fields[registry.FieldRelationship] = "head"
			h.Members[1].Fields[registry.FieldSex] = "f"
		}, registry.RuleOneHead},
		{"no head", func(h *Household) { h.Members[0].Fields[registry.FieldRelationship] = "spouse" }, registry.RuleOneHead},
		{"no members", func(h *Household) { h.Members = nil }, registry.RuleOneHead},
		{"an assessment in the future", func(h *Household) { h.Assessments[0].Fields[registry.FieldDate] = "2027-01-01" }, registry.RuleFutureDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := newWorkspace(t)
			other, h := good(), good()
			tt.spoil(&h)
			r, err := Register(ws, forms, today, other, h)
			if tt.rule == "" {
				if err != nil || r != (Registered{Households: 2, Members: 4, Assessments: 2}) {
					t.Fatalf("Register = %+v, %v", r, err)
				}
				m := get(t, ws, h.Members[1].ID)
				if m.Value(registry.FieldHouseholdID) != h.ID.String() {
					t.Errorf("member's household_id = %q, want the household's", m.Value(registry.FieldHouseholdID))
				}
				if got := get(t, ws, h.ID).Value(registry.FieldStatus); got != "active" {
					t.Errorf("a new household's status = %q, want the form's default", got)
				}
				return
			}
			if !errors.Is(err, ErrRefused) {
				t.Fatalf("Register = %v, want ErrRefused", err)
			}
			if !hasRule(err, tt.rule) {
				t.Errorf("refusal %v does not name rule %s", err, tt.rule)
			}
			for _, id := range []uuid.UUID{other.ID, h.ID, other.Members[0].ID} {
				if _, ok := ws.Kind(id); ok {
					t.Errorf("record %s was stored from a refused registration", id)
				}
			}
		})
	}
}

func hasRule(err error, rule string) bool {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			if hasRule(e, rule) {
				return true
			}
		}
		return false
	}
	if u := errors.Unwrap(err); u != nil && hasRule(u, rule) {
		return true
	}
	fes, _ := registry.AsValidation(err)
	for _, fe := range fes {
		if fe.Rule == rule {
			return true
		}
	}
	return false
}

// The input's ids: another kind's id, a deleted record's, a member naming
// another household are refused before any rule is looked at.
func TestPlanHouseholdRefusesIDs(t *testing.T) {
	ws := newWorkspace(t)
	forms := testForms(t)
	hh, p := register(t, ws, person("head", "Amina", "Yusuf"), person("child", "Hawa", "Yusuf"))
	if _, err := Delete(ws, p[1]); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		h    Household
		want error
	}{
		{"a person's id for a household", Household{Entry: Entry{ID: p[0], Fields: householdFields()}}, ErrIDInUse},
		{"a deleted member", Household{Entry: Entry{ID: hh}, Members: []Entry{{ID: p[1], Fields: map[string]string{registry.FieldGivenName: "Hawa"}}}}, ErrDeleted},
		{"a member of another household", Household{Entry: Entry{ID: registry.NewID(), Fields: householdFields()},
			Members: []Entry{person("head", "Omar", "Ali", registry.FieldHouseholdID, hh.String())}}, ErrOtherHousehold},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := PlanHousehold(ws, forms, tt.h, today); !errors.Is(err, tt.want) {
				t.Errorf("PlanHousehold = %v, want %v", err, tt.want)
			}
		})
	}
	// Updating a stored household counts its stored members in the head check.
	update := Household{Entry: Entry{ID: hh, Fields: map[string]string{registry.FieldPhone: "+249 912 345 678"}, IfExists: UpdateExisting},
		Members: []Entry{person("head", "Zeinab", "Yusuf")}}
	plan, err := PlanHousehold(ws, forms, update, today)
	if err != nil {
		t.Fatal(err)
	}
	if !hasRule(plan.Problems(), registry.RuleOneHead) {
		t.Errorf("a second head next to a stored one: problems %v", plan.Problems())
	}
}

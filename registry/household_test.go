package registry

import (
	"testing"

	"github.com/google/uuid"

	"fieldreg/change"
)

func TestValidateHousehold(t *testing.T) {
	hh := record(KindHousehold, goodHousehold)
	hh.ID = uuid.MustParse("01900000-0000-7000-8000-000000000009")
	member := func(n byte, rel string, deleted bool) Record {
		v := with(goodPerson, map[string]string{"relationship": rel})
		if deleted {
			v[change.DeletedField] = "true"
		}
		r := record(KindPerson, v)
		r.ID[15] = n
		return r
	}
	tests := []struct {
		name    string
		members []Record
		rule    string
	}{
		{"one head", []Record{member(1, "head", false), member(2, "child", false)}, ""},
		{"no head", []Record{member(1, "spouse", false)}, RuleOneHead},
		{"no members", nil, RuleOneHead},
		{"two heads", []Record{member(1, "head", false), member(2, "head", false)}, RuleOneHead},
		{"deleted second head", []Record{member(1, "head", false), member(2, "head", true)}, ""},
		{"only head deleted", []Record{member(1, "head", true), member(2, "child", false)}, RuleOneHead},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateHousehold(hh, tt.members)
			if tt.rule == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			fes, _ := AsValidation(err)
			if len(fes) != 1 || fes[0].Rule != tt.rule {
				t.Fatalf("ValidateHousehold = %v, want rule %s", err, tt.rule)
			}
		})
	}
	stray := member(3, "head", false)
	stray.Fields["household_id"] = change.Field{Versions: []change.Version{{Value: "01900000-0000-7000-8000-0000000000ff", Stamp: change.Stamp{HLC: 1}}}}
	fes, _ := AsValidation(ValidateHousehold(hh, []Record{stray}))
	if len(fes) != 1 || fes[0].Rule != RuleMember || fes[0].Record != stray.ID {
		t.Errorf("a member of another household: %v", fes)
	}
}

func TestLeavesHeadless(t *testing.T) {
	person := func(n byte, kind, rel string) Record {
		r := record(kind, map[string]string{FieldRelationship: rel})
		r.ID[15] = n
		return r
	}
	id := func(n byte) uuid.UUID {
		u := record(KindPerson, nil).ID
		u[15] = n
		return u
	}
	tests := []struct {
		name    string
		person  Record
		members []uuid.UUID
		want    bool
	}{
		{"head with others", person(1, KindPerson, "head"), []uuid.UUID{id(1), id(2)}, true},
		{"head with others, not listed itself", person(1, KindPerson, "head"), []uuid.UUID{id(2)}, true},
		{"head alone", person(1, KindPerson, "head"), []uuid.UUID{id(1)}, false},
		{"head of an emptied household", person(1, KindPerson, "head"), nil, false},
		{"spouse with others", person(2, KindPerson, "spouse"), []uuid.UUID{id(1), id(2)}, false},
		{"no relationship", person(2, KindPerson, ""), []uuid.UUID{id(1), id(2)}, false},
		{"a household is no head", person(1, KindHousehold, "head"), []uuid.UUID{id(1), id(2)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LeavesHeadless(tt.person, tt.members); got != tt.want {
				t.Errorf("LeavesHeadless = %v, want %v", got, tt.want)
			}
		})
	}
}

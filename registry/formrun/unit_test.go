package formrun

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/registry"
)

// The record-level rules a receiver checks again on a household registered
// elsewhere: consent and required answers, one head at most; value rules
// and a head still to come in a later batch are not its business.
func TestUnitRules(t *testing.T) {
	forms, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	rules := NewUnitRules(func() *registry.Forms { return forms }, func() time.Time { return today })
	hid := uuid.MustParse("01900000-0000-7000-8000-0000000000aa")
	household := func(values map[string]string) registry.Record {
		r := record(registry.KindHousehold, values)
		r.ID = hid
		return r
	}
	n := 0
	person := func(rel string) registry.Record {
		n++
		r := record(registry.KindPerson, map[string]string{"household_id": hid.String(), "relationship": rel,
			"given_name": "Amina", "sex": "female", "birth_date": "1990-01-02"})
		r.ID = uuid.MustParse(fmt.Sprintf("01900000-0000-7000-8000-%012d", n))
		return r
	}
	ok := map[string]string{"site": "camp_north", "consent": "true", "status": "active"}
	noConsent := map[string]string{"site": "camp_north", "status": "active"}
	deleted := map[string]string{"site": "camp_north", "status": "active", "_deleted": "true"}
	for _, tc := range []struct {
		name    string
		records []registry.Record
		want    []string
	}{
		{"a household and its head", []registry.Record{household(ok), person("head"), person("child")}, nil},
		{"no consent", []registry.Record{household(noConsent), person("head")}, []string{"consent:required"}},
		{"two heads", []registry.Record{household(ok), person("head"), person("head")}, []string{"relationship:one_head"}},
		{"the head in the next batch", []registry.Record{household(ok), person("child")}, nil},
		{"a member alone", []registry.Record{person("child")}, nil},
		{"registered, then deleted", []registry.Record{household(deleted), person("head"), person("head")}, nil},
		{"a value rule is not this check's", []registry.Record{household(map[string]string{"site": "camp_north", "consent": "true", "status": "Zqx"}), person("head")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refs := make([]string, len(tc.records))
			if got := broken(t, rules.Check(tc.records, refs)); !slices.Equal(got, tc.want) {
				t.Errorf("broken %v, want %v", got, tc.want)
			}
		})
	}
}

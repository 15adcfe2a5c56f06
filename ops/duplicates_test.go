package ops

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"

	"fieldreg/registry"
	"fieldreg/store"
)

// A merge copies to the kept person only the fields it lacks, never the
// merged one's household or place in it, and marks the merged one.
func TestMergeCopiesOnlyMissingFields(t *testing.T) {
	ws := newWorkspace(t)
	h1, p1 := register(t, ws, person("head", "Mohammed", "Hassan"))
	_, p2 := register(t, ws,
		person("head", "Amal", "Hasan"),
		person("spouse", "Muhammad", "Hasan", registry.FieldDocumentNumber, "P-7788", registry.FieldOtherNames, "Abu Ali"))
	keep, gone := p1[0], p2[1]

	got, err := Merge(ws, keep, gone)
	if err != nil {
		t.Fatal(err)
	}
	if got.Copied != 2 {
		t.Errorf("copied %d fields, want 2 (document number, other names)", got.Copied)
	}
	k := get(t, ws, keep)
	want := map[string]string{
		registry.FieldGivenName: "Mohammed", registry.FieldFamilyName: "Hassan", // its own
		registry.FieldDocumentNumber: "P-7788", registry.FieldOtherNames: "Abu Ali", // only the other had them
		registry.FieldHouseholdID: h1.String(), registry.FieldRelationship: "head", // its place stands
	}
	for f, v := range want {
		if k.Value(f) != v {
			t.Errorf("kept person's %s = %q, want %q", f, k.Value(f), v)
		}
	}
	g := get(t, ws, gone)
	if !g.Deleted() || g.Value(registry.FieldMergedInto) != keep.String() {
		t.Errorf("merged person: deleted %v, merged into %q", g.Deleted(), g.Value(registry.FieldMergedInto))
	}
	if _, err := Merge(ws, keep, gone); !errors.Is(err, ErrDeleted) {
		t.Errorf("merging a merged person again: %v, want ErrDeleted", err)
	}
}

func TestMergeRefuses(t *testing.T) {
	ws := newWorkspace(t)
	hh, p1 := register(t, ws, person("head", "Mohammed", "Hassan"), person("child", "Omar", "Hassan"))
	_, p2 := register(t, ws, person("head", "Muhammad", "Hasan"))
	tests := []struct {
		name       string
		keep, gone uuid.UUID
		want       error
	}{
		{"head of a household with others", p2[0], p1[0], ErrHeadOfHousehold},
		{"not a person", p2[0], hh, ErrNotPerson},
		{"the same person", p2[0], p2[0], ErrSamePerson},
		{"no such record", p2[0], registry.NewID(), ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Merge(ws, tt.keep, tt.gone)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Merge = %v, want %v", err, tt.want)
			}
			if get(t, ws, p1[0]).Deleted() || get(t, ws, p2[0]).Deleted() {
				t.Error("a refused merge deleted someone")
			}
		})
	}
	var he *HeadError
	if _, err := Merge(ws, p2[0], p1[0]); !errors.As(err, &he) || he.Person != p1[0] || he.Household != hh {
		t.Errorf("the refusal does not say whose household: %v", err)
	}
	// A head alone in a household may be merged away.
	if _, err := Merge(ws, p1[0], p2[0]); err != nil {
		t.Errorf("merging a head alone: %v", err)
	}
}

// The kept person is the first registered, unless only the later one heads
// a household with others.
func TestMergeOrder(t *testing.T) {
	ws := newWorkspace(t)
	_, first := register(t, ws, person("head", "Mohammed", "Hassan"))
	_, later := register(t, ws, person("head", "Muhammad", "Hasan"), person("child", "Omar", "Hasan"))
	_, lone := register(t, ws, person("head", "Mohamed", "Hassan"))
	a, b, c := get(t, ws, first[0]), get(t, ws, later[0]), get(t, ws, lone[0])
	if keep, _ := MergeOrder(ws, a, c); keep.ID != a.ID {
		t.Error("the first registered is not kept")
	}
	if keep, _ := MergeOrder(ws, c, a); keep.ID != a.ID {
		t.Error("the order of the arguments decides the kept person")
	}
	if keep, gone := MergeOrder(ws, a, b); keep.ID != b.ID || gone.ID != a.ID {
		t.Error("the head of a household with others is merged away")
	}
}

func TestDismissIsIdempotent(t *testing.T) {
	ws := newWorkspace(t)
	_, p := register(t, ws, person("head", "Adama", "Keita"), person("sibling", "Adama", "Keita"))
	first, err := Dismiss(ws, p[0], p[1])
	if err != nil || first.Already {
		t.Fatalf("Dismiss = %+v, %v", first, err)
	}
	before, _ := ws.History(p[0])
	again, err := Dismiss(ws, p[0], p[1])
	if err != nil || !again.Already {
		t.Fatalf("second Dismiss = %+v, %v; want already", again, err)
	}
	after, _ := ws.History(p[0])
	if len(after) != len(before) {
		t.Errorf("a second dismissal wrote a change: %d changes, then %d", len(before), len(after))
	}
	if got := get(t, ws, p[0]).Value(registry.FieldNotDuplicate); got != p[1].String() {
		t.Errorf("not-duplicate list = %q, want the other's id once", got)
	}
	_, third := register(t, ws, person("head", "Adama", "Keyta"))
	if _, err := Dismiss(ws, p[0], third[0]); err != nil {
		t.Fatal(err)
	}
	if got := strings.Fields(get(t, ws, p[0]).Value(registry.FieldNotDuplicate)); len(got) != 2 {
		t.Errorf("not-duplicate list after a second pair = %v", got)
	}
}

// Merging, dismissing and deleting are supervisors' decisions: an
// enumerator is refused before anything is written.
func TestEnumeratorIsRefused(t *testing.T) {
	admin := newWorkspace(t)
	hh, p := register(t, admin, person("head", "Adama", "Keita"), person("sibling", "Adama", "Keita"))
	ws := as(t, admin, "eve", store.RoleEnumerator)
	tests := []struct {
		name string
		do   func() error
	}{
		{"merge", func() error { _, err := Merge(ws, p[0], p[1]); return err }},
		{"dismiss", func() error { _, err := Dismiss(ws, p[0], p[1]); return err }},
		{"delete a member", func() error { _, err := Delete(ws, p[1]); return err }},
		{"delete a household", func() error { _, err := Delete(ws, hh); return err }},
		{"resolve", func() error {
			_, err := Edit(ws, Fields{Record: get(t, ws, p[1]), Set: map[string]string{registry.FieldFamilyName: "Keyta"}, Resolve: true})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.do(); !errors.Is(err, ErrRole) {
				t.Errorf("%s by an enumerator: %v, want ErrRole", tt.name, err)
			}
		})
	}
	if n := len(ws.Members(hh)); n != 2 {
		t.Errorf("the household has %d members after refusals, want 2", n)
	}
	if v := get(t, ws, p[0]).Value(registry.FieldNotDuplicate); v != "" {
		t.Error("a refused dismissal was written")
	}
	if MaySupervise(store.RoleEnumerator) || !MaySupervise(store.RoleSupervisor) || !MaySupervise(store.RoleAdmin) {
		t.Error("MaySupervise does not follow the roles")
	}
}

package store

import (
	"errors"
	"testing"

	"github.com/google/uuid"

	"fieldreg/registry"
)

// GetMany gives what Get gives, in the order asked, and fails as Get does
// on an id it does not hold.
func TestGetMany(t *testing.T) {
	w := newTestWorkspace(t)
	var edits []Edit
	for _, name := range []string{"Amina", "Bashir", "Chaltu"} {
		edits = append(edits, Edit{Record: registry.NewID(), Kind: registry.KindPerson, Set: map[string]string{registry.FieldGivenName: name}})
	}
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	ids := []uuid.UUID{edits[2].Record, edits[0].Record, edits[1].Record}
	got, err := w.GetMany(ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		one, err := w.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		if got[i].ID != id || got[i].Value(registry.FieldGivenName) != one.Value(registry.FieldGivenName) {
			t.Errorf("record %d: %s %q, want %s %q", i, got[i].ID, got[i].Value(registry.FieldGivenName), id, one.Value(registry.FieldGivenName))
		}
	}
	if _, err := w.GetMany(append(ids, registry.NewID())); !errors.Is(err, ErrNotFound) {
		t.Errorf("an id not held: %v, want ErrNotFound", err)
	}
}

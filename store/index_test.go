package store

import (
	"slices"
	"testing"

	"github.com/google/uuid"

	"fieldreg/registry"
)

// TestIndexFollowsEdits: an edit that keeps a person's household leaves the
// lists as they were (once each), a move between households changes both,
// and a rename is found by its new name only.
func TestIndexFollowsEdits(t *testing.T) {
	w, err := Create(t.TempDir(), "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	h1, e1 := household("camp-a", "Amina", "Halima")
	h2, e2 := household("camp-b", "Yusuf")
	if _, err := w.Commit(append(e1, e2...)...); err != nil {
		t.Fatal(err)
	}
	amina, halima := e1[1].Record, e1[2].Record

	// Renamed, same household.
	if _, err := w.Commit(Edit{Record: amina, Kind: registry.KindPerson, Set: map[string]string{"given_name": "Aminata"}}); err != nil {
		t.Fatal(err)
	}
	if got := w.Members(h1); !slices.Equal(got, []uuid.UUID{amina, halima}) {
		t.Errorf("members of h1 after a rename: %v", got)
	}
	if got := w.IDs(registry.KindPerson); len(got) != 3 {
		t.Errorf("persons after a rename: %v, want 3", got)
	}
	if hits := w.Search("Aminata", 5); len(hits) != 1 || hits[0].ID != amina {
		t.Errorf("search for the new name: %v", hits)
	}

	// Moved to the other household.
	if _, err := w.Commit(Edit{Record: halima, Kind: registry.KindPerson, Set: map[string]string{"household_id": h2.String()}}); err != nil {
		t.Fatal(err)
	}
	if got := w.Members(h1); !slices.Equal(got, []uuid.UUID{amina}) {
		t.Errorf("members of h1 after the move: %v", got)
	}
	if got := w.Members(h2); len(got) != 2 || !slices.Contains(got, halima) {
		t.Errorf("members of h2 after the move: %v", got)
	}
	if got := w.Count(registry.KindPerson); got != 3 {
		t.Errorf("persons after the move: %d, want 3", got)
	}
}

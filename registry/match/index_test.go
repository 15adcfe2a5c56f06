package match_test

import (
	"testing"

	"github.com/google/uuid"

	"fieldreg/internal/corpus"
	"fieldreg/registry/match"
)

func indexOf(persons []match.Person) *match.Index {
	ix := match.NewIndex(match.DefaultConfig())
	for _, p := range persons {
		ix.Put(p)
	}
	return ix
}

func pairKey(a, b uuid.UUID) [2]uuid.UUID {
	if string(b[:]) < string(a[:]) {
		a, b = b, a
	}
	return [2]uuid.UUID{a, b}
}

func TestIndexPutReplaceRemove(t *testing.T) {
	ix := match.NewIndex(match.DefaultConfig())
	stored := match.Person{ID: uuid.New(), Household: uuid.New(), GivenName: "Amina", FamilyName: "Bello", Sex: "female", BirthDate: "2001-04-04"}
	typed := match.Person{ID: uuid.New(), Household: uuid.New(), GivenName: "Aminatu", FamilyName: "Bello", Sex: "female", BirthDate: "2001-04-04"}
	ix.Put(stored)
	if got := ix.Candidates(typed, 10); len(got) != 1 || got[0].B != stored.ID {
		t.Fatalf("candidates %v, want the stored Amina", got)
	}
	if got := ix.Candidates(stored, 10); len(got) != 0 {
		t.Errorf("a person is its own candidate: %v", got)
	}
	// Replacing by id: the old version must no longer be found.
	stored.GivenName = "Khadija"
	ix.Put(stored)
	if ix.Len() != 1 {
		t.Errorf("Len %d after replacing, want 1", ix.Len())
	}
	if got := ix.Candidates(typed, 10); len(got) != 0 {
		t.Errorf("candidates %v after the name changed", got)
	}
	ix.Remove(stored.ID)
	ix.Remove(stored.ID) // twice is harmless
	if ix.Len() != 0 {
		t.Errorf("Len %d after removing, want 0", ix.Len())
	}
	stored.GivenName = "Amina"
	ix.Put(stored) // a freed slot is reused and found again
	if got := ix.Candidates(typed, 10); len(got) != 1 {
		t.Errorf("candidates %v after putting back", got)
	}
}

func TestCandidatesBestFirstAndLimited(t *testing.T) {
	c := corpus.Generate(5, 3000, 0.2)
	ix := indexOf(c.Persons)
	for _, p := range c.Persons[:300] {
		all := ix.Candidates(p, 0)
		for i := 1; i < len(all); i++ {
			if all[i].Score > all[i-1].Score {
				t.Fatalf("candidates of %s not best first: %v", p.ID, all)
			}
		}
		for _, m := range all {
			if m.A != p.ID || m.B == p.ID || m.Level < match.Possible {
				t.Fatalf("candidate %+v for %s", m, p.ID)
			}
		}
		if limited := ix.Candidates(p, 1); len(all) > 0 && (len(limited) != 1 || limited[0].B != all[0].B) {
			t.Fatalf("limit 1 gave %v, want %v", limited, all[:1])
		}
	}
}

// Blocking must not lose what matters: every Likely pair a full scan of all
// pairs finds, the index finds too, through Candidates and through Pairs.
func TestBlockingRecall(t *testing.T) {
	c := corpus.Generate(4, 2500, 0.15)
	full := make(map[[2]uuid.UUID]bool)
	for _, m := range match.FullScan(c.Persons, match.DefaultConfig()) {
		if m.Level == match.Likely {
			full[pairKey(m.A, m.B)] = true
		}
	}
	if len(full) < 200 {
		t.Fatalf("only %d Likely pairs in the corpus; the test would prove little", len(full))
	}
	ix := indexOf(c.Persons)
	fromPairs := make(map[[2]uuid.UUID]bool)
	for _, m := range ix.Pairs() {
		k := pairKey(m.A, m.B)
		if fromPairs[k] {
			t.Errorf("Pairs reports %v twice", k)
		}
		fromPairs[k] = true
	}
	byID := make(map[uuid.UUID]match.Person)
	for _, p := range c.Persons {
		byID[p.ID] = p
	}
	for k := range full {
		if !fromPairs[k] {
			t.Errorf("Pairs misses the Likely pair %v", k)
		}
		found := false
		for _, m := range ix.Candidates(byID[k[0]], 0) {
			found = found || m.B == k[1]
		}
		if !found {
			t.Errorf("Candidates of %s misses %s", k[0], k[1])
		}
	}
}

func TestMembersOfOneHouseholdNeverPair(t *testing.T) {
	c := corpus.Generate(6, 5000, 0.1)
	household := make(map[uuid.UUID]uuid.UUID)
	for _, p := range c.Persons {
		household[p.ID] = p.Household
	}
	for _, m := range indexOf(c.Persons).Pairs() {
		if household[m.A] == household[m.B] {
			t.Errorf("members of one household paired: %+v", m)
		}
	}
}

// PutAll is Put for many: the same index, whichever way it was filled.
func TestPutAllSameAsPut(t *testing.T) {
	c := corpus.Generate(10, 3000, 0.1)
	one := indexOf(c.Persons)
	all := match.NewIndex(match.DefaultConfig())
	all.PutAll(c.Persons[:1000])
	all.PutAll(c.Persons) // the first thousand again: replaced, not doubled
	if all.Len() != one.Len() {
		t.Fatalf("Len %d, want %d", all.Len(), one.Len())
	}
	a, b := one.Pairs(), all.Pairs()
	if len(a) != len(b) {
		t.Fatalf("%d pairs by Put, %d by PutAll", len(a), len(b))
	}
	for i := range a {
		if pairKey(a[i].A, a[i].B) != pairKey(b[i].A, b[i].B) || a[i].Score != b[i].Score {
			t.Fatalf("pair %d differs: %+v vs %+v", i, a[i], b[i])
		}
	}
}

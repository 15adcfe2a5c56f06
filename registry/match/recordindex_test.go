package match_test

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/internal/corpus"
	"fieldreg/registry"
	"fieldreg/registry/match"
)

var testStamp = change.Stamp{HLC: 1 << 20, Device: uuid.MustParse("00000000-0000-0000-0000-000000000001")}

// set returns rec with fields written by a later change, as the store would
// hand it over after an edit.
func set(rec registry.Record, fields map[string]string) registry.Record {
	rec = rec.Clone()
	stamp := testStamp
	stamp.HLC += 1000
	for name, v := range fields {
		f := rec.Fields[name]
		f.Add(change.Version{Value: v, Stamp: stamp, Base: f.Stamp()})
		rec.Fields[name] = f
	}
	return rec
}

type registered struct {
	household registry.Record
	members   []registry.Record
}

func recordsOf(hs []corpus.Household) []registered {
	out := make([]registered, len(hs))
	for i, h := range hs {
		out[i].household, out[i].members = h.Records(testStamp)
	}
	return out
}

// The store hands records over in any order; persons may come before their
// household. The result must be what indexing the same persons directly gives.
func TestRecordIndexAnyOrder(t *testing.T) {
	c := corpus.Generate(7, 3000, 0.1)
	var all []registry.Record
	for _, r := range recordsOf(c.Households) {
		all = append(all, r.household)
		all = append(all, r.members...)
		all = append(all, registry.Record{ID: uuid.New(), Kind: registry.KindAssessment}) // ignored
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	ri := match.NewRecordIndex(match.DefaultConfig())
	for _, rec := range all {
		ri.Index(rec)
	}
	if ri.Len() != len(c.Persons) {
		t.Fatalf("Len %d, want %d", ri.Len(), len(c.Persons))
	}
	want := make(map[[2]uuid.UUID]float64)
	for _, m := range indexOf(c.Persons).Pairs() {
		want[pairKey(m.A, m.B)] = m.Score
	}
	got := ri.Pairs()
	if len(got) != len(want) {
		t.Errorf("%d pairs from records, %d from persons", len(got), len(want))
	}
	for _, m := range got {
		if score, ok := want[pairKey(m.A, m.B)]; !ok || score != m.Score {
			t.Errorf("pair %v scored %.1f from records, %.1f (found %v) from persons", pairKey(m.A, m.B), m.Score, score, ok)
		}
	}
}

func findsB(ms []match.Match, id uuid.UUID) bool {
	for _, m := range ms {
		if m.B == id {
			return true
		}
	}
	return false
}

func TestRecordIndexLifecycle(t *testing.T) {
	hs := []corpus.Household{{
		ID: uuid.New(), Site: "camp-a", Phone: "+962791234567",
		Members: []corpus.Member{
			{ID: uuid.New(), Relationship: "head", GivenName: "Ahmed", FamilyName: "Haddad", Sex: "male", BirthDate: "1980-05-05"},
			{ID: uuid.New(), Relationship: "spouse", GivenName: "Salma", FamilyName: "Khalil", Sex: "female", BirthDate: "1984-02-02"},
			{ID: uuid.New(), Relationship: "child", GivenName: "Omar", FamilyName: "Haddad", Sex: "male", BirthDate: "2010-09-09"},
		},
	}}
	recs := recordsOf(hs)[0]
	ri := match.NewRecordIndex(match.DefaultConfig())
	for _, m := range recs.members {
		ri.Index(m)
	}
	ri.Index(recs.household)

	// The same family registers again at another site: the head is typed.
	newHousehold := registry.Record{ID: uuid.New(), Kind: registry.KindHousehold}
	newHousehold = set(newHousehold, map[string]string{"site": "camp-b"})
	typed := set(registry.Record{ID: uuid.New(), Kind: registry.KindPerson}, map[string]string{
		"household_id": newHousehold.ID.String(), "given_name": "Ahmad", "family_name": "Hadad",
		"sex": "male", "birth_date": "1980-05-05",
	})
	head := recs.members[0]
	got := ri.Candidates(typed, newHousehold, 5)
	if len(got) == 0 || got[0].B != head.ID || got[0].Level != match.Likely {
		t.Fatalf("candidates %v, want the stored head as Likely", got)
	}

	// A supervisor decided they are different people.
	decided := set(typed, map[string]string{"_not_duplicate": head.ID.String()})
	if got := ri.Candidates(decided, newHousehold, 5); findsB(got, head.ID) {
		t.Errorf("a 'not a duplicate' decision was ignored: %v", got)
	}
	// The decision recorded on the other person counts too.
	ri.Index(set(head, map[string]string{"_not_duplicate": typed.ID.String()}))
	if got := ri.Candidates(typed, newHousehold, 5); findsB(got, head.ID) {
		t.Errorf("the stored person's decision was ignored: %v", got)
	}
	ri.Index(set(head, map[string]string{"_not_duplicate": ""}))

	// Merged into another person: no longer a candidate.
	ri.Index(set(head, map[string]string{"_merged_into": uuid.New().String()}))
	if got := ri.Candidates(typed, newHousehold, 5); findsB(got, head.ID) {
		t.Errorf("a merged person is still a candidate: %v", got)
	}
	ri.Index(set(head, map[string]string{"_merged_into": ""}))
	if got := ri.Candidates(typed, newHousehold, 5); !findsB(got, head.ID) {
		t.Errorf("an unmerged person is not found again: %v", got)
	}

	// Deleted: gone.
	ri.Index(set(head, map[string]string{change.DeletedField: "true"}))
	if got := ri.Candidates(typed, newHousehold, 5); findsB(got, head.ID) {
		t.Errorf("a deleted person is still a candidate: %v", got)
	}
	if ri.Len() != 2 {
		t.Errorf("Len %d after a deletion, want 2", ri.Len())
	}
	// A deleted household takes its members out.
	ri.Index(set(recs.household, map[string]string{change.DeletedField: "true"}))
	if ri.Len() != 0 {
		t.Errorf("Len %d after the household was deleted, want 0", ri.Len())
	}
}

// Members of the typed person's household are not its candidates — a twin
// with another given name, a namesake son — unless the same person is
// entered twice in the family: one given name, sex and birth date.
func TestRecordIndexSameHousehold(t *testing.T) {
	h := corpus.Household{ID: uuid.New(), Site: "camp-a", Members: []corpus.Member{
		{ID: uuid.New(), Relationship: "head", GivenName: "Juma", FamilyName: "Mushi", Sex: "male", BirthDate: "1975-01-01"},
	}}
	hh, members := h.Records(testStamp)
	ri := match.NewRecordIndex(match.DefaultConfig())
	ri.Index(hh)
	ri.Index(members[0])
	member := func(given, birth string) registry.Record {
		return set(registry.Record{ID: uuid.New(), Kind: registry.KindPerson}, map[string]string{
			"household_id": hh.ID.String(), "given_name": given, "family_name": "Mushi", "sex": "male", "birth_date": birth,
		})
	}
	if got := ri.Candidates(member("Baraka", "1975-01-01"), hh, 5); len(got) != 0 {
		t.Errorf("a twin with another name is a candidate: %v", got)
	}
	if got := ri.Candidates(member("Juma", "2001-06-01"), hh, 5); len(got) != 0 {
		t.Errorf("a namesake son is a candidate: %v", got)
	}
	again := member("Juma", "1975-01-01")
	if got := ri.Candidates(again, hh, 5); !findsB(got, members[0].ID) {
		t.Errorf("the head entered twice is not a candidate: %v", got)
	}
	if got := ri.Candidates(again, registry.Record{}, 5); !findsB(got, members[0].ID) {
		t.Errorf("with the household unknown to the caller: %v", got)
	}
}

// The app checks while the store updates. Run with -race.
func TestRecordIndexConcurrent(t *testing.T) {
	c := corpus.Generate(8, 2000, 0.1)
	regs := recordsOf(c.Households)
	ri := match.NewRecordIndex(match.DefaultConfig())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, r := range regs {
			ri.Index(r.household)
			for _, m := range r.members {
				ri.Index(m)
			}
		}
	}()
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(regs); i += 7 {
				ri.Candidates(regs[i].members[0], regs[i].household, 5)
				if i%50 == 0 {
					ri.Pairs()
				}
			}
		}()
	}
	wg.Wait()
	if ri.Len() != len(c.Persons) {
		t.Errorf("Len %d, want %d", ri.Len(), len(c.Persons))
	}
}

// Persons without a valid household are matched, each on its own: they do
// not become one huge household of strangers.
func TestRecordIndexNoHousehold(t *testing.T) {
	ri := match.NewRecordIndex(match.DefaultConfig())
	var typed registry.Record
	for i, name := range []string{"Amina", "Halima", "Zainab", "Amina"} {
		rec := set(registry.Record{ID: uuid.New(), Kind: registry.KindPerson}, map[string]string{
			"household_id": "not an id", "given_name": name, "family_name": "Bello", "sex": "female", "birth_date": "1990-02-03",
		})
		if i == 3 {
			typed = rec
			continue
		}
		ri.Index(rec)
	}
	got := ri.Candidates(typed, registry.Record{}, 5)
	if len(got) != 1 || got[0].Level != match.Likely {
		t.Fatalf("candidates %v, want the one Amina Bello", got)
	}
	for _, r := range got[0].Reasons {
		if r.Code == "household_none_shared" || r.Code == "household_most_shared" {
			t.Errorf("household context invented for persons without a household: %v", got[0].Reasons)
		}
	}
}

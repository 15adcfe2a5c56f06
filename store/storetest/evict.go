package storetest

import (
	"errors"
	"testing"

	"github.com/google/uuid"

	"fieldreg/registry"
	"fieldreg/store"
)

// testEvict moves a household out of the device's sites: it is gone from
// every read, other households stay, the device's own changes stay, and the
// same changes received again bring it back whole.
func testEvict[S Device](t *testing.T, o Opener[S]) {
	rec := newRecorder()
	cfg := newConfig()
	cfg.Indexes = []store.Indexer{rec}
	s := o.New(t, cfg)
	hq := newReplica()
	h, cs := hq.household("camp_north", "Amina", "Bello")
	keep, other := hq.household("camp_north", "Chidi")
	applyAll(t, s, append(cs, other...))
	// This device wrote an assessment of the household.
	own := commit(t, s, store.Edit{Record: registry.NewID(), Kind: registry.KindAssessment,
		Set: map[string]string{householdID: h.String(), "score": "3"}})
	gone := []uuid.UUID{h, cs[1].Record, cs[2].Record, own[0].Record}

	n, err := s.Evict([]uuid.UUID{h, uuid.New()})
	if err != nil {
		t.Fatalf("Evict: %v", err)
	}
	if n != len(gone) {
		t.Errorf("Evict removed %d records, want %d", n, len(gone))
	}
	for _, id := range gone {
		if _, err := s.Get(id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("record %s after eviction: %v, want not found", id, err)
		}
		if r, ok := rec.last(id); !ok || !r.Deleted() {
			t.Errorf("the indexer was not told record %s left", id)
		}
	}
	if len(s.Members(h)) != 0 || len(s.Assessments(h)) != 0 {
		t.Errorf("evicted household still lists members %v, assessments %v", s.Members(h), s.Assessments(h))
	}
	for _, kind := range []string{registry.KindHousehold, registry.KindPerson} {
		for _, id := range s.IDs(kind) {
			for _, g := range gone {
				if id == g {
					t.Errorf("IDs(%s) still lists evicted %s", kind, id)
				}
			}
		}
	}
	if got := get(t, s, keep); got.Value("site") != "camp_north" {
		t.Errorf("the household that stayed reads site %q", got.Value("site"))
	}
	for _, l := range wholeLog(t, s, 0) {
		for _, g := range gone {
			if l.Change.Record == g && l.Change.Device != s.Device() {
				t.Errorf("the log still holds %s#%d of evicted record %s", l.Change.Device, l.Change.DeviceSeq, g)
			}
		}
	}
	if got, err := s.OwnChangesAfter(0, 0); err != nil || len(got) != 1 || !sameChange(got[0], own[0]) {
		t.Errorf("own changes after eviction: %v, %v; want the one made", got, err)
	}
	// Received again (it came back into the sites): whole, with its values.
	applyAll(t, s, cs)
	if got := get(t, s, h); got.Value("site") != "camp_north" || got.Value("phone") != "+000" {
		t.Errorf("household received again reads %v", got.Values())
	}
	if got := s.Members(h); len(got) != 2 {
		t.Errorf("household received again has members %v, want 2", got)
	}
	s = o.Reopen(t, s, cfg)
	if s.DeviceSeq() != 1 {
		t.Errorf("after eviction and reopen DeviceSeq = %d, want 1", s.DeviceSeq())
	}
}

package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store"
)

// RunDevice checks that stores opened by o keep the Device contract: the
// Store contract, which it runs first, and the device's own changes.
func RunDevice[S Device](t *testing.T, o Opener[S]) {
	RunHQ(t, o)
	tests := []struct {
		name string
		fn   func(*testing.T, Opener[S])
	}{
		{"CommitAndReadBack", testCommitAndReadBack[S]},
		{"CommitAllOrNothing", testCommitAllOrNothing[S]},
		{"UnchangedEditMakesNoChange", testUnchangedEdit[S]},
		{"EditsBaseOnWhatTheyReplace", testEditBase[S]},
		{"OwnChangesPaging", testOwnChangesPaging[S]},
		{"OwnChangesComingBack", testOwnChangesComingBack[S]},
		{"Delete", testDelete[S]},
		{"ReopenKeepsDeviceSeq", testReopenDevice[S]},
		{"ClockSetBackAcrossReopen", testClockSetBack[S]},
		{"EvictAndReceiveAgain", testEvict[S]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, o) })
	}
}

// householdEdits registers a household at site with one person per name.
func householdEdits(site string, names ...string) (uuid.UUID, []store.Edit) {
	h := registry.NewID()
	edits := []store.Edit{{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": site, "phone": "+000"}}}
	for _, n := range names {
		edits = append(edits, store.Edit{Record: registry.NewID(), Kind: registry.KindPerson,
			Set: map[string]string{householdID: h.String(), "given_name": n}})
	}
	return h, edits
}

func commit[S Device](t *testing.T, s S, edits ...store.Edit) []change.Change {
	t.Helper()
	made, err := s.Commit(edits...)
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	return made
}

func testCommitAndReadBack[S Device](t *testing.T, o Opener[S]) {
	s := o.New(t, newConfig())
	h, edits := householdEdits("camp-a", "Amina", "Bello")
	made := commit(t, s, edits...)
	if len(made) != len(edits) {
		t.Fatalf("%d edits made %d changes", len(edits), len(made))
	}
	for i, c := range made {
		if c.Device != s.Device() || c.DeviceSeq != uint64(i+1) || c.Author != s.User() || c.Record != edits[i].Record || c.Kind != edits[i].Kind {
			t.Errorf("change %d: %s#%d by %q of %s %s; want %s#%d by %q of %s %s", i, c.Device, c.DeviceSeq, c.Author, c.Kind, c.Record,
				s.Device(), i+1, s.User(), edits[i].Kind, edits[i].Record)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("change %d: %v", i, err)
		}
		if i > 0 && !change.Wins(c.Stamp, made[i-1].Stamp) {
			t.Errorf("change %d stamped %s, not after %s", i, c.Stamp, made[i-1].Stamp)
		}
	}
	if got := s.DeviceSeq(); got != uint64(len(made)) {
		t.Errorf("DeviceSeq = %d, want %d", got, len(made))
	}
	if rec := get(t, s, h); rec.Value("site") != "camp-a" || rec.Fields["site"].Stamp() != made[0].Stamp {
		t.Errorf("household reads site %q at %s", rec.Value("site"), rec.Fields["site"].Stamp())
	}
	if got := s.Members(h); len(got) != 2 {
		t.Errorf("Members = %v, want 2", got)
	}
	// Own changes are in the log like received ones.
	log := wholeLog(t, s, 0)
	if len(log) != len(made) {
		t.Fatalf("log holds %d changes, %d were made", len(log), len(made))
	}
	for i, l := range log {
		if !sameChange(l.Change, made[i]) {
			t.Errorf("log entry %d is %+v, made %+v", i, l.Change, made[i])
		}
	}
}

func testCommitAllOrNothing[S Device](t *testing.T, o Opener[S]) {
	s := o.New(t, newConfig())
	commit(t, s, store.Edit{Record: registry.NewID(), Kind: registry.KindHousehold, Set: map[string]string{"site": "camp-a"}})
	h, edits := householdEdits("camp-b", "Amina")
	edits = append(edits, store.Edit{Record: registry.NewID(), Kind: registry.KindPerson, Set: map[string]string{householdID: h.String()}}) // no given_name
	if _, err := s.Commit(edits...); err == nil {
		t.Fatal("a commit with an invalid record was accepted")
	}
	if s.DeviceSeq() != 1 || s.LastLogSeq() != 1 {
		t.Errorf("after a refused commit DeviceSeq %d, LastLogSeq %d; want 1 and 1", s.DeviceSeq(), s.LastLogSeq())
	}
	for _, e := range edits {
		if _, err := s.Get(e.Record); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("record %s of the refused commit: %v, want not found", e.Record, err)
		}
	}
	if made := commit(t, s, edits[:2]...); made[0].DeviceSeq != 2 {
		t.Errorf("next commit took device seq %d, want 2: a refused commit used numbers", made[0].DeviceSeq)
	}
}

func testUnchangedEdit[S Device](t *testing.T, o Opener[S]) {
	s := o.New(t, newConfig())
	h, edits := householdEdits("camp-a")
	commit(t, s, edits...)
	if made := commit(t, s, store.Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp-a"}}); len(made) != 0 {
		t.Errorf("an edit writing the same value made %d changes", len(made))
	}
	made := commit(t, s, store.Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp-a", "phone": "+111"}})
	if len(made) != 1 || len(made[0].Writes) != 1 || made[0].Writes[0].Field != "phone" {
		t.Errorf("an edit of one field out of two wrote %+v, want phone only", made)
	}
	if s.DeviceSeq() != 2 {
		t.Errorf("DeviceSeq = %d, want 2", s.DeviceSeq())
	}
}

func testEditBase[S Device](t *testing.T, o Opener[S]) {
	s := o.New(t, newConfig())
	r := newReplica()
	h, cs := r.household("camp-a")
	applyAll(t, s, cs)
	// An edit after a received one replaces it: no conflict.
	made := commit(t, s, store.Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp-b"}})
	if len(made) != 1 || made[0].Writes[0].Base != cs[0].Stamp {
		t.Fatalf("local edit based on %+v, want the received stamp %s", made, cs[0].Stamp)
	}
	if rec := get(t, s, h); rec.Value("site") != "camp-b" || len(rec.Conflicts()) != 0 {
		t.Errorf("after a local edit: site %q, conflicts %v", rec.Value("site"), rec.Conflicts())
	}
	// A received edit that did not see the local one is concurrent: a conflict.
	concurrent := r.write(h, registry.KindHousehold, map[string]string{"site": "camp-c"}, map[string]change.Stamp{"site": cs[0].Stamp})
	applyAll(t, s, []change.Change{concurrent})
	if got := s.Conflicted(); !slices.Equal(got, []uuid.UUID{h}) {
		t.Errorf("Conflicted = %v after a concurrent edit, want [%s]", got, h)
	}
}

func testOwnChangesPaging[S Device](t *testing.T, o Opener[S]) {
	s := o.New(t, newConfig())
	r := newReplica()
	var made []change.Change
	for i := range 5 {
		_, edits := householdEdits("camp-a", "Amina")
		made = append(made, commit(t, s, edits...)...)
		applyAll(t, s, r.households(i+1)) // received changes between own ones
	}
	for _, limit := range []int{0, 1, 3, 100} {
		var got []change.Change
		var after uint64
		for {
			page, err := s.OwnChangesAfter(after, limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			if limit > 0 && len(page) > limit {
				t.Fatalf("OwnChangesAfter(%d, %d) returned %d", after, limit, len(page))
			}
			for _, c := range page {
				if c.DeviceSeq <= after {
					t.Fatalf("OwnChangesAfter(%d) returned device seq %d: not after it, or out of order", after, c.DeviceSeq)
				}
				after = c.DeviceSeq
			}
			got = append(got, page...)
		}
		if len(got) != len(made) {
			t.Fatalf("paging by %d read %d own changes, want %d", limit, len(got), len(made))
		}
		for i := range got {
			if !sameChange(got[i], made[i]) {
				t.Fatalf("paging by %d: own change %d is %s#%d, want %s#%d", limit, i, got[i].Device, got[i].DeviceSeq, made[i].Device, made[i].DeviceSeq)
			}
		}
	}
	if got, err := s.OwnChangesAfter(s.DeviceSeq(), 0); err != nil || len(got) != 0 {
		t.Errorf("OwnChangesAfter(DeviceSeq) = %d changes, %v; want none", len(got), err)
	}
}

func testOwnChangesComingBack[S Device](t *testing.T, o Opener[S]) {
	s := o.New(t, newConfig())
	_, edits := householdEdits("camp-a", "Amina")
	made := commit(t, s, edits...)
	last := s.LastLogSeq()
	for i, got := range apply(t, s, made, nil) {
		if got.Outcome != store.Duplicate {
			t.Errorf("own change %d coming back: %s, want duplicate", i, got.Outcome)
		}
	}
	if s.LastLogSeq() != last || s.DeviceSeq() != uint64(len(made)) {
		t.Errorf("own changes coming back moved LastLogSeq %d→%d or DeviceSeq to %d", last, s.LastLogSeq(), s.DeviceSeq())
	}
}

func testDelete[S Device](t *testing.T, o Opener[S]) {
	s := o.New(t, newConfig())
	h, edits := householdEdits("camp-a", "Amina", "Bello")
	commit(t, s, edits...)
	gone := edits[2].Record
	c, err := s.Delete(gone)
	if err != nil {
		t.Fatal(err)
	}
	if c.Record != gone || c.DeviceSeq != 4 || len(c.Writes) != 1 || c.Writes[0].Field != change.DeletedField || c.Writes[0].Value != "true" {
		t.Errorf("Delete made %+v, want device seq 4 setting %s", c, change.DeletedField)
	}
	if rec := get(t, s, gone); !rec.Deleted() {
		t.Error("deleted person does not read as deleted")
	}
	if got := s.Members(h); !slices.Equal(got, []uuid.UUID{edits[1].Record}) {
		t.Errorf("Members = %v, want only the live person", got)
	}
	if _, err := s.Delete(registry.NewID()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Delete of an unknown record: %v, want ErrNotFound", err)
	}
}

func testReopenDevice[S Device](t *testing.T, o Opener[S]) {
	cfg := newConfig()
	s := o.New(t, cfg)
	device, user := s.Device(), s.User()
	h, edits := householdEdits("camp-a", "Amina")
	made := commit(t, s, edits...)
	applyAll(t, s, newReplica().households(2))
	s = o.Reopen(t, s, cfg)
	if s.Device() != device || s.User() != user || s.DeviceSeq() != uint64(len(made)) {
		t.Fatalf("after reopening: device %s user %q seq %d; was %s %q %d", s.Device(), s.User(), s.DeviceSeq(), device, user, len(made))
	}
	own, err := s.OwnChangesAfter(0, 0)
	if err != nil || len(own) != len(made) {
		t.Fatalf("own changes after reopening: %d, %v; want %d", len(own), err, len(made))
	}
	next := commit(t, s, store.Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp-b"}})
	if len(next) != 1 || next[0].DeviceSeq != uint64(len(made)+1) || next[0].Writes[0].Base != made[0].Stamp {
		t.Errorf("first change after reopening: %+v; want device seq %d based on %s", next, len(made)+1, made[0].Stamp)
	}
}

// testClockSetBack: a device whose date went back a day between sessions
// (a flat battery) still stamps its edits above everything it holds, so the
// edit shows, locally and on every replica the change reaches.
func testClockSetBack[S Device](t *testing.T, o Opener[S]) {
	cfg := newConfig()
	s := o.New(t, cfg)
	h, edits := householdEdits("camp-a", "Amina")
	made := commit(t, s, edits...)

	back := cfg
	dayAgo := epoch.Add(-24 * time.Hour)
	back.Now = func() time.Time { return dayAgo }
	s = o.Reopen(t, s, back)
	next := commit(t, s, store.Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp-b"}})
	if !change.Wins(next[0].Stamp, made[0].Stamp) {
		t.Errorf("the edit after the clock went back is stamped %s, not after %s", next[0].Stamp, made[0].Stamp)
	}
	if got := get(t, s, h).Value("site"); got != "camp-b" {
		t.Errorf("after editing with the clock set back, site = %q, want camp-b", got)
	}
	s = o.Reopen(t, s, back)
	if got := get(t, s, h).Value("site"); got != "camp-b" {
		t.Errorf("reopened, site = %q, want camp-b", got)
	}
}

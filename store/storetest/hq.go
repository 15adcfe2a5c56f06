package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store"
)

// RunHQ checks that stores opened by o keep the Store contract.
func RunHQ[S Store](t *testing.T, o Opener[S]) {
	tests := []struct {
		name string
		fn   func(*testing.T, Opener[S])
	}{
		{"ApplyAndReadBack", testApplyAndReadBack[S]},
		{"Deletion", testDeletion[S]},
		{"LogOrder", testLogOrder[S]},
		{"CursorPaging", testCursorPaging[S]},
		{"Idempotent", testIdempotent[S]},
		{"MetaWithBatch", testMetaWithBatch[S]},
		{"MergePerField", testMergePerField[S]},
		{"Quarantine", testQuarantine[S]},
		{"QuarantineUnits", testQuarantineUnits[S]},
		{"QuarantineRelease", testQuarantineRelease[S]},
		{"QuarantineDrop", testQuarantineDrop[S]},
		{"ClockBound", testClockBound[S]},
		{"ResendPassingNow", testResendPassingNow[S]},
		{"NotFound", testNotFound[S]},
		{"TooLarge", testTooLarge[S]},
		{"Indexers", testIndexers[S]},
		{"ReadsDuringWrites", testReadsDuringWrites[S]},
		{"ReopenKeepsEverything", testReopen[S]},
		{"FormsInPublishOrder", testForms[S]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, o) })
	}
}

func testApplyAndReadBack[S Store](t *testing.T, o Opener[S]) {
	s := o.New(t, newConfig())
	r := newReplica()
	h, cs := r.household("camp-a", "Amina", "Bello")
	a := registry.NewID()
	cs = append(cs, r.write(a, registry.KindAssessment, map[string]string{householdID: h.String(), "date": "2026-02-27"}, nil))
	res := apply(t, s, cs, nil)
	for i, got := range res {
		if got.Outcome != store.Applied || got.LogSeq != uint64(i+1) {
			t.Errorf("change %d: %s at log seq %d, want applied at %d", i, got.Outcome, got.LogSeq, i+1)
		}
	}
	hh := get(t, s, h)
	if hh.ID != h || hh.Kind != registry.KindHousehold || hh.Value("site") != "camp-a" || hh.Value("phone") != "+000" {
		t.Errorf("household read back as %s %s site %q phone %q", hh.ID, hh.Kind, hh.Value("site"), hh.Value("phone"))
	}
	if f := hh.Fields["site"]; len(f.Versions) != 1 || f.Stamp() != cs[0].Stamp {
		t.Errorf("site holds %+v, want one version stamped %s", f.Versions, cs[0].Stamp)
	}
	p := get(t, s, cs[1].Record)
	if p.Kind != registry.KindPerson || p.Value("given_name") != "Amina" || p.Value(householdID) != h.String() {
		t.Errorf("person read back as %s given_name %q household %q", p.Kind, p.Value("given_name"), p.Value(householdID))
	}
	if got := s.IDs(registry.KindHousehold); !slices.Equal(got, []uuid.UUID{h}) {
		t.Errorf("IDs(household) = %v, want [%s]", got, h)
	}
	if got, want := s.Members(h), sortedIDs(cs[1].Record, cs[2].Record); !slices.Equal(got, want) {
		t.Errorf("Members = %v, want %v", got, want)
	}
	if got := s.Assessments(h); !slices.Equal(got, []uuid.UUID{a}) {
		t.Errorf("Assessments = %v, want [%s]", got, a)
	}
	for kind, want := range map[string]int{registry.KindHousehold: 1, registry.KindPerson: 2, registry.KindAssessment: 1} {
		if got := s.Count(kind); got != want {
			t.Errorf("Count(%s) = %d, want %d", kind, got, want)
		}
	}
	if got := s.LastLogSeq(); got != uint64(len(cs)) {
		t.Errorf("LastLogSeq = %d, want %d", got, len(cs))
	}
	if len(s.Conflicted()) != 0 {
		t.Errorf("Conflicted = %v after one writer", s.Conflicted())
	}
	if err := s.AuditEvent("export", "test"); err != nil {
		t.Errorf("AuditEvent: %v", err)
	}
	if s.FileSize() <= 0 {
		t.Errorf("FileSize = %d with records in the store", s.FileSize())
	}
}

func testDeletion[S Store](t *testing.T, o Opener[S]) {
	s := o.New(t, newConfig())
	r := newReplica()
	h, cs := r.household("camp-a", "Amina", "Bello")
	applyAll(t, s, cs)
	gone := cs[2].Record
	applyAll(t, s, []change.Change{r.write(gone, registry.KindPerson, map[string]string{change.DeletedField: "true"}, nil)})
	if rec := get(t, s, gone); !rec.Deleted() || rec.Value("given_name") != "Bello" {
		t.Errorf("deleted person reads as deleted=%v given_name %q, want deleted and its fields kept", rec.Deleted(), rec.Value("given_name"))
	}
	if got := s.Members(h); !slices.Equal(got, []uuid.UUID{cs[1].Record}) {
		t.Errorf("Members = %v, want only the live person", got)
	}
	if got := s.IDs(registry.KindPerson); slices.Contains(got, gone) || s.Count(registry.KindPerson) != 1 {
		t.Errorf("IDs(person) = %v, Count %d: the deleted person is still listed", got, s.Count(registry.KindPerson))
	}
}

func testLogOrder[S Store](t *testing.T, o Opener[S]) {
	s := o.New(t, newConfig())
	a, b := newReplica(), newReplica()
	var stored []change.Change
	for i := range 3 {
		for _, r := range []*replica{a, b} {
			batch := r.households(i + 1)
			res := apply(t, s, batch, nil)
			for j, got := range res {
				want := uint64(len(stored) + 1)
				if got.Outcome != store.Applied || got.LogSeq != want {
					t.Fatalf("batch %d change %d: %s at %d, want applied at %d", i, j, got.Outcome, got.LogSeq, want)
				}
				stored = append(stored, batch[j])
			}
		}
	}
	log := wholeLog(t, s, 0)
	if len(log) != len(stored) {
		t.Fatalf("log holds %d changes, %d were stored", len(log), len(stored))
	}
	for i, l := range log {
		if l.LogSeq != uint64(i+1) || !sameChange(l.Change, stored[i]) {
			t.Fatalf("log entry %d: seq %d %+v, want seq %d %+v", i, l.LogSeq, l.Change, i+1, stored[i])
		}
	}
	if got := s.LastLogSeq(); got != uint64(len(stored)) {
		t.Errorf("LastLogSeq = %d, want %d", got, len(stored))
	}
}

func testCursorPaging[S Store](t *testing.T, o Opener[S]) {
	s := o.New(t, newConfig())
	r := newReplica()
	applyAll(t, s, r.households(13)) // 26 changes
	all := wholeLog(t, s, 0)
	for _, limit := range []int{1, 2, 3, 7, 26, 100} {
		got := wholeLog(t, s, limit)
		if len(got) != len(all) {
			t.Fatalf("paging by %d read %d changes, want %d", limit, len(got), len(all))
		}
		for i := range got {
			if got[i].LogSeq != all[i].LogSeq || !sameChange(got[i].Change, all[i].Change) {
				t.Fatalf("paging by %d: entry %d is seq %d, want %d", limit, i, got[i].LogSeq, all[i].LogSeq)
			}
		}
	}
	last := s.LastLogSeq()
	for _, after := range []uint64{last, last + 1, last + 1000} {
		if got, err := s.ChangesAfter(after, 0); err != nil || len(got) != 0 {
			t.Errorf("ChangesAfter(%d) = %d changes, %v; want none", after, len(got), err)
		}
	}

	// A reader paging while changes arrive sees each exactly once.
	var read []store.Logged
	var cursor uint64
	for round := 0; ; round++ {
		page, err := s.ChangesAfter(cursor, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		checkAfter(t, cursor, page)
		read = append(read, page...)
		cursor = page[len(page)-1].LogSeq
		if round < 4 {
			applyAll(t, s, r.households(2))
		}
	}
	if want := int(s.LastLogSeq()); len(read) != want {
		t.Fatalf("a reader paging during writes read %d changes, the log holds %d", len(read), want)
	}
	for i, l := range read {
		if l.LogSeq != uint64(i+1) {
			t.Fatalf("a reader paging during writes read seq %d at position %d: skipped or repeated", l.LogSeq, i)
		}
	}
}

func testIdempotent[S Store](t *testing.T, o Opener[S]) {
	s := o.New(t, newConfig())
	r := newReplica()
	h, cs := r.household("camp-a", "Amina")
	first := apply(t, s, cs, nil)
	before := get(t, s, h)

	again := apply(t, s, cs, nil)
	for i, got := range again {
		if got.Outcome != store.Duplicate || got.LogSeq != first[i].LogSeq {
			t.Errorf("resent change %d: %s at %d, want duplicate of %d", i, got.Outcome, got.LogSeq, first[i].LogSeq)
		}
	}
	if s.LastLogSeq() != uint64(len(cs)) {
		t.Errorf("LastLogSeq = %d after a resend, want %d", s.LastLogSeq(), len(cs))
	}
	if after := get(t, s, h); !sameRecord(before, after) {
		t.Errorf("a resend changed the household: %+v, was %+v", after, before)
	}

	// The same (device, device seq) with other content is still the change
	// already stored.
	forged := cs[0]
	forged.Writes = []change.Write{{Field: "site", Value: "elsewhere"}}
	if got := apply(t, s, []change.Change{forged}, nil); got[0].Outcome != store.Duplicate {
		t.Errorf("a change reusing (device, device seq) with other content: %s, want duplicate", got[0].Outcome)
	}
	if v := get(t, s, h).Value("site"); v != "camp-a" {
		t.Errorf("site = %q after a reused device seq, want camp-a", v)
	}

	// Old and new mixed, and one change twice in a batch.
	next := r.write(h, registry.KindHousehold, map[string]string{"phone": "+111"}, map[string]change.Stamp{"phone": cs[0].Stamp})
	mixed := apply(t, s, []change.Change{cs[1], next, cs[0], next}, nil)
	want := []store.Outcome{store.Duplicate, store.Applied, store.Duplicate, store.Duplicate}
	for i, got := range mixed {
		if got.Outcome != want[i] {
			t.Errorf("mixed batch change %d: %s, want %s", i, got.Outcome, want[i])
		}
	}
	if mixed[3].LogSeq != mixed[1].LogSeq {
		t.Errorf("a change twice in one batch logged at %d and %d", mixed[1].LogSeq, mixed[3].LogSeq)
	}
	if got := len(wholeLog(t, s, 0)); got != len(cs)+1 {
		t.Errorf("log holds %d changes, want %d", got, len(cs)+1)
	}
}

func testMetaWithBatch[S Store](t *testing.T, o Opener[S]) {
	s := o.New(t, newConfig())
	r := newReplica()
	_, cs := r.household("camp-a", "Amina")
	apply(t, s, cs, map[string][]byte{"hq/state": []byte("acked 2"), "other": []byte("x")})
	if got := meta(t, s, "hq/state"); got != "acked 2" {
		t.Errorf("meta written with a batch = %q", got)
	}
	// A batch of nothing new still moves the meta (an enrollment, a resend).
	apply(t, s, cs, map[string][]byte{"hq/state": []byte("acked 2, enrolled b")})
	apply(t, s, nil, map[string][]byte{"hq/state": []byte("revoked b")})
	if got := meta(t, s, "hq/state"); got != "revoked b" {
		t.Errorf("meta after batches without new changes = %q, want the last written", got)
	}
	if got := meta(t, s, "other"); got != "x" {
		t.Errorf("meta not given again = %q, want it kept", got)
	}
	if err := s.PutMeta("hq/addr", []byte("hq.example:8443")); err != nil {
		t.Fatal(err)
	}
	if got := meta(t, s, "hq/addr"); got != "hq.example:8443" {
		t.Errorf("PutMeta then Meta = %q", got)
	}
	big := bytes.Repeat([]byte{0, 1, 2, 0xff}, 16<<10)
	if err := s.PutMeta("hq/ca", big); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Meta("hq/ca"); err != nil || !bytes.Equal(got, big) {
		t.Errorf("a 64 KiB binary meta value did not read back (%d bytes, %v)", len(got), err)
	}
}

func testMergePerField[S Store](t *testing.T, o Opener[S]) {
	a, b, c := newReplica(), newReplica(), newReplica()
	h := registry.NewID()
	create := a.write(h, registry.KindHousehold, map[string]string{"site": "camp-a", "phone": "+000", "shelter_type": "tent"}, nil)
	s0 := create.Stamp
	base := map[string]change.Stamp{"site": s0, "phone": s0, "shelter_type": s0}
	fromA := a.write(h, registry.KindHousehold, map[string]string{"site": "camp-b", "phone": "+111"}, base)
	b.ms = a.ms + 10 // B's edit is the later one
	fromB := b.write(h, registry.KindHousehold, map[string]string{"site": "camp-c", "shelter_type": "house"}, base)

	x, y := o.New(t, newConfig()), o.New(t, newConfig())
	applyAll(t, x, []change.Change{create, fromA, fromB})
	applyAll(t, y, []change.Change{fromB, create})
	applyAll(t, y, []change.Change{fromA})

	rx, ry := get(t, x, h), get(t, y, h)
	if !sameRecord(rx, ry) {
		t.Fatalf("the same changes in another order merged differently:\n%+v\n%+v", rx, ry)
	}
	if got := rx.Value("site"); got != "camp-c" {
		t.Errorf("site = %q, want camp-c (the later stamp)", got)
	}
	lost := rx.Conflicts()["site"]
	if len(lost) != 1 || lost[0].Value != "camp-b" || lost[0].Stamp != fromA.Stamp {
		t.Errorf("site conflict = %+v, want camp-b kept as a losing head", lost)
	}
	// Each replica also edited a field the other did not: no conflict there,
	// and neither edit lost.
	if rx.Value("phone") != "+111" || rx.Value("shelter_type") != "house" {
		t.Errorf("phone %q, shelter_type %q, want +111 and house", rx.Value("phone"), rx.Value("shelter_type"))
	}
	if c := rx.Conflicts(); len(c) != 1 {
		t.Errorf("conflicts in %v, want only site", c)
	}
	for _, s := range []Store{x, y} {
		if got := s.Conflicted(); !slices.Equal(got, []uuid.UUID{h}) {
			t.Errorf("Conflicted = %v, want [%s]", got, h)
		}
	}

	// A resolution is just another change: naming the losing head clears it.
	c.ms = b.ms
	resolve := c.write(h, registry.KindHousehold, map[string]string{"site": "camp-b"}, map[string]change.Stamp{"site": fromB.Stamp})
	resolve.Writes[0].Resolves = []change.Stamp{fromA.Stamp}
	applyAll(t, x, []change.Change{resolve})
	rec := get(t, x, h)
	if rec.Value("site") != "camp-b" || len(rec.Conflicts()) != 0 || len(x.Conflicted()) != 0 {
		t.Errorf("after the resolution: site %q, conflicts %v, Conflicted %v", rec.Value("site"), rec.Conflicts(), x.Conflicted())
	}
}

func testQuarantine[S Store](t *testing.T, o Opener[S]) {
	s := o.New(t, newConfig())
	r := newReplica()
	h, good := r.household("camp-a", "Amina")
	noWrites := r.write(registry.NewID(), registry.KindHousehold, map[string]string{"site": "x"}, nil)
	noWrites.Writes = nil
	wrongKind := r.write(h, registry.KindPerson, map[string]string{"given_name": "Z"}, nil)
	refused := r.write(registry.NewID(), registry.KindPerson, map[string]string{householdID: h.String()}, nil) // no given_name
	ahead := r.write(registry.NewID(), registry.KindHousehold, map[string]string{"site": "camp-z"}, nil)
	ahead.Stamp.HLC = change.MakeHLC(epoch.Add(48*time.Hour).UnixMilli(), 0)
	after := r.write(registry.NewID(), registry.KindPerson, map[string]string{householdID: h.String(), "given_name": "Bello"}, nil)

	batch := append(good, noWrites, wrongKind, refused, ahead, after)
	bad := []change.Change{noWrites, wrongKind, refused, ahead}
	res := apply(t, s, batch, map[string][]byte{"cursor": []byte("7")})
	for i, got := range res {
		isBad := slices.ContainsFunc(bad, func(c change.Change) bool { return c.DeviceSeq == batch[i].DeviceSeq })
		switch {
		case isBad && (got.Outcome != store.Quarantined || got.Reason == ""):
			t.Errorf("bad change %d: %s %q, want quarantined with a reason", i, got.Outcome, got.Reason)
		case !isBad && got.Outcome != store.Applied:
			t.Errorf("good change %d behind or before bad ones: %s (%s), want applied", i, got.Outcome, got.Reason)
		}
	}
	q, err := s.Quarantined()
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != len(bad) {
		t.Fatalf("quarantine holds %d changes, want %d", len(q), len(bad))
	}
	for i, e := range q {
		if !sameChange(e.Change, bad[i]) || e.Reason == "" {
			t.Errorf("quarantine entry %d: %+v %q, want the change as received with a reason", i, e.Change, e.Reason)
		}
		if i > 0 && e.QuarantineSeq <= q[i-1].QuarantineSeq {
			t.Errorf("quarantine entries out of order: %d after %d", e.QuarantineSeq, q[i-1].QuarantineSeq)
		}
	}
	// Kept apart: not in the log, not in the records.
	if got := s.LastLogSeq(); got != uint64(len(good)+1) {
		t.Errorf("LastLogSeq = %d, want %d: quarantined changes were logged", got, len(good)+1)
	}
	for _, l := range wholeLog(t, s, 0) {
		if slices.ContainsFunc(bad, func(c change.Change) bool { return c.DeviceSeq == l.Change.DeviceSeq }) {
			t.Errorf("quarantined change #%d is in the log", l.Change.DeviceSeq)
		}
	}
	for _, c := range []change.Change{noWrites, refused, ahead} {
		if _, err := s.Get(c.Record); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("record of a quarantined change: %v, want not found", err)
		}
	}
	if rec := get(t, s, h); rec.Kind != registry.KindHousehold || rec.Value("given_name") != "" {
		t.Errorf("a change of the wrong kind touched the household: %s %v", rec.Kind, rec.Values())
	}
	if got := meta(t, s, "cursor"); got != "7" {
		t.Errorf("meta of a batch with quarantined changes = %q, want it written", got)
	}
	// Sent again, a refused change is refused again, without a second entry.
	for i, got := range apply(t, s, bad, nil) {
		if got.Outcome != store.Quarantined {
			t.Errorf("resent bad change %d: %s, want quarantined", i, got.Outcome)
		}
	}
	if q, _ := s.Quarantined(); len(q) != len(bad) {
		t.Errorf("quarantine holds %d entries after a resend, want %d", len(q), len(bad))
	}
}

func testNotFound[S Store](t *testing.T, o Opener[S]) {
	s := o.New(t, newConfig())
	if _, err := s.Get(registry.NewID()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get of an unknown id: %v, want ErrNotFound", err)
	}
	if _, err := s.Meta("never/put"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Meta of a name never put: %v, want ErrNotFound", err)
	}
	if s.LastLogSeq() != 0 || len(s.IDs(registry.KindHousehold)) != 0 || s.Count(registry.KindPerson) != 0 ||
		len(s.Members(registry.NewID())) != 0 || len(s.Conflicted()) != 0 {
		t.Error("a new store is not empty")
	}
	if log, err := s.ChangesAfter(0, 0); err != nil || len(log) != 0 {
		t.Errorf("log of a new store: %d changes, %v", len(log), err)
	}
	if q, err := s.Quarantined(); err != nil || len(q) != 0 {
		t.Errorf("quarantine of a new store: %d, %v", len(q), err)
	}
}

func testTooLarge[S Store](t *testing.T, o Opener[S]) {
	cfg := newConfig()
	cfg.MaxSize = 512 << 10
	s := o.New(t, cfg)
	r := newReplica()
	value := strings.Repeat("x", 2000)
	var failed []change.Change
	lastMeta := ""
	for i := range 4 * int(cfg.MaxSize) / len(value) / 10 {
		var batch []change.Change
		for range 10 {
			batch = append(batch, r.write(registry.NewID(), registry.KindHousehold, map[string]string{"site": "camp-a", "notes": value}, nil))
		}
		before := s.LastLogSeq()
		cursor := fmt.Sprint("batch ", i)
		_, err := s.ApplyRemote(batch, map[string][]byte{"cursor": []byte(cursor)})
		if err == nil {
			lastMeta = cursor
			continue
		}
		if !errors.Is(err, store.ErrTooLarge) {
			t.Fatalf("a write past the size limit: %v, want ErrTooLarge", err)
		}
		if lastMeta == "" {
			t.Fatalf("the first batch was already too large: %v", err)
		}
		if got := s.LastLogSeq(); got != before {
			t.Errorf("LastLogSeq moved from %d to %d in a refused batch", before, got)
		}
		if got := meta(t, s, "cursor"); got != lastMeta {
			t.Errorf("meta after a refused batch = %q, want %q (the refused batch's was written)", got, lastMeta)
		}
		for _, c := range batch {
			if _, err := s.Get(c.Record); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("a record of the refused batch is there: %v", err)
			}
		}
		failed = batch
		break
	}
	if failed == nil {
		t.Fatalf("wrote %d changes of %d bytes and never passed a %d-byte limit", s.LastLogSeq(), len(value), cfg.MaxSize)
	}
	stored := s.LastLogSeq()
	if got := wholeLog(t, s, 0); len(got) != int(stored) {
		t.Errorf("after the refusal the log reads %d changes, want %d", len(got), stored)
	}
	// With room again, the refused batch is new: none of it was kept.
	s = o.Reopen(t, s, newConfig())
	if s.LastLogSeq() != stored {
		t.Errorf("after reopening LastLogSeq = %d, want %d", s.LastLogSeq(), stored)
	}
	applyAll(t, s, failed)
}

func testIndexers[S Store](t *testing.T, o Opener[S]) {
	cfg := newConfig()
	ix := newRecorder()
	cfg.Indexes = []store.Indexer{ix}
	s := o.New(t, cfg)
	r := newReplica()
	h, cs := r.household("camp-a", "Amina", "Bello")
	applyAll(t, s, cs)
	move := r.write(h, registry.KindHousehold, map[string]string{"site": "camp-b"}, map[string]change.Stamp{"site": cs[0].Stamp})
	del := r.write(cs[2].Record, registry.KindPerson, map[string]string{change.DeletedField: "true"}, nil)
	bad := r.write(registry.NewID(), registry.KindPerson, map[string]string{"given_name": ""}, nil)
	apply(t, s, []change.Change{move, del, bad}, nil)
	check := func(ix *recorder, when string) {
		t.Helper()
		for _, c := range cs {
			got, ok := ix.last(c.Record)
			if !ok || !sameRecord(got, get(t, s, c.Record)) {
				t.Errorf("%s: the indexer's %s is not the stored one (%v)", when, c.Record, ok)
			}
		}
		if _, ok := ix.last(bad.Record); ok {
			t.Errorf("%s: the indexer was given a quarantined change's record", when)
		}
	}
	check(ix, "after ApplyRemote")
	if rec, _ := ix.last(h); rec.Value("site") != "camp-b" {
		t.Errorf("the indexer's household has site %q, want camp-b", rec.Value("site"))
	}
	fresh := newRecorder()
	cfg.Indexes = []store.Indexer{fresh}
	s = o.Reopen(t, s, cfg)
	check(fresh, "at open") // the deleted person included
}

func testReopen[S Store](t *testing.T, o Opener[S]) {
	cfg := newConfig()
	s := o.New(t, cfg)
	a, b := newReplica(), newReplica()
	h, cs := a.household("camp-a", "Amina", "Bello")
	applyAll(t, s, cs)
	applyAll(t, s, b.households(3))
	applyAll(t, s, []change.Change{
		a.write(h, registry.KindHousehold, map[string]string{"site": "camp-b"}, map[string]change.Stamp{"site": cs[0].Stamp}),
		b.write(h, registry.KindHousehold, map[string]string{"site": "camp-c"}, map[string]change.Stamp{"site": cs[0].Stamp}),
		a.write(cs[2].Record, registry.KindPerson, map[string]string{change.DeletedField: "true"}, nil),
	})
	refused := a.write(registry.NewID(), registry.KindPerson, map[string]string{householdID: h.String()}, nil)
	apply(t, s, []change.Change{refused}, map[string][]byte{"hq/state": []byte("state 1")})
	if err := s.PutMeta("hq/addr", []byte("hq:1")); err != nil {
		t.Fatal(err)
	}

	type snapshot struct {
		log        []store.Logged
		records    []registry.Record
		ids        map[string][]uuid.UUID
		quarantine []store.QuarantineEntry
		conflicted []uuid.UUID
		members    []uuid.UUID
	}
	take := func(s Store) snapshot {
		t.Helper()
		sn := snapshot{log: wholeLog(t, s, 0), ids: map[string][]uuid.UUID{}, conflicted: s.Conflicted(), members: s.Members(h)}
		for _, k := range []string{registry.KindHousehold, registry.KindPerson} {
			sn.ids[k] = s.IDs(k)
		}
		for _, l := range sn.log {
			sn.records = append(sn.records, get(t, s, l.Change.Record))
		}
		var err error
		if sn.quarantine, err = s.Quarantined(); err != nil {
			t.Fatal(err)
		}
		return sn
	}
	before := take(s)
	s = o.Reopen(t, s, cfg)
	after := take(s)

	if len(after.log) != len(before.log) {
		t.Fatalf("log after reopening: %d changes, was %d", len(after.log), len(before.log))
	}
	for i := range before.log {
		if after.log[i].LogSeq != before.log[i].LogSeq || !sameChange(after.log[i].Change, before.log[i].Change) {
			t.Errorf("log entry %d changed across a reopen", i)
		}
		if !sameRecord(after.records[i], before.records[i]) {
			t.Errorf("record %s changed across a reopen", before.records[i].ID)
		}
	}
	for k, ids := range before.ids {
		if !slices.Equal(after.ids[k], ids) {
			t.Errorf("IDs(%s) after reopening = %v, was %v", k, after.ids[k], ids)
		}
	}
	if !slices.Equal(after.conflicted, before.conflicted) || len(before.conflicted) != 1 {
		t.Errorf("Conflicted after reopening = %v, was %v", after.conflicted, before.conflicted)
	}
	if !slices.Equal(after.members, before.members) {
		t.Errorf("Members after reopening = %v, was %v", after.members, before.members)
	}
	if len(after.quarantine) != 1 || !sameChange(after.quarantine[0].Change, refused) || after.quarantine[0].Reason != before.quarantine[0].Reason {
		t.Errorf("quarantine after reopening = %+v, was %+v", after.quarantine, before.quarantine)
	}
	if meta(t, s, "hq/state") != "state 1" || meta(t, s, "hq/addr") != "hq:1" {
		t.Error("meta lost across a reopen")
	}
	// Still idempotent, still numbering on, still refusing.
	last := s.LastLogSeq()
	if got := apply(t, s, cs[:1], nil); got[0].Outcome != store.Duplicate || got[0].LogSeq != 1 {
		t.Errorf("a change resent after reopening: %s at %d, want duplicate of 1", got[0].Outcome, got[0].LogSeq)
	}
	if got := apply(t, s, []change.Change{refused}, nil); got[0].Outcome != store.Quarantined {
		t.Errorf("a refused change resent after reopening: %s", got[0].Outcome)
	}
	if q, _ := s.Quarantined(); len(q) != 1 {
		t.Errorf("quarantine holds %d entries, want 1", len(q))
	}
	if got := apply(t, s, b.households(1), nil); got[0].LogSeq != last+1 {
		t.Errorf("first change after reopening logged at %d, want %d", got[0].LogSeq, last+1)
	}
}

// testReadsDuringWrites reads the way HQ's pulls do while its ingest writes:
// a reader never sees a change in the log whose record it cannot read, nor
// a log shorter than LastLogSeq said it was.
func testReadsDuringWrites[S Store](t *testing.T, o Opener[S]) {
	s := o.New(t, newConfig())
	r := newReplica()
	batches := make([][]change.Change, 30)
	for i := range batches {
		batches[i] = r.households(3)
	}
	done := make(chan struct{})
	errs := make(chan error, 4)
	var readers sync.WaitGroup
	for range 3 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				last := s.LastLogSeq()
				var cursor uint64
				for {
					page, err := s.ChangesAfter(cursor, 7)
					if err != nil {
						errs <- err
						return
					}
					if len(page) == 0 {
						break
					}
					for _, l := range page {
						if l.LogSeq != cursor+1 {
							errs <- fmt.Errorf("read log seq %d after %d", l.LogSeq, cursor)
							return
						}
						cursor = l.LogSeq
						if _, err := s.Get(l.Change.Record); err != nil {
							errs <- fmt.Errorf("change %d is in the log but its record is not readable: %w", l.LogSeq, err)
							return
						}
					}
				}
				if cursor < last {
					errs <- fmt.Errorf("LastLogSeq said %d, the log then read to %d", last, cursor)
					return
				}
			}
		}()
	}
	for _, b := range batches {
		if _, err := s.ApplyRemote(b, nil); err != nil {
			t.Error(err)
			break
		}
	}
	close(done)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

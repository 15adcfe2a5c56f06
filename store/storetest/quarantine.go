package storetest

import (
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store"
)

// applyUnits is ApplyRemoteUnits that must succeed.
func applyUnits(t *testing.T, s Store, cs []change.Change, units []uint64) []store.Result {
	t.Helper()
	res, err := s.ApplyRemoteUnits(cs, units, nil)
	if err != nil {
		t.Fatalf("ApplyRemoteUnits of %d changes: %v", len(cs), err)
	}
	if len(res) != len(cs) {
		t.Fatalf("ApplyRemoteUnits: %d results for %d changes", len(res), len(cs))
	}
	return res
}

func quarantined(t *testing.T, s Store) []store.QuarantineEntry {
	t.Helper()
	q, err := s.Quarantined()
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// headless registers a household whose head (the first person) has no
// given name, with a child who has one, in one unit.
func headless(r *replica, unit uint64) (uuid.UUID, []change.Change, []uint64) {
	h, cs := r.household("camp-a", "", "Child")
	return h, cs, []uint64{unit, unit, unit}
}

// testQuarantineUnits: a household registered with a refused member is held
// whole — no household without its head, no child without its household —
// while another household of the same call goes in.
func testQuarantineUnits[S Store](t *testing.T, o Opener[S]) {
	s := o.New(t, newConfig())
	r := newReplica()
	h, bad, units := headless(r, 1)
	good, goodCS := r.household("camp-b", "Amina", "Bello")
	lone := r.write(registry.NewID(), registry.KindPerson, map[string]string{"given_name": ""}, nil) // no unit
	cs := append(append(bad, goodCS...), lone)
	units = append(units, 2, 2, 2, 0)
	res := applyUnits(t, s, cs, units)
	for i, got := range res {
		want := store.Applied
		if units[i] != 2 {
			want = store.Quarantined
		}
		if got.Outcome != want || (want == store.Quarantined && got.Reason == "") {
			t.Errorf("change %d (unit %d): %s %q, want %s", i, units[i], got.Outcome, got.Reason, want)
		}
	}
	for _, c := range bad {
		if _, err := s.Get(c.Record); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s %s of the held household: %v, want not found", c.Kind, c.Record, err)
		}
	}
	if got := s.Members(h); len(got) != 0 {
		t.Errorf("the held household has members %v", got)
	}
	if got := s.Members(good); len(got) != 2 {
		t.Errorf("the good household has %d members, want 2", len(got))
	}
	q := quarantined(t, s)
	if len(q) != 4 {
		t.Fatalf("quarantine holds %d entries, want the 3 of the unit and the lone one", len(q))
	}
	for _, e := range q[:3] {
		if e.Unit != q[0].QuarantineSeq {
			t.Errorf("entry %d (%s) has unit %d, want %d", e.QuarantineSeq, e.Change.Kind, e.Unit, q[0].QuarantineSeq)
		}
	}
	if q[3].Unit != 0 {
		t.Errorf("a change without a unit was held in unit %d", q[3].Unit)
	}
	if got := s.LastLogSeq(); got != 3 {
		t.Errorf("LastLogSeq = %d, want 3 (the good household only)", got)
	}
	// Resent together with a new member, the held unit splits nothing: the
	// resends are refused as before and the new member goes in on its own.
	extra := r.write(registry.NewID(), registry.KindPerson, map[string]string{householdID: good.String(), "given_name": "Chidi"}, nil)
	res = applyUnits(t, s, append(slices.Clone(bad), extra), []uint64{1, 1, 1, 1})
	for i, got := range res[:3] {
		if got.Outcome != store.Quarantined {
			t.Errorf("resent held change %d: %s", i, got.Outcome)
		}
	}
	if res[3].Outcome != store.Applied {
		t.Errorf("a new change with resent held ones: %s (%s), want applied", res[3].Outcome, res[3].Reason)
	}
	if got := len(quarantined(t, s)); got != 4 {
		t.Errorf("quarantine holds %d entries after the resend, want 4", got)
	}
}

// fixableValidate refuses a person named "Pending" until fixed is set: a
// cause a supervisor fixes (a form that now accepts the value).
func fixableValidate(fixed *atomic.Bool) func(registry.Record) error {
	return func(rec registry.Record) error {
		if !fixed.Load() && rec.Kind == registry.KindPerson && rec.Value("given_name") == "Pending" {
			return errors.New("given_name: not on the form yet")
		}
		return validate(rec)
	}
}

// testQuarantineRelease: a held unit is released once its cause is fixed,
// all of it, and not before; then it reads as if it had just arrived.
func testQuarantineRelease[S Store](t *testing.T, o Opener[S]) {
	var fixed atomic.Bool
	cfg := newConfig()
	cfg.Validate = fixableValidate(&fixed)
	s := o.New(t, cfg)
	r := newReplica()
	h, cs := r.household("camp-a", "Pending", "Child")
	applyUnits(t, s, cs, []uint64{7, 7, 7})
	q := quarantined(t, s)
	if len(q) != 3 {
		t.Fatalf("quarantine holds %d entries, want 3", len(q))
	}
	last := s.LastLogSeq()

	// Not fixed yet: refused, and nothing moves.
	if _, _, err := s.ReleaseQuarantined(q[1].QuarantineSeq, nil); !errors.Is(err, store.ErrStillRefused) {
		t.Fatalf("release before the cause is fixed: %v, want ErrStillRefused", err)
	}
	if got := len(quarantined(t, s)); got != 3 || s.LastLogSeq() != last {
		t.Fatalf("a refused release changed things: %d held, log at %d", got, s.LastLogSeq())
	}
	if _, err := s.Get(h); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a refused release stored the household: %v", err)
	}

	fixed.Store(true)
	entries, res, err := s.ReleaseQuarantined(q[2].QuarantineSeq, map[string][]byte{"hq/state": []byte("released")})
	if err != nil {
		t.Fatalf("release: %v", err)
	}
	if len(entries) != 3 || len(res) != 3 {
		t.Fatalf("release of one entry of a unit released %d entries (%d results), want the 3", len(entries), len(res))
	}
	for i, got := range res {
		if got.Outcome != store.Applied || got.LogSeq != last+uint64(i)+1 {
			t.Errorf("released change %d: %s at %d, want applied at %d", i, got.Outcome, got.LogSeq, last+uint64(i)+1)
		}
	}
	if got := s.Members(h); len(got) != 2 {
		t.Errorf("the released household has %d members, want 2", len(got))
	}
	if got := get(t, s, cs[1].Record); got.Value("given_name") != "Pending" {
		t.Errorf("the released head reads %q", got.Value("given_name"))
	}
	if got := len(quarantined(t, s)); got != 0 {
		t.Errorf("quarantine holds %d entries after the release, want 0", got)
	}
	if got := meta(t, s, "hq/state"); got != "released" {
		t.Errorf("meta of the release = %q", got)
	}
	log := wholeLog(t, s, 0)
	if n := len(log); n != int(last)+3 || !sameChange(log[n-1].Change, cs[2]) {
		t.Errorf("the log after the release: %d changes, want the 3 released at its end", n)
	}
	if _, _, err := s.ReleaseQuarantined(q[0].QuarantineSeq, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second release: %v, want ErrNotFound", err)
	}
	if _, err := s.DropQuarantined(q[0].QuarantineSeq, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("drop after release: %v, want ErrNotFound", err)
	}
	// Sent again, the released changes are duplicates of their log entries.
	for i, got := range apply(t, s, cs, nil) {
		if got.Outcome != store.Duplicate || got.LogSeq != res[i].LogSeq {
			t.Errorf("released change %d resent: %s at %d, want a duplicate of %d", i, got.Outcome, got.LogSeq, res[i].LogSeq)
		}
	}
	if _, _, err := s.ReleaseQuarantined(999, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("release of an unknown entry: %v, want ErrNotFound", err)
	}
}

// testQuarantineDrop: a dropped unit is gone from the quarantine and never
// stored, and a resend does not bring it back.
func testQuarantineDrop[S Store](t *testing.T, o Opener[S]) {
	cfg := newConfig()
	s := o.New(t, cfg)
	r := newReplica()
	h, cs, units := headless(r, 3)
	applyUnits(t, s, cs, units)
	q := quarantined(t, s)
	dropped, err := s.DropQuarantined(q[0].QuarantineSeq, nil)
	if err != nil {
		t.Fatalf("drop: %v", err)
	}
	if len(dropped) != 3 {
		t.Errorf("drop of a unit dropped %d entries, want 3", len(dropped))
	}
	if got := len(quarantined(t, s)); got != 0 {
		t.Errorf("quarantine holds %d entries after the drop", got)
	}
	s = o.Reopen(t, s, cfg)
	for i, got := range applyUnits(t, s, cs, units) {
		if got.Outcome != store.Quarantined {
			t.Errorf("dropped change %d resent: %s, want refused", i, got.Outcome)
		}
	}
	if got := len(quarantined(t, s)); got != 0 {
		t.Errorf("a resend brought %d dropped entries back", got)
	}
	if _, err := s.Get(h); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the dropped household: %v, want not found", err)
	}
	if _, _, err := s.ReleaseQuarantined(q[1].QuarantineSeq, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("release after drop: %v, want ErrNotFound", err)
	}
}

// testClockBound: with MaxAhead set, a stamp beyond it is held (and does
// not move the store's clock), one within it goes in, an honest later edit
// of the same record goes in, and the held change is released once the
// clock has caught up: no quarantine is for ever because of clock order.
func testClockBound[S Store](t *testing.T, o Opener[S]) {
	var now atomic.Int64
	now.Store(epoch.UnixMilli())
	cfg := Config{Now: func() time.Time { return time.UnixMilli(now.Load()) }, Validate: validate, MaxAhead: 5 * time.Minute}
	s := o.New(t, cfg)
	honest, ahead := newReplica(), newReplica()
	h, cs := honest.household("camp-a", "Amina")
	applyAll(t, s, cs)

	ahead.ms = epoch.Add(23 * time.Hour).UnixMilli()
	far := ahead.write(h, registry.KindHousehold, map[string]string{"site": "camp-far"}, map[string]change.Stamp{"site": cs[0].Stamp})
	ahead.ms = epoch.Add(time.Minute).UnixMilli()
	near := ahead.write(cs[1].Record, registry.KindPerson, map[string]string{"given_name": "Amina B."}, nil)
	res := apply(t, s, []change.Change{far, near}, nil)
	if res[0].Outcome != store.Quarantined || res[0].Reason == "" {
		t.Errorf("a stamp 23 h ahead with a 5 min bound: %s %q, want quarantined", res[0].Outcome, res[0].Reason)
	}
	if res[1].Outcome != store.Applied {
		t.Errorf("a stamp 1 min ahead with a 5 min bound: %s (%s), want applied", res[1].Outcome, res[1].Reason)
	}
	if got := get(t, s, h).Value("site"); got != "camp-a" {
		t.Errorf("site = %q after a held change, want camp-a", got)
	}
	// An honest edit of the same field later on: accepted, and it is the value.
	now.Add(time.Hour.Milliseconds())
	honest.ms = now.Load() - 1000
	edit := honest.write(h, registry.KindHousehold, map[string]string{"site": "camp-b"}, map[string]change.Stamp{"site": cs[0].Stamp})
	if got := apply(t, s, []change.Change{edit}, nil); got[0].Outcome != store.Applied {
		t.Fatalf("an honest edit of a record with a held change: %s (%s), want applied", got[0].Outcome, got[0].Reason)
	}
	if got := get(t, s, h).Value("site"); got != "camp-b" {
		t.Errorf("site = %q after the honest edit, want camp-b", got)
	}
	q := quarantined(t, s)
	if len(q) != 1 {
		t.Fatalf("quarantine holds %d entries, want the change from ahead", len(q))
	}
	if _, _, err := s.ReleaseQuarantined(q[0].QuarantineSeq, nil); !errors.Is(err, store.ErrStillRefused) {
		t.Errorf("release while the stamp is still ahead: %v, want ErrStillRefused", err)
	}
	now.Store(epoch.Add(23 * time.Hour).UnixMilli())
	if _, res, err := s.ReleaseQuarantined(q[0].QuarantineSeq, nil); err != nil || res[0].Outcome != store.Applied {
		t.Fatalf("release once the clock caught up: %v %v", res, err)
	}
	if got := get(t, s, h).Value("site"); got != "camp-far" {
		t.Errorf("site = %q after the release, want camp-far (the later stamp)", got)
	}
}

// testResendPassingNow: a change refused only because the receiver's clock
// was behind its stamp is applied when it comes again after that clock has
// caught up (a cursor started over), not refused for ever; one changed under
// the same number, or dropped, stays refused.
func testResendPassingNow[S Store](t *testing.T, o Opener[S]) {
	var now atomic.Int64
	now.Store(epoch.UnixMilli())
	s := o.New(t, Config{Now: func() time.Time { return time.UnixMilli(now.Load()) }, Validate: validate})
	r := newReplica()
	r.ms = epoch.Add(30 * time.Hour).UnixMilli() // a day and more ahead of this store's clock
	h, cs := r.household("camp-a", "Amina")
	other := r.write(registry.NewID(), registry.KindHousehold, map[string]string{"site": "camp-b"}, nil)
	for i, got := range apply(t, s, append(slices.Clone(cs), other), nil) {
		if got.Outcome != store.Quarantined {
			t.Fatalf("change %d a day and more ahead: %s, want quarantined", i, got.Outcome)
		}
	}
	if _, err := s.DropQuarantined(quarantined(t, s)[2].QuarantineSeq, nil); err != nil {
		t.Fatal(err)
	}
	now.Store(epoch.Add(8 * time.Hour).UnixMilli())
	changed := cs[1]
	changed.Writes = []change.Write{{Field: "given_name", Value: "Other"}, {Field: householdID, Value: h.String()}}
	if got := apply(t, s, []change.Change{changed}, nil); got[0].Outcome != store.Quarantined {
		t.Errorf("another change under a held one's number: %s, want refused", got[0].Outcome)
	}
	res := apply(t, s, append(slices.Clone(cs), other), nil)
	for i, got := range res[:2] {
		if got.Outcome != store.Applied {
			t.Errorf("resent change %d once the clock caught up: %s (%s), want applied", i, got.Outcome, got.Reason)
		}
	}
	if res[2].Outcome != store.Quarantined {
		t.Errorf("a dropped change resent: %s, want refused", res[2].Outcome)
	}
	if got := get(t, s, h).Value("site"); got != "camp-a" {
		t.Errorf("the household after the resend: site %q", got)
	}
	if q := quarantined(t, s); len(q) != 0 {
		t.Errorf("quarantine holds %d after the resend, want none", len(q))
	}
	if got := apply(t, s, cs[:1], nil); got[0].Outcome != store.Duplicate {
		t.Errorf("resent once more: %s, want a duplicate", got[0].Outcome)
	}
}

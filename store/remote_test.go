package store

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
)

// remoteDevice makes changes as another replica would.
type remoteDevice struct {
	clock *change.Clock
	seq   uint64
}

func newRemoteDevice(now func() time.Time) *remoteDevice {
	return &remoteDevice{clock: change.NewClock(uuid.New(), now)}
}

func (d *remoteDevice) change(rec uuid.UUID, kind string, base map[string]change.Stamp, set map[string]string) change.Change {
	d.seq++
	// A device stamps an edit after every base it replaces (the store's
	// Commit does, through change.Clock.After). Without this, an edit made
	// in the same millisecond as the base by a device whose clock had not
	// seen it was stamped at or below its base and refused, 1 run in 10.
	for _, b := range base {
		d.clock.Raise(b.HLC)
	}
	c := change.Change{Device: d.clock.Device(), DeviceSeq: d.seq, Record: rec, Kind: kind, Author: "remote-user", Stamp: d.clock.Now()}
	for f, v := range set {
		c.Writes = append(c.Writes, change.Write{Field: f, Value: v, Base: base[f]})
	}
	return c
}

func TestApplyRemoteIdempotentAndQuarantine(t *testing.T) {
	w := newTestWorkspace(t)
	dev := newRemoteDevice(nil)
	h := registry.NewID()
	good := dev.change(h, registry.KindHousehold, nil, map[string]string{"site": "camp-r"})
	invalid := dev.change(registry.NewID(), registry.KindPerson, nil, map[string]string{"sex": "female"}) // no given_name
	future := dev.change(registry.NewID(), registry.KindHousehold, nil, map[string]string{"site": "x"})
	future.Stamp.HLC = change.MakeHLC(time.Now().Add(48*time.Hour).UnixMilli(), 0)
	malformed := dev.change(registry.NewID(), registry.KindHousehold, nil, map[string]string{"site": "y"})
	malformed.Writes = nil
	wrongKind := dev.change(h, registry.KindPerson, nil, map[string]string{"given_name": "Z"})

	res, err := w.ApplyRemote([]change.Change{good, invalid, future, malformed, wrongKind}, map[string][]byte{"cursor": []byte("42")})
	if err != nil {
		t.Fatal(err)
	}
	want := []Outcome{Applied, Quarantined, Quarantined, Quarantined, Quarantined}
	for i, r := range res {
		if r.Outcome != want[i] {
			t.Errorf("change %d: %s (%s), want %s", i, r.Outcome, r.Reason, want[i])
		}
	}
	if !strings.Contains(res[1].Reason, "given_name") || !errors.Is(change.CheckSkew(future.Stamp, time.Now()), change.ErrClockAhead) {
		t.Errorf("reasons: %q", res[1].Reason)
	}
	if m, err := w.Meta("cursor"); err != nil || string(m) != "42" {
		t.Errorf("cursor %q, %v", m, err)
	}
	rec, err := w.Get(h)
	if err != nil || rec.Value("site") != "camp-r" {
		t.Fatalf("remote household: %v %v", rec.Values(), err)
	}
	// The same batch again changes nothing and adds no quarantine entries.
	last := w.LastLogSeq()
	res2, err := w.ApplyRemote([]change.Change{good, invalid}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res2[0].Outcome != Duplicate || res2[0].LogSeq != res[0].LogSeq || res2[1].Outcome != Quarantined {
		t.Errorf("second delivery: %+v", res2)
	}
	if w.LastLogSeq() != last {
		t.Errorf("log grew on redelivery: %d → %d", last, w.LastLogSeq())
	}
	q, err := w.Quarantined()
	if err != nil || len(q) != 4 {
		t.Fatalf("quarantine has %d entries (%v), want 4", len(q), err)
	}
	if q[0].Change.DeviceSeq != invalid.DeviceSeq || q[0].Reason == "" {
		t.Errorf("first quarantined: %+v", q[0])
	}
	// The local clock moved past the accepted stamp.
	if w.Clock().Now().Compare(good.Stamp) <= 0 {
		t.Error("clock did not observe the remote stamp")
	}
	// Local device seq is unaffected by remote changes.
	if w.DeviceSeq() != 0 {
		t.Errorf("device seq %d after remote changes only", w.DeviceSeq())
	}
}

func TestConflictAndResolve(t *testing.T) {
	w := newTestWorkspace(t)
	h, edits := household("camp-a")
	made, err := w.Commit(edits...)
	if err != nil {
		t.Fatal(err)
	}
	base := map[string]change.Stamp{"site": made[0].Stamp}
	// Another device edits the same field concurrently, with a later stamp.
	dev := newRemoteDevice(func() time.Time { return time.Now().Add(time.Minute) })
	if _, err := w.Commit(Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp-local"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ApplyRemote([]change.Change{dev.change(h, registry.KindHousehold, base, map[string]string{"site": "camp-remote"})}, nil); err != nil {
		t.Fatal(err)
	}
	if got := w.Conflicted(); len(got) != 1 || got[0] != h {
		t.Fatalf("conflicted %v, want [%s]", got, h)
	}
	rec, _ := w.Get(h)
	if rec.Value("site") != "camp-remote" || len(rec.Conflicts()["site"]) != 1 {
		t.Fatalf("site %q conflicts %v", rec.Value("site"), rec.Conflicts())
	}
	// The supervisor keeps the current value: the write still happens, to close the conflict.
	made, err = w.Commit(Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp-remote"}, Resolve: true})
	if err != nil || len(made) != 1 || len(made[0].Writes[0].Resolves) != 1 {
		t.Fatalf("resolve made %+v, %v", made, err)
	}
	if got := w.Conflicted(); len(got) != 0 {
		t.Errorf("still conflicted after resolve: %v", got)
	}
}

func TestOwnChangesComingBackDoNotReuseSeq(t *testing.T) {
	w := newTestWorkspace(t)
	c := change.Change{Device: w.Device(), DeviceSeq: 7, Record: registry.NewID(), Kind: registry.KindHousehold, Author: "admin",
		Stamp: w.Clock().Now(), Writes: []change.Write{{Field: "site", Value: "camp-a"}}}
	if _, err := w.ApplyRemote([]change.Change{c}, nil); err != nil {
		t.Fatal(err)
	}
	_, edits := household("camp-b")
	made, err := w.Commit(edits...)
	if err != nil {
		t.Fatal(err)
	}
	if made[0].DeviceSeq != 8 {
		t.Errorf("next own seq %d, want 8", made[0].DeviceSeq)
	}
}

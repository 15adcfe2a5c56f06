package hq_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/bundle"
	"fieldreg/sync/client"
)

// TestDevicePullsOnlyItsSites: a device receives the records of its sites,
// and writes only there: its registration at another site is refused (it
// is told), and no device receives it.
func TestDevicePullsOnlyItsSites(t *testing.T) {
	s := newHQ(t)
	addr := serve(t, s)
	north, south, both := newDevice(t), newDevice(t), newDevice(t)
	enroll(t, s, addr, north, "camp_north")
	enroll(t, s, addr, south, "camp_south")
	enroll(t, s, addr, both, "camp_north", "camp_south")

	hn, _ := household(t, north, "camp_north", 3)
	hs, _ := household(t, south, "camp_south", 2)
	// The north device registers a household at the south camp (a family
	// met on the road): HQ refuses it, household and member.
	ho, _ := household(t, north, "camp_south", 1)
	if sum := mustSync(t, north); sum.Refused != 2 || sum.Sent != 6 {
		t.Errorf("north's sync: %+v, want 6 sent and 2 refused", sum)
	} else if n := client.HeldNotices(sum); len(n) != 1 || n[0] != (client.HeldNotice{Key: "sync.refused", Count: 2}) {
		t.Errorf("north's sync says %v, want the 2 refused", n)
	}
	for _, w := range []*store.Workspace{south, both, north, south} {
		mustSync(t, w)
	}
	// South edits its household: north gets nothing of it.
	if _, err := south.Commit(store.Edit{Record: hs.ID, Kind: registry.KindHousehold, Set: map[string]string{"status": "moved"}}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, south)
	if sum := mustSync(t, north); sum.Received != 0 {
		t.Errorf("north received %d changes of south's household", sum.Received)
	}

	has := func(w *store.Workspace, id registry.Record) bool { _, ok := w.Kind(id.ID); return ok }
	for _, c := range []struct {
		name string
		w    *store.Workspace
		h    registry.Record
		want bool
	}{
		{"north has its own", north, hn, true},
		{"north lacks south's", north, hs, false},
		{"south lacks north's", south, hn, false},
		{"south has its site's", south, hs, true},
		{"south lacks north's refused registration at its site", south, ho, false},
		{"both sites: north's", both, hn, true},
		{"both sites: south's", both, hs, true},
		{"both sites: not the refused registration", both, ho, false},
	} {
		if got := has(c.w, c.h); got != c.want {
			t.Errorf("%s: has household = %v, want %v", c.name, got, c.want)
		}
	}
	// Members follow their household.
	if n := south.Count(registry.KindPerson); n != 2 {
		t.Errorf("south holds %d persons, want its own 2", n)
	}
	if n := both.Count(registry.KindPerson); n != 5 {
		t.Errorf("the device of both sites holds %d persons, want 5", n)
	}
	held, err := client.HeldAtHQ(north)
	if err != nil || len(held) != 2 || held[0].State != client.Refused {
		t.Errorf("north's record of HQ's word: %+v %v, want its 2 changes refused", held, err)
	}
}

func TestInvalidChangeIsQuarantinedAndDoesNotBlock(t *testing.T) {
	s := newHQ(t)
	addr := serve(t, s)
	// A device without the forms' validation (an old app version) makes a
	// record HQ refuses, then a good one.
	w, err := store.Create(t.TempDir(), "enumerator", testPass, store.Options{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	enroll(t, s, addr, w, "camp_north")
	bad := registry.NewID()
	if _, err := w.Commit(store.Edit{Record: bad, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp_north"}}); err != nil { // no consent
		t.Fatal(err)
	}
	good, _ := household(t, w, "camp_north", 1)
	sum := mustSync(t, w)
	if sum.Quarantined != 1 || sum.Sent != 3 {
		t.Fatalf("summary %+v, want 3 sent and 1 quarantined", sum)
	}
	if _, err := s.Workspace().Get(good.ID); err != nil {
		t.Fatalf("the good household behind the bad one is not at HQ: %v", err)
	}
	if _, err := s.Workspace().Get(bad); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("HQ stored the invalid household")
	}
	q, err := s.Workspace().Quarantined()
	if err != nil || len(q) != 1 || q[0].Change.Record != bad {
		t.Fatalf("quarantine = %+v, %v", q, err)
	}
	if n, _ := client.Pending(w); n != 0 {
		t.Fatalf("%d changes still pending: the quarantined one blocks the queue", n)
	}
}

func TestBundlesBothWays(t *testing.T) {
	s := newHQ(t)
	addr := serve(t, s)
	a, b := newDevice(t), newDevice(t)
	enroll(t, s, addr, a, "camp_north")
	enrB := enroll(t, s, addr, b, "camp_north")
	h, members := household(t, a, "camp_north", 6)

	var out bytes.Buffer
	n, err := client.ExportBundle(a, &out)
	if err != nil || n != 7 {
		t.Fatalf("export bundle: %d changes, %v; want 7", n, err)
	}
	for i, want := range []int{7, 0} { // the second import changes nothing
		res, err := s.ImportBundle(context.Background(), bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if res.Stored != want {
			t.Fatalf("import %d stored %d changes, want %d", i+1, res.Stored, want)
		}
	}
	if s.Workspace().Count(registry.KindPerson) != len(members) {
		t.Fatalf("HQ has %d persons after the bundle, want %d", s.Workspace().Count(registry.KindPerson), len(members))
	}

	var ret bytes.Buffer
	if n, err := s.ExportBundle(context.Background(), enrB.Device.String(), &ret); err != nil || n != 7 {
		t.Fatalf("return bundle: %d changes, %v; want 7", n, err)
	}
	// Meant for b: a cannot open it.
	if _, err := client.ImportBundle(a, bytes.NewReader(ret.Bytes())); !errors.Is(err, bundle.ErrNotForUs) {
		t.Fatalf("device a imported b's bundle: %v", err)
	}
	for i, want := range []int{7, 0} {
		n, err := client.ImportBundle(b, bytes.NewReader(ret.Bytes()))
		if err != nil || n != want {
			t.Fatalf("import %d on b: %d changes, %v; want %d", i+1, n, err, want)
		}
	}
	if _, err := b.Get(h.ID); err != nil {
		t.Fatal(err)
	}
	// News from HQ by bundle counts as contact: it lifts the lock after days
	// without sync.
	if last, ok := client.LastSync(b); !ok || time.Since(last) > time.Minute {
		t.Errorf("after HQ's bundle, b's last contact with HQ is %v (%v)", last, ok)
	}
	// a's bundle imported, a's next sync stores nothing twice.
	before := s.Workspace().LastLogSeq()
	mustSync(t, a)
	if after := s.Workspace().LastLogSeq(); after != before {
		t.Errorf("a's sync after its bundle added %d changes at HQ", after-before)
	}
	// A bundle from a device of another HQ is refused.
	other := newHQ(t)
	c := newDevice(t)
	enroll(t, other, serve(t, other), c, "camp_north")
	household(t, c, "camp_north", 1)
	var foreign bytes.Buffer
	if _, err := client.ExportBundle(c, &foreign); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportBundle(context.Background(), &foreign); !errors.Is(err, bundle.ErrNotForUs) {
		t.Fatalf("import of another HQ's device's bundle: %v, want ErrNotForUs", err)
	}
}

func TestHQStateSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	cfg := hq.Config{Dir: dir, Passphrase: testPass, KDF: cheapKDF}
	if err := hq.Init(cfg, "hq.example.org:8443", nil); err != nil {
		t.Fatal(err)
	}
	s, err := hq.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	code, err := s.NewEnrollment(context.Background(), hq.Enrollment{Name: "tablet-7", Team: "north", Sites: []string{"camp_north"}})
	if err != nil {
		t.Fatal(err)
	}
	fp := s.Fingerprint()
	s.Close()
	if code.Addr != "hq.example.org:8443" || code.Fingerprint != fp {
		t.Fatalf("code %+v does not name HQ's address and fingerprint", code)
	}
	s, err = hq.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Fingerprint() != fp {
		t.Fatal("server certificate changed across a restart: every enrollment code is void")
	}
	w := newDevice(t)
	if _, err := client.EnrollVia(context.Background(), w, code.String(), client.TransportFunc(s.Enroll)); err != nil {
		t.Fatalf("enroll with a code made before the restart: %v", err)
	}
	if d, err := s.Devices(); err != nil || len(d) != 1 || d[0].Name != "tablet-7" || d[0].Team != "north" {
		t.Fatalf("devices = %+v, %v", d, err)
	}
	if _, err := hq.Open(hq.Config{Dir: dir, Passphrase: []byte("wrong"), KDF: cheapKDF}); !errors.Is(err, store.ErrWrongPassphrase) && !errors.Is(err, store.ErrInUse) {
		t.Fatalf("open with a wrong passphrase: %v", err)
	}
}

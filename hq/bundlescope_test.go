package hq_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/client"
	"fieldreg/sync/wire"
)

// enrolledAt enrolls a new workspace in-process, at sites: a device that
// sees HQ only through bundles.
func enrolledAt(t *testing.T, s *hq.Server, name string, sites ...string) (*store.Workspace, uuid.UUID) {
	t.Helper()
	w := newDevice(t)
	code, err := s.NewEnrollment(context.Background(), hq.Enrollment{Name: name, Sites: sites})
	if err != nil {
		t.Fatal(err)
	}
	enr, err := client.EnrollVia(context.Background(), w, code.String(), client.TransportFunc(s.Enroll))
	if err != nil {
		t.Fatal(err)
	}
	return w, enr.Device
}

// bundleFrom carries w's bundle to HQ.
func bundleFrom(t *testing.T, s *hq.Server, w *store.Workspace) hq.BundleResult {
	t.Helper()
	var b bytes.Buffer
	if _, err := client.ExportBundle(w, &b); err != nil {
		t.Fatal(err)
	}
	res, err := s.ImportBundle(context.Background(), &b)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// returnBundle is HQ's bundle for device.
func returnBundle(t *testing.T, s *hq.Server, device uuid.UUID) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := s.ExportBundle(context.Background(), device.String(), &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// bundleTo carries HQ's bundle to w and returns how many changes were new.
func bundleTo(t *testing.T, s *hq.Server, w *store.Workspace, device uuid.UUID) int {
	t.Helper()
	n, err := client.ImportBundle(w, bytes.NewReader(returnBundle(t, s, device)))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func held(w *store.Workspace, ids ...uuid.UUID) (n int) {
	for _, id := range ids {
		if _, err := w.Get(id); err == nil {
			n++
		}
	}
	return n
}

func ids(h registry.Record, members []registry.Record) []uuid.UUID {
	out := []uuid.UUID{h.ID}
	for _, m := range members {
		out = append(out, m.ID)
	}
	return out
}

// TestBundleFollowsScope: a tablet that sees HQ only by USB stick loses a
// household moved out of its sites at the next return bundle (though it has
// made changes HQ has not seen yet), a tampered bundle changes nothing, the
// household arrives whole on a bundle-only tablet of its new site, and a
// re-scope by bundle evicts what left and brings what entered.
func TestBundleFollowsScope(t *testing.T) {
	s := newHQ(t)
	coord, _ := enrolledAt(t, s, "coordinator", "camp_north", "camp_south")
	north, northID := enrolledAt(t, s, "north-tablet", "camp_north")
	south, southID := enrolledAt(t, s, "south-tablet", "camp_south")

	h, members := household(t, coord, "camp_north", 2)
	stay, stayMembers := household(t, coord, "camp_north", 1)
	bundleFrom(t, s, coord)
	bundleTo(t, s, north, northID)
	if n := held(north, ids(h, members)...); n != 3 {
		t.Fatalf("the north tablet holds %d of the household's 3 records", n)
	}

	if _, err := coord.Commit(store.Edit{Record: h.ID, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp_south"}}); err != nil {
		t.Fatal(err)
	}
	bundleFrom(t, s, coord)
	// Meanwhile the north tablet registers a household HQ has not seen.
	own, ownMembers := household(t, north, "camp_north", 1)

	ret := returnBundle(t, s, northID)
	tampered := bytes.Clone(ret)
	tampered[len(tampered)/2] ^= 1
	if _, err := client.ImportBundle(north, bytes.NewReader(tampered)); err == nil {
		t.Fatal("a tampered return bundle was imported")
	}
	if n := held(north, ids(h, members)...); n != 3 {
		t.Fatalf("after the tampered bundle the north tablet holds %d of the household's 3 records, want them untouched", n)
	}
	if _, err := client.ImportBundle(north, bytes.NewReader(ret)); err != nil {
		t.Fatal(err)
	}
	if n := held(north, ids(h, members)...); n != 0 {
		t.Errorf("after HQ's bundle the north tablet still holds %d records of the household that moved to camp_south", n)
	}
	if hits := north.Search("Amina", 50); len(hits) != 2 { // stay's head and its own household's
		t.Errorf("search on the north tablet finds %d persons, want the 2 still at camp_north", len(hits))
	}
	if n := held(north, append(ids(stay, stayMembers), ids(own, ownMembers)...)...); n != 4 {
		t.Errorf("the north tablet holds %d of the 4 records still at camp_north", n)
	}
	if res := bundleFrom(t, s, north); res.Stored != 2 {
		t.Errorf("the north tablet's next bundle stored %d changes, want its household's 2", res.Stored)
	}
	bundleTo(t, s, south, southID)
	if n := held(south, ids(h, members)...); n != 3 {
		t.Errorf("the household arrived on the south tablet with %d of its 3 records", n)
	}
	if rec, err := south.Get(h.ID); err != nil || rec.Value("consent") != "true" || rec.Value("site") != "camp_south" {
		t.Errorf("the household arrived as %v (%v), want whole, at camp_south", rec.Values(), err)
	}

	// Re-scoped to camp_south, by bundle only.
	if _, err := s.SetSites(context.Background(), northID.String(), []string{"camp_south"}); err != nil {
		t.Fatal(err)
	}
	bundleTo(t, s, north, northID)
	if n := held(north, append(ids(stay, stayMembers), ids(own, ownMembers)...)...); n != 0 {
		t.Errorf("after the re-scope bundle the tablet still holds %d camp_north records", n)
	}
	if n := held(north, ids(h, members)...); n != 3 {
		t.Errorf("after the re-scope bundle the tablet holds %d of the camp_south household's 3 records", n)
	}
	bundleFrom(t, s, north)
	if d, _ := s.Device(northID.String()); d.ScopeAcked != d.Scope {
		t.Errorf("the tablet's bundle did not confirm its new sites: scope %d, confirmed %d", d.Scope, d.ScopeAcked)
	}
	if n := bundleTo(t, s, north, northID); n != 0 {
		t.Errorf("the bundle after the confirmed re-scope brought %d changes again, want none", n)
	}
	// An old bundle imported again evicts nothing that came back since.
	if _, err := client.ImportBundle(north, bytes.NewReader(ret)); err != nil {
		t.Fatal(err)
	}
	if n := held(north, ids(h, members)...); n != 3 {
		t.Errorf("an old bundle imported again evicted the household that came back: %d of 3 records left", n)
	}
}

// TestBundleWithRolledBackAuditIsRefused: a device put back to an older
// copy of both its files, that reaches HQ only by bundle, is refused as on
// sync and nothing of its bundle is stored; once an admin resets its
// anchor, the same bundle is taken.
func TestBundleWithRolledBackAuditIsRefused(t *testing.T) {
	s := newHQ(t)
	w, device := enrolledAt(t, s, "tablet", "camp_north")
	dir := w.Dir()
	forms, _ := registry.BuiltinForms()
	opts := store.Options{KDF: cheapKDF, Validate: forms.Validator(time.Now)}
	reopen := func() {
		t.Helper()
		var err error
		if w, err = store.Open(dir, "enumerator", testPass, opts); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { w.Close() })
	}
	household(t, w, "camp_north", 1)
	var first bytes.Buffer
	if _, err := client.ExportBundle(w, &first); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportBundle(context.Background(), bytes.NewReader(first.Bytes())); err != nil {
		t.Fatal(err)
	}
	w.Close()
	backup := t.TempDir()
	copyFiles(t, dir, backup, store.DBFile, store.KeyFile)
	reopen()
	for range 5 { // exports, say, that the copy will not hold: more than its new household writes
		if err := w.AuditEvent("export", "households.csv"); err != nil {
			t.Fatal(err)
		}
	}
	bundleFrom(t, s, w)
	// The first bundle, found on the stick again, is old news, not a
	// rollback: it stores nothing and is not refused.
	if res, err := s.ImportBundle(context.Background(), bytes.NewReader(first.Bytes())); err != nil || res.Stored != 0 {
		t.Fatalf("the first bundle imported again: stored %d, %v; want nothing and no error", res.Stored, err)
	}
	w.Close()
	copyFiles(t, backup, dir, store.DBFile, store.KeyFile)
	reopen()
	household(t, w, "camp_north", 1)
	var b bytes.Buffer
	if _, err := client.ExportBundle(w, &b); err != nil {
		t.Fatal(err)
	}
	before := s.Workspace().LastLogSeq()
	if _, err := s.ImportBundle(context.Background(), bytes.NewReader(b.Bytes())); !errors.Is(err, &wire.Error{Code: wire.CodeRolledBack}) {
		t.Fatalf("bundle of a rolled-back device: %v, want CodeRolledBack", err)
	}
	if after := s.Workspace().LastLogSeq(); after != before {
		t.Errorf("HQ stored %d changes of the rolled-back device's bundle", after-before)
	}
	if _, err := s.ResetAnchor(context.Background(), device.String(), ""); !errors.Is(err, hq.ErrInvalidRequest) {
		t.Errorf("anchor reset without a reason: %v, want ErrInvalidRequest", err)
	}
	if _, err := s.ResetAnchor(context.Background(), device.String(), "restored from its own backup"); err != nil {
		t.Fatal(err)
	}
	res, err := s.ImportBundle(context.Background(), bytes.NewReader(b.Bytes()))
	if err != nil || res.Stored != 2 {
		t.Fatalf("the bundle after the anchor reset: stored %d, %v; want its household's 2 changes", res.Stored, err)
	}
	if d, _ := s.Device(device.String()); d.AnchorSeq == 0 {
		t.Error("the bundle after the reset set no new anchor")
	}
}

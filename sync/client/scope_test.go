package client_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
)

// gone checks that household h and its members have left w through every
// read and from the file's keys.
func gone(t *testing.T, w *store.Workspace, h uuid.UUID, members []uuid.UUID, marker string) {
	t.Helper()
	for _, id := range append([]uuid.UUID{h}, members...) {
		if _, err := w.Get(id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("record %s is still on the device: %v", id, err)
		}
		if hist, err := w.History(id); err == nil && len(hist) > 0 {
			t.Errorf("record %s still has a history of %d changes", id, len(hist))
		}
	}
	for _, kind := range []string{registry.KindHousehold, registry.KindPerson} {
		for _, id := range w.IDs(kind) {
			if id == h || slicesContain(members, id) {
				t.Errorf("IDs(%s) still lists %s", kind, id)
			}
		}
	}
	if hits := w.Search(marker, 10); len(hits) > 0 {
		t.Errorf("search %q still finds %v", marker, hits)
	}
	log, err := w.ChangesAfter(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range log {
		if l.Change.Record == h || l.Change.Device != w.Device() && slicesContain(members, l.Change.Record) {
			t.Errorf("the change log still holds %s#%d of record %s", l.Change.Device, l.Change.DeviceSeq, l.Change.Record)
		}
	}
	// Keys are record ids: after the compaction no page of the file holds
	// the household's id any more.
	raw, err := os.ReadFile(filepath.Join(w.Dir(), store.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, h[:]) {
		t.Errorf("the workspace file still holds household %s's id", h)
	}
}

func slicesContain(ids []uuid.UUID, id uuid.UUID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// arrived checks that household h is on w whole: at site, with its
// members and the names written before it came.
func arrived(t *testing.T, w *store.Workspace, h uuid.UUID, site string, members int, marker string) {
	t.Helper()
	rec, err := w.Get(h)
	if err != nil {
		t.Fatalf("household did not arrive: %v", err)
	}
	if rec.Value("site") != site || rec.Value("admin1") != "North" || rec.Value("consent") != "true" {
		t.Errorf("household arrived as %v, want site %s with the values written before", rec.Values(), site)
	}
	if got := w.Members(h); len(got) != members {
		t.Fatalf("household arrived with %d members, want %d", len(got), members)
	}
	if hits := w.Search(marker, 10); len(hits) != 1 {
		t.Errorf("search %q finds %d records, want the one person", marker, len(hits))
	}
}

// A household moved from camp_north to camp_south leaves a camp_north
// tablet at its next sync and arrives whole on a camp_south tablet that
// never saw it.
func TestMovedHouseholdFollowsItsSite(t *testing.T) {
	clock := newFakeClock()
	s := newHQ(t, clock.Now, nil)
	a := newDevice(t, "amina", clock.Now)                                  // registers and moves it (scoped to both camps)
	b := newDevice(t, "bello", clock.Now)                                  // camp_north, only received it
	c := newDevice(t, "chidi", clock.Now)                                  // camp_south
	ea := enrollInProcess(t, s, a, "tablet-a", "camp_north", "camp_south") // a coordinator at both camps: only a device of both may move a household between them
	eb := enrollInProcess(t, s, b, "tablet-b", "camp_north")
	ec := enrollInProcess(t, s, c, "tablet-c", "camp_south")
	ta, tb, tc := inProcess(s, ea.Device), inProcess(s, eb.Device), inProcess(s, ec.Device)

	h := registerHousehold(t, a, "camp_north", 2)
	const marker = "Zqxmarker"
	members := a.Members(h)
	edit(t, a, members[1], registry.KindPerson, map[string]string{"given_name": marker})
	stay := registerHousehold(t, a, "camp_north", 1)
	syncOnce(t, a, ta)
	syncOnce(t, b, tb)
	syncOnce(t, c, tc)
	if _, err := b.Get(h); err != nil {
		t.Fatalf("tablet-b did not receive the household: %v", err)
	}
	if _, err := c.Get(h); err == nil {
		t.Fatal("tablet-c received a camp_north household")
	}

	edit(t, a, h, registry.KindHousehold, map[string]string{"site": "camp_south"})
	syncOnce(t, a, ta)
	sum := syncOnce(t, b, tb)
	if sum.Evicted != 3 {
		t.Errorf("tablet-b evicted %d records, want 3", sum.Evicted)
	}
	gone(t, b, h, members, marker)
	if _, err := b.Get(stay); err != nil {
		t.Errorf("the household still at camp_north left tablet-b too: %v", err)
	}
	syncOnce(t, c, tc)
	arrived(t, c, h, "camp_south", 2, marker)
	if _, err := c.Get(stay); err == nil {
		t.Error("tablet-c received the household still at camp_north")
	}
}

// Re-scoping a device follows the same rules: what left its sites goes,
// what entered arrives whole.
func TestRescopedDeviceFollowsItsSites(t *testing.T) {
	clock := newFakeClock()
	s := newHQ(t, clock.Now, nil)
	a := newDevice(t, "amina", clock.Now)
	b := newDevice(t, "bello", clock.Now)
	c := newDevice(t, "chidi", clock.Now)
	ea := enrollInProcess(t, s, a, "tablet-a", "camp_north")
	eb := enrollInProcess(t, s, b, "tablet-b", "camp_north")
	ec := enrollInProcess(t, s, c, "tablet-c", "camp_south")
	ta, tb, tc := inProcess(s, ea.Device), inProcess(s, eb.Device), inProcess(s, ec.Device)

	north := registerHousehold(t, a, "camp_north", 2)
	const marker = "Zqxmarker"
	members := a.Members(north)
	edit(t, a, members[0], registry.KindPerson, map[string]string{"given_name": marker})
	south := registerHousehold(t, c, "camp_south", 1)
	syncOnce(t, a, ta)
	syncOnce(t, c, tc)
	syncOnce(t, b, tb)

	ctx := context.Background()
	if _, err := s.SetSites(ctx, "tablet-b", []string{"camp_south"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetSites(ctx, "tablet-c", []string{"camp_south", "camp_north"}); err != nil {
		t.Fatal(err)
	}
	syncOnce(t, b, tb)
	gone(t, b, north, members, marker)
	if _, err := b.Get(south); err != nil {
		t.Errorf("tablet-b, now at camp_south, did not receive its household: %v", err)
	}
	syncOnce(t, c, tc)
	arrived(t, c, north, "camp_north", 2, marker)
	// Confirmed: the next sync neither evicts nor sends it all again.
	if sum := syncOnce(t, b, tb); sum.Evicted != 0 || sum.Received != 0 {
		t.Errorf("a sync after the re-scope evicted %d and received %d, want nothing", sum.Evicted, sum.Received)
	}
}

// HQ finds the moves again in its log after a restart: a tablet that was
// away while the household moved still evicts it.
func TestMoveSurvivesHQRestart(t *testing.T) {
	clock := newFakeClock()
	dir := t.TempDir()
	s := newHQAt(t, dir, clock.Now, nil)
	a := newDevice(t, "amina", clock.Now)
	b := newDevice(t, "bello", clock.Now)
	ea := enrollInProcess(t, s, a, "tablet-a", "camp_north", "camp_south")
	eb := enrollInProcess(t, s, b, "tablet-b", "camp_north")
	h := registerHousehold(t, a, "camp_north", 1)
	syncOnce(t, a, inProcess(s, ea.Device))
	syncOnce(t, b, inProcess(s, eb.Device))
	edit(t, a, h, registry.KindHousehold, map[string]string{"site": "camp_south"})
	syncOnce(t, a, inProcess(s, ea.Device))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := hq.Open(hq.Config{Dir: dir, Passphrase: testPass, Now: clock.Now, KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if sum := syncOnce(t, b, inProcess(s, eb.Device)); sum.Evicted != 2 {
		t.Errorf("after HQ restarted tablet-b evicted %d records, want 2", sum.Evicted)
	}
	if _, err := b.Get(h); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the moved household is still on tablet-b: %v", err)
	}
}

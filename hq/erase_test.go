package hq_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
)

// TestEraseAtHQReachesDevices: an erasure made at HQ, over the admin socket,
// leaves no value at HQ, and the tablets that hold the household erase it
// at their next sync.
func TestEraseAtHQReachesDevices(t *testing.T) {
	s, dir := serveAdmin(t)
	addr := serve(t, s)
	a, b := newDevice(t), newDevice(t)
	enroll(t, s, addr, a, "camp_north")
	enroll(t, s, addr, b, "camp_north")
	const marker = "Zqxhqmarker"
	h, members := household(t, a, "camp_north", 2)
	if _, err := a.Commit(store.Edit{Record: members[0].ID, Kind: registry.KindPerson, Set: map[string]string{"given_name": marker}}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a)
	mustSync(t, b)
	if len(b.Search(marker, 5)) == 0 {
		t.Fatal("the second tablet lacks the household: the test would prove nothing")
	}

	remote := hq.NewAdminClient(dir)
	ctx := context.Background()
	if _, err := remote.Erase(ctx, uuid.New()); err == nil {
		t.Error("erasing a record HQ does not hold succeeded")
	}
	e, err := remote.Erase(ctx, h.ID)
	if err != nil || e.Kind != registry.KindHousehold || e.Records != 3 {
		t.Fatalf("erase over the socket: %+v, %v; want the household and its 2 members", e, err)
	}
	mustSync(t, a)
	mustSync(t, b)

	ids := []uuid.UUID{h.ID, members[0].ID, members[1].ID}
	for name, r := range map[string]interface {
		Get(uuid.UUID) (registry.Record, error)
		History(uuid.UUID) ([]change.Change, error)
		ChangesAfter(uint64, int) ([]store.Logged, error)
		Search(string, int) []store.Hit
	}{"HQ": s.Workspace().(*store.Workspace), "tablet a": a, "tablet b": b} {
		if hits := r.Search(marker, 5); len(hits) > 0 {
			t.Errorf("%s still finds the marker: %v", name, hits)
		}
		for _, id := range ids {
			rec, err := r.Get(id)
			if err != nil || !rec.Erased() {
				t.Errorf("%s: record %s is %+v (%v), want a tombstone", name, id, rec, err)
			}
			hist, err := r.History(id)
			if err != nil || strings.Contains(fmt.Sprintf("%+v %+v", rec, hist), marker) {
				t.Errorf("%s: record %s or its history holds the marker (%v)", name, id, err)
			}
		}
		log, err := r.ChangesAfter(0, 0)
		if err != nil || strings.Contains(fmt.Sprintf("%+v", log), marker) {
			t.Errorf("%s: the change log holds the marker (%v)", name, err)
		}
	}
}

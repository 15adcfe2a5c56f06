package client_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/client"
)

func TestTwoDevicesConvergeAndSeeTheConflict(t *testing.T) {
	clock := newFakeClock()
	s := newHQ(t, clock.Now, nil)
	a := newDevice(t, "amal", clock.skewed(0))
	b := newDevice(t, "bilal", clock.skewed(-3*60*60*1e9))
	ea := enrollInProcess(t, s, a, "tablet-a", "camp_north")
	eb := enrollInProcess(t, s, b, "tablet-b", "camp_north")
	ta, tb := inProcess(s, ea.Device), inProcess(s, eb.Device)

	h := registerHousehold(t, a, "camp_north", 6)
	registerHousehold(t, b, "camp_north", 3)
	if n, _ := client.Pending(a); n != 7 {
		t.Fatalf("pending on a = %d, want 7", n)
	}
	sum := syncOnce(t, a, ta)
	if sum.Sent != 7 || sum.Received != 0 {
		t.Fatalf("a's first sync: %+v", sum)
	}
	sum = syncOnce(t, b, tb)
	if sum.Sent != 4 || sum.Received != 7 {
		t.Fatalf("b's first sync: %+v", sum)
	}
	syncOnce(t, a, ta)
	if n, _ := client.Pending(a); n != 0 {
		t.Fatalf("pending on a after sync = %d", n)
	}

	// Both edit the same field without seeing each other's edit.
	clock.Advance(60e9)
	edit(t, a, h, registry.KindHousehold, map[string]string{"status": "moved"})
	edit(t, b, h, registry.KindHousehold, map[string]string{"status": "returned"})
	syncOnce(t, a, ta)
	sum = syncOnce(t, b, tb)
	if sum.Conflicts != 1 {
		t.Errorf("b's sync reports %d new conflicts, want 1", sum.Conflicts)
	}
	syncOnce(t, a, ta)

	ra, _ := a.Get(h)
	rb, _ := b.Get(h)
	rh, _ := s.Workspace().Get(h)
	for name, r := range map[string]registry.Record{"a": ra, "b": rb, "hq": rh} {
		if got := r.Value("status"); got != "moved" { // a's edit is later: b's clock is 3 h behind
			t.Errorf("%s: status = %q, want moved", name, got)
		}
		if len(r.Conflicts()["status"]) != 1 {
			t.Errorf("%s: conflicts = %v, want one on status", name, r.Conflicts())
		}
	}
	conflicts, err := s.Conflicts()
	if err != nil || len(conflicts) != 1 || conflicts[0].Record != h || conflicts[0].Field != "status" {
		t.Fatalf("HQ conflicts = %+v, %v", conflicts, err)
	}
	if a.Count(registry.KindPerson) != 9 || b.Count(registry.KindPerson) != 9 || s.Workspace().Count(registry.KindPerson) != 9 {
		t.Errorf("persons: a %d, b %d, hq %d; want 9 each", a.Count(registry.KindPerson), b.Count(registry.KindPerson), s.Workspace().Count(registry.KindPerson))
	}
	if _, ok := client.LastSync(a); !ok {
		t.Error("no last sync time after a sync")
	}
}

func TestSyncNotEnrolled(t *testing.T) {
	w := newDevice(t, "amal", nil)
	c, err := client.New(client.Config{Workspace: w})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(context.Background(), nil); !errors.Is(err, client.ErrNotEnrolled) {
		t.Fatalf("sync without enrollment: %v, want ErrNotEnrolled", err)
	}
}

func TestOverdueAfterDaysWithoutSync(t *testing.T) {
	clock := newFakeClock()
	s := newHQ(t, clock.Now, nil)
	w := newDevice(t, "amal", clock.Now)
	limit := 14 * 24 * time.Hour
	if over, err := client.Overdue(w, clock.Now().Add(100*limit), limit); over || err != nil {
		t.Fatalf("a device that is not enrolled is overdue: %v %v", over, err)
	}
	enr := enrollInProcess(t, s, w, "tablet", "camp_north")
	for _, c := range []struct {
		after time.Duration
		want  bool
	}{{0, false}, {limit - time.Hour, false}, {limit + time.Hour, true}} {
		if over, _ := client.Overdue(w, clock.Now().Add(c.after), limit); over != c.want {
			t.Errorf("%v after enrollment: overdue = %v, want %v", c.after, over, c.want)
		}
	}
	clock.Advance(limit - time.Hour)
	c, err := client.New(client.Config{Workspace: w, Transport: inProcess(s, enr.Device), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if over, _ := client.Overdue(w, clock.Now().Add(limit-time.Minute), limit); over {
		t.Error("overdue less than the limit after a sync")
	}
	if over, _ := client.Overdue(w, clock.Now().Add(limit+time.Minute), limit); !over {
		t.Error("not overdue more than the limit after the last sync")
	}
}

func TestManyDevicesAtOnce(t *testing.T) {
	const n = 30
	s := newHQ(t, nil, nil)
	ws := make([]*store.Workspace, n)
	trs := make([]client.Transport, n)
	for i := range n {
		ws[i] = newDevice(t, "enumerator", nil)
		trs[i] = inProcess(s, enrollInProcess(t, s, ws[i], "tablet", "camp_north").Device)
		registerHousehold(t, ws[i], "camp_north", 2)
	}
	for round := range 2 { // the first round pushes, the second brings everyone everything
		errs := make(chan error, n)
		for i := range n {
			go func() {
				c, err := client.New(client.Config{Workspace: ws[i], Transport: trs[i], Backoff: noBackoff})
				if err == nil {
					_, err = c.Sync(context.Background(), nil)
				}
				errs <- err
			}()
		}
		for range n {
			if err := <-errs; err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
	if got := s.Workspace().LastLogSeq(); got != n*3 {
		t.Fatalf("HQ holds %d changes, want %d", got, n*3)
	}
	for i, w := range ws {
		if got := w.Count(registry.KindHousehold); got != n {
			t.Fatalf("device %d holds %d households, want %d", i, got, n)
		}
	}
}

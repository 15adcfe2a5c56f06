package hq_test

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"fieldreg/change"
	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/store/storetest"
	"fieldreg/sync/client"
)

// The bbolt workspace is an HQ store, and so is anything that passes the
// store suite.
var (
	_ hq.Store = (*store.Workspace)(nil)
	_ hq.Store = storetest.Store(nil)
)

// countingStore is an HQ store that is not a *store.Workspace: HQ must
// work through the contract alone.
type countingStore struct {
	hq.Store
	applied *atomic.Int64
}

func (c countingStore) ApplyRemote(cs []change.Change, meta map[string][]byte) ([]store.Result, error) {
	c.applied.Add(int64(len(cs)))
	return c.Store.ApplyRemote(cs, meta)
}

func (c countingStore) ApplyRemoteUnits(cs []change.Change, units []uint64, meta map[string][]byte) ([]store.Result, error) {
	c.applied.Add(int64(len(cs)))
	return c.Store.ApplyRemoteUnits(cs, units, meta)
}

// TestOpenStoreServesFromAnyStore runs HQ on a store it did not create,
// through the Store interface only: InitStore and OpenStore are how a
// PostgreSQL store would be plugged in.
func TestOpenStoreServesFromAnyStore(t *testing.T) {
	forms, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	cfg := hq.Config{Dir: t.TempDir(), Passphrase: testPass, KDF: cheapKDF, Validate: forms.Validator(time.Now)}
	dir := filepath.Join(t.TempDir(), "elsewhere")
	w, err := store.Create(dir, "operator", testPass, store.Options{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	if err := hq.InitStore(cfg, w, "127.0.0.1:1", nil); err != nil {
		t.Fatal(err)
	}
	w.Close()
	var applied atomic.Int64
	s, err := hq.OpenStore(cfg, func(indexes ...store.Indexer) (hq.Store, error) {
		w, err := store.Open(dir, "operator", testPass, store.Options{KDF: cheapKDF, Validate: cfg.Validate, Indexes: indexes, MaxAhead: hq.MaxClockAhead})
		return countingStore{w, &applied}, err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })

	a, b := newDevice(t), newDevice(t)
	enrolled := map[*store.Workspace]client.Enrollment{}
	for _, w := range []*store.Workspace{a, b} {
		code, err := s.NewEnrollment(context.Background(), hq.Enrollment{Name: "tablet", Sites: []string{"camp_north"}})
		if err != nil {
			t.Fatal(err)
		}
		if enrolled[w], err = client.EnrollVia(context.Background(), w, code.String(), client.TransportFunc(s.Enroll)); err != nil {
			t.Fatal(err)
		}
	}
	h, members := household(t, a, "camp_north", 3)
	for _, w := range []*store.Workspace{a, b} {
		device := enrolled[w].Device
		tr := client.TransportFunc(func(ctx context.Context, body []byte) ([]byte, error) { return s.Sync(ctx, device, body) })
		c, err := client.New(client.Config{Workspace: w, Transport: tr})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Sync(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	}
	if got := applied.Load(); got != int64(1+len(members)) {
		t.Errorf("HQ's store was given %d changes, want %d", got, 1+len(members))
	}
	if got := b.Members(h.ID); len(got) != len(members) {
		t.Errorf("the other device pulled %d members through HQ, want %d", len(got), len(members))
	}
}

// readCountingStore counts how HQ reads its log and seen entries.
type readCountingStore struct {
	*store.Workspace
	seenCalls, seenAsked, logCalls, logRead, after *atomic.Int64
}

func (c readCountingStore) SeenChanges(asked []change.Change) ([]change.Change, []bool, error) {
	c.seenCalls.Add(1)
	c.seenAsked.Add(int64(len(asked)))
	return c.Workspace.SeenChanges(asked)
}

func (c readCountingStore) ReadLogged(seqs []uint64) ([]change.Change, error) {
	c.logCalls.Add(1)
	c.logRead.Add(int64(len(seqs)))
	return c.Workspace.ReadLogged(seqs)
}

func (c readCountingStore) ChangesAfter(logSeq uint64, limit int) ([]store.Logged, error) {
	c.after.Add(1)
	return c.Workspace.ChangesAfter(logSeq, limit)
}

// TestReadsAreBatchedPerRequest: HQ checks a push's resends in one read and
// reads the changes of a pull a batch at a time, not one read transaction
// per change (on PostgreSQL each is three round trips).
func TestReadsAreBatchedPerRequest(t *testing.T) {
	forms, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	cfg := hq.Config{Dir: t.TempDir(), Passphrase: testPass, KDF: cheapKDF, Validate: forms.Validator(time.Now)}
	dir := filepath.Join(t.TempDir(), "elsewhere")
	w, err := store.Create(dir, "operator", testPass, store.Options{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	if err := hq.InitStore(cfg, w, "127.0.0.1:1", nil); err != nil {
		t.Fatal(err)
	}
	w.Close()
	var seenCalls, seenAsked, logCalls, logRead, after atomic.Int64
	s, err := hq.OpenStore(cfg, func(indexes ...store.Indexer) (hq.Store, error) {
		w, err := store.Open(dir, "operator", testPass, store.Options{KDF: cheapKDF, Validate: cfg.Validate, Indexes: indexes, MaxAhead: hq.MaxClockAhead})
		return readCountingStore{w, &seenCalls, &seenAsked, &logCalls, &logRead, &after}, err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })

	a, b := newDevice(t), newDevice(t)
	trs := map[*store.Workspace]client.Transport{}
	for _, w := range []*store.Workspace{a, b} {
		code, err := s.NewEnrollment(context.Background(), hq.Enrollment{Name: "tablet", Sites: []string{"camp_north"}})
		if err != nil {
			t.Fatal(err)
		}
		enr, err := client.EnrollVia(context.Background(), w, code.String(), client.TransportFunc(s.Enroll))
		if err != nil {
			t.Fatal(err)
		}
		trs[w] = client.TransportFunc(func(ctx context.Context, body []byte) ([]byte, error) { return s.Sync(ctx, enr.Device, body) })
	}
	const households, members = 30, 5
	for range households {
		household(t, a, "camp_north", members)
	}
	const changes = households * (1 + members)
	after.Store(0) // opening read the log to index it
	syncs := map[*store.Workspace]int{}
	for _, w := range []*store.Workspace{a, b} {
		c, err := client.New(client.Config{Workspace: w, Transport: trs[w]})
		if err != nil {
			t.Fatal(err)
		}
		before, _ := s.Stats()
		if _, err := c.Sync(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		st, _ := s.Stats()
		syncs[w] = int(st.Syncs - before.Syncs)
	}
	if got := b.Count(registry.KindPerson); got != households*members {
		t.Fatalf("the second device holds %d persons, want %d", got, households*members)
	}
	if seenAsked.Load() != changes || seenCalls.Load() > int64(syncs[a]) {
		t.Errorf("resend checks: %d reads for %d changes in %d rounds, want one read per round", seenCalls.Load(), seenAsked.Load(), syncs[a])
	}
	// 180 changes in reads of 16, 32, 64 and 128: 4, not 180.
	if logRead.Load() < changes || logCalls.Load() > 4 || after.Load() > 0 {
		t.Errorf("the pull read %d changes in %d reads (and %d one at a time), want all %d in at most 4", logRead.Load(), logCalls.Load(), after.Load(), changes)
	}
}

package hq_test

import (
	"bytes"
	"context"
	"maps"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/client"
	"fieldreg/sync/wire"
)

// emptyMapsRequest is the review's hostile sync request: a push batch
// whose columns hold nothing but empty CBOR maps, a byte each, which
// compresses to almost nothing.
func emptyMapsRequest(device uuid.UUID, columns, perColumn int) []byte {
	var b bytes.Buffer
	b.Write([]byte{0xa3, 0x01, 0x01, 0x02, 0x50}) // {1: 1, 2: h'<device>', 3: {4: [[{}, ...], ...]}}
	b.Write(device[:])
	b.Write([]byte{0x03, 0xa1, 0x04})
	head := func(n int) { b.Write([]byte{0x9a, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}) }
	head(columns)
	for range columns {
		head(perColumn)
		b.Write(bytes.Repeat([]byte{0xa0}, perColumn))
	}
	return b.Bytes()
}

// enrolledVia enrolls a new device workspace with s, in-process.
func enrolledVia(t testing.TB, s *hq.Server, name string) (*store.Workspace, uuid.UUID) {
	t.Helper()
	w := newDevice(t)
	code, err := s.NewEnrollment(context.Background(), hq.Enrollment{Name: name, Sites: []string{"camp_north"}})
	if err != nil {
		t.Fatal(err)
	}
	enr, err := client.EnrollVia(context.Background(), w, code.String(), client.TransportFunc(s.Enroll))
	if err != nil {
		t.Fatal(err)
	}
	return w, enr.Device
}

// TestHostileRequestIsRefusedInBoundedMemory: the review's 2 KB request
// (16.7 MB of empty maps once decompressed) made HQ allocate 2.2 GiB; now
// it is refused as too large for a few MB, and so is one of 4 million
// empty maps that stays under the decompressed size limit.
func TestHostileRequestIsRefusedInBoundedMemory(t *testing.T) {
	s := newHQ(t)
	w, device := enrolledVia(t, s, "attacker")
	for _, tc := range []struct {
		name               string
		columns, perColumn int
	}{
		{"the review's request", 835, 20000},
		{"within the size limit", 200, 20000},
	} {
		body := wire.Compress(nil, emptyMapsRequest(w.Device(), tc.columns, tc.perColumn))
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		_, err := s.Sync(context.Background(), device, body)
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		if code := wire.ErrorFor(err).Code; code != wire.CodeTooLarge {
			t.Fatalf("%s (%d bytes): %v, want too large", tc.name, len(body), err)
		}
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %d bytes refused in %v, %d MB allocated", tc.name, len(body), took, alloc>>20)
		if alloc > 32<<20 {
			t.Errorf("%s: refusing it allocated %d MB", tc.name, alloc>>20)
		}
		if took > 5*time.Second {
			t.Errorf("%s: refusing it took %v", tc.name, took)
		}
	}
	// The device's real syncs still go through.
	household(t, w, "camp_north", 2)
	tr := client.TransportFunc(func(ctx context.Context, body []byte) ([]byte, error) { return s.Sync(ctx, device, body) })
	c, _ := client.New(client.Config{Workspace: w, Transport: tr})
	if sum, err := c.Sync(context.Background(), nil); err != nil || sum.Sent != 3 {
		t.Fatalf("a real sync after the hostile ones: sent %d, %v", sum.Sent, err)
	}
}

// TestLargestBatchFitsTheSyncLimits: the largest push a device makes
// (2 MiB as the client estimates it) of registrations is not refused.
func TestLargestBatchFitsTheSyncLimits(t *testing.T) {
	s := newHQ(t)
	w, device := enrolledVia(t, s, "tablet")
	at := time.Now().Add(-time.Hour).UnixMilli()
	var push []change.Change
	add := func(record uuid.UUID, kind string, fields map[string]string) {
		c := change.Change{Device: w.Device(), DeviceSeq: uint64(len(push) + 1), Record: record, Kind: kind, Author: "amina",
			Stamp: change.Stamp{HLC: change.MakeHLC(at+int64(len(push)), 0), Device: w.Device()}}
		for _, f := range slices.Sorted(maps.Keys(fields)) {
			c.Writes = append(c.Writes, change.Write{Field: f, Value: fields[f]})
		}
		push = append(push, c)
	}
	for size := 0; size < 2<<20; {
		h := registry.NewID()
		add(h, registry.KindHousehold, map[string]string{"site": "camp_north", "consent": "true", "status": "active",
			"phone": "+2348012345678", "shelter_type": "tent"})
		for i := range 5 {
			rel := "child"
			if i == 0 {
				rel = "head"
			}
			add(registry.NewID(), registry.KindPerson, map[string]string{"household_id": h.String(), "relationship": rel,
				"given_name": "Amina", "family_name": "Bukar", "sex": "female", "birth_date": "2001-05-04"})
		}
		for _, c := range push[len(push)-6:] {
			size += wire.EstimateSize(c)
		}
	}
	req, err := wire.EncodeRequest(&wire.SyncRequest{Version: wire.Version, Device: w.Device(), Push: push, PushFrom: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sync(context.Background(), device, wire.Compress(nil, req)); err != nil {
		t.Fatalf("a push of %d changes (%d bytes encoded): %v", len(push), len(req), err)
	}
	t.Logf("a push of %d changes, %d bytes encoded, stored", len(push), len(req))
}

// gatedStore holds every commit while closed, so syncs pile up inside HQ.
type gatedStore struct {
	hq.Store
	closed  *atomic.Bool
	entered chan struct{}
	open    chan struct{}
}

func (g gatedStore) ApplyRemote(cs []change.Change, meta map[string][]byte) ([]store.Result, error) {
	if g.closed.Load() {
		g.entered <- struct{}{}
		<-g.open
	}
	return g.Store.ApplyRemote(cs, meta)
}

// ApplyRemoteUnits is the path ingest takes: held like ApplyRemote.
func (g gatedStore) ApplyRemoteUnits(cs []change.Change, units []uint64, meta map[string][]byte) ([]store.Result, error) {
	if g.closed.Load() {
		g.entered <- struct{}{}
		<-g.open
	}
	return g.Store.ApplyRemoteUnits(cs, units, meta)
}

// TestConcurrentSyncsAreCapped: past cfg.MaxSyncs, and for a second sync
// of the same device, HQ answers that it is unavailable (the device retries
// later) rather than decoding without bound — at once for the same device,
// after a short wait for a slot otherwise; a sync whose slot frees while it
// waits gets in instead of being sent into backoff.
func TestConcurrentSyncsAreCapped(t *testing.T) {
	forms, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	cfg := hq.Config{Dir: t.TempDir(), Passphrase: testPass, KDF: cheapKDF, Validate: forms.Validator(time.Now), MaxSyncs: 2}
	if err := hq.Init(cfg, "127.0.0.1:1", nil); err != nil {
		t.Fatal(err)
	}
	g := gatedStore{closed: new(atomic.Bool), entered: make(chan struct{}, 8), open: make(chan struct{})}
	s, err := hq.OpenStore(cfg, func(indexes ...store.Indexer) (hq.Store, error) {
		w, err := store.Open(cfg.Dir+"/"+hq.WorkspaceDir, "hq", testPass, store.Options{KDF: cheapKDF, Validate: cfg.Validate, Indexes: indexes})
		g.Store = w
		return g, err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	type device struct {
		id   uuid.UUID
		body []byte
	}
	var ds []device
	for _, name := range []string{"a", "b", "c"} {
		w, id := enrolledVia(t, s, name)
		req, _ := wire.EncodeRequest(&wire.SyncRequest{Version: wire.Version, Device: w.Device()})
		ds = append(ds, device{id, wire.Compress(nil, req)})
	}
	sync := func(d device) <-chan error {
		done := make(chan error, 1)
		go func() {
			_, err := s.Sync(context.Background(), d.id, d.body)
			done <- err
		}()
		return done
	}
	// refusedAtOnce waits for a sync that must be refused as unavailable.
	refusedAtOnce := func(what string, d device) {
		t.Helper()
		select {
		case err := <-sync(d):
			if we := wire.ErrorFor(err); we.Code != wire.CodeUnavailable || !we.Code.Temporary() {
				t.Fatalf("%s: %v, want unavailable", what, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: still waiting after 5 s, want refused at once", what)
		}
	}
	g.closed.Store(true)
	a := sync(ds[0])
	<-g.entered // a is inside HQ, its commit held
	refusedAtOnce("a second sync of the same device", ds[0])
	before, _ := s.Stats()
	b := sync(ds[1])
	for st, _ := s.Stats(); st.Syncs == before.Syncs; st, _ = s.Stats() {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // b is past its admission, waiting behind a
	refusedAtOnce("a third sync with two allowed", ds[2])

	c := sync(ds[2]) // waits for a slot…
	time.Sleep(100 * time.Millisecond)
	g.closed.Store(false)
	close(g.open) // …which frees here
	if err := <-c; err != nil {
		t.Fatalf("a sync whose slot freed while it waited: %v", err)
	}
	for _, done := range []<-chan error{a, b} {
		if err := <-done; err != nil {
			t.Fatalf("a sync held inside HQ: %v", err)
		}
	}
	if err := <-sync(ds[2]); err != nil {
		t.Fatalf("the refused device, once HQ is free: %v", err)
	}
	if err := <-sync(ds[0]); err != nil {
		t.Fatalf("the first device again: %v", err)
	}
}

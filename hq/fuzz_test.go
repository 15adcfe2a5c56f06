package hq_test

import (
	"bytes"
	"context"
	"runtime"
	"testing"

	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/client"
	"fieldreg/sync/wire"
)

// FuzzSync feeds HQ's sync handler bodies from an enrolled device: whatever
// the bytes, no panic, and either a protocol error or a valid response.
func FuzzSync(f *testing.F) {
	s := newHQ(f)
	w := newDevice(f)
	code, err := s.NewEnrollment(context.Background(), hq.Enrollment{Name: "fuzz", Sites: []string{hq.AllSites}})
	if err != nil {
		f.Fatal(err)
	}
	enr, err := client.EnrollVia(context.Background(), w, code.String(), client.TransportFunc(s.Enroll))
	if err != nil {
		f.Fatal(err)
	}
	// Seeds: real requests of this device, an empty one, and garbage.
	var seeds [][]byte
	tr := client.TransportFunc(func(ctx context.Context, body []byte) ([]byte, error) {
		seeds = append(seeds, bytes.Clone(body))
		return s.Sync(ctx, enr.Device, body)
	})
	household(f, w, "camp_north", 2)
	c, _ := client.New(client.Config{Workspace: w, Transport: tr})
	if _, err := c.Sync(context.Background(), nil); err != nil {
		f.Fatal(err)
	}
	h, _ := household(f, w, "camp_north", 1)
	if _, err := w.Commit(store.Edit{Record: h.ID, Kind: registry.KindHousehold, Set: map[string]string{"status": "moved"}}); err != nil {
		f.Fatal(err)
	}
	own, _ := w.OwnChangesAfter(0, 0)
	pending, _ := wire.EncodeRequest(&wire.SyncRequest{Version: wire.Version, Device: w.Device(), Push: own, PushFrom: 1})
	f.Add(wire.Compress(nil, pending))
	for _, b := range seeds {
		f.Add(b)
	}
	empty, _ := wire.EncodeRequest(&wire.SyncRequest{Version: wire.Version, Device: w.Device()})
	f.Add(wire.Compress(nil, empty))
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, body []byte) {
		out, err := s.Sync(context.Background(), enr.Device, body)
		if err != nil {
			if wire.ErrorFor(err).Code == wire.CodeInternal {
				t.Fatalf("hostile body gave an internal error: %v", err)
			}
			return
		}
		plain, err := wire.Decompress(out, wire.DefaultLimits().MaxBody)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := wire.DecodeResponse(plain, wire.DefaultLimits()); err != nil {
			t.Fatalf("HQ's own response does not decode: %v", err)
		}
	})
}

// FuzzSyncCBOR feeds HQ's sync handler CBOR from an enrolled device,
// compressed as a device would: unlike FuzzSync, whose bytes must first
// make a valid zstd frame, every input reaches the decoder. Whatever the
// CBOR, no panic, no internal error, and what HQ allocates stays bounded by
// the input (no more than a few hundred bytes an item).
func FuzzSyncCBOR(f *testing.F) {
	s := newHQ(f)
	w, device := enrolledVia(f, s, "fuzz")
	h, _ := household(f, w, "camp_north", 2)
	if _, err := w.Commit(store.Edit{Record: h.ID, Kind: registry.KindHousehold, Set: map[string]string{"status": "moved"}}); err != nil {
		f.Fatal(err)
	}
	own, _ := w.OwnChangesAfter(0, 0)
	for _, r := range []*wire.SyncRequest{
		{Version: wire.Version, Device: w.Device(), Push: own, PushFrom: 1},
		{Version: wire.Version, Device: w.Device(), Push: own[1:], PushFrom: 2, Cursor: 3, PullMax: 1 << 10},
		{Version: wire.Version, Device: w.Device()},
	} {
		b, err := wire.EncodeRequest(r)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(emptyMapsRequest(w.Device(), 3, 100))
	f.Fuzz(func(t *testing.T, plain []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		out, err := s.Sync(context.Background(), device, wire.Compress(nil, plain))
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20+512*uint64(len(plain)) {
			t.Fatalf("%d bytes of CBOR made HQ allocate %d MB", len(plain), alloc>>20)
		}
		if err != nil {
			if wire.ErrorFor(err).Code == wire.CodeInternal {
				t.Fatalf("hostile CBOR gave an internal error: %v", err)
			}
			return
		}
		dec, err := wire.Decompress(out, wire.DefaultLimits().MaxBody)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := wire.DecodeResponse(dec, wire.DefaultLimits()); err != nil {
			t.Fatalf("HQ's own response does not decode: %v", err)
		}
	})
}

// FuzzEnroll feeds the enrollment handler anything: no panic, no device
// enrolled without a token.
func FuzzEnroll(f *testing.F) {
	s := newHQ(f)
	req, _ := wire.EncodeEnrollRequest(&wire.EnrollRequest{Version: wire.Version, Token: "AAAA", Name: "x", PublicKey: make([]byte, 32)})
	f.Add(wire.Compress(nil, req))
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, body []byte) {
		if _, err := s.Enroll(context.Background(), body); err == nil {
			t.Fatal("enrolled a device without a valid token")
		}
	})
}

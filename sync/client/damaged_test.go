package client_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/client"
	"fieldreg/sync/wire"
)

// damageChange flips a byte of the change at log seq in the closed
// workspace in dir (bucket and key as store/doc.go describes them).
func damageChange(t *testing.T, dir string, logSeq uint64) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, store.DBFile), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	key := binary.BigEndian.AppendUint64(nil, logSeq)
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("changes"))
		v := bytes.Clone(b.Get(key))
		v[len(v)-1] ^= 1
		return b.Put(key, v)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// reopen closes w and opens its directory again after damage.
func reopenDamaged(t *testing.T, w *store.Workspace, clock func() time.Time, damage func(dir string)) *store.Workspace {
	t.Helper()
	dir := w.Dir()
	w.Close()
	damage(dir)
	w, err := store.Open(dir, "amal", testPass, store.Options{KDF: cheapKDF, Now: clock})
	if err != nil {
		t.Fatalf("open the damaged workspace: %v", err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// One damaged change of this device used to block its queue for ever
// ("sent 0 of 8", every time). It is set aside: the rest is sent, HQ
// quarantines the placeholder with the reason, and later syncs go on.
func TestDamagedOwnChangeIsSetAsideAndTheRestSync(t *testing.T) {
	clock := newFakeClock()
	s := newHQ(t, clock.Now, nil)
	w := newDeviceAt(t, t.TempDir(), "amal", clock.Now)
	enr := enrollInProcess(t, s, w, "tablet-a", "camp_north")
	registerHousehold(t, w, "camp_north", 3) // device seqs 1..4 (log seqs too: all local)
	registerHousehold(t, w, "camp_north", 3) // 5..8
	w = reopenDamaged(t, w, clock.Now, func(dir string) { damageChange(t, dir, 3) })

	tr := inProcess(s, enr.Device)
	sum := syncOnce(t, w, tr)
	if sum.Sent != 7 || sum.Quarantined != 0 {
		t.Errorf("sync: sent %d, quarantined %d; want 7 and 0", sum.Sent, sum.Quarantined)
	}
	if len(sum.SetAside) != 1 || sum.SetAside[0].DeviceSeq != 3 || !strings.Contains(sum.SetAside[0].Reason, "authentication failed") {
		t.Fatalf("set aside: %+v, want change 3", sum.SetAside)
	}
	if n, _ := client.Pending(w); n != 0 {
		t.Errorf("%d changes still pending", n)
	}
	if n := s.Workspace().Count(registry.KindPerson); n != 5 {
		t.Errorf("HQ holds %d persons, want the 5 that could be read", n)
	}
	q, err := s.Workspace().Quarantined()
	if err != nil || len(q) != 1 || !strings.Contains(q[0].Reason, "set aside on device") || q[0].Change.DeviceSeq != 3 {
		t.Errorf("HQ quarantine: %+v, %v", q, err)
	}

	// The queue moves on: a later edit is sent, nothing is set aside again.
	registerHousehold(t, w, "camp_north", 1)
	sum = syncOnce(t, w, tr)
	if sum.Sent != 2 || len(sum.SetAside) != 0 {
		t.Errorf("next sync: sent %d, set aside %v", sum.Sent, sum.SetAside)
	}
	if list, _ := w.SetAside(); len(list) != 1 {
		t.Errorf("set-aside list: %+v", list)
	}
}

// Bundle export used to fail on a damaged change in the same way; it
// carries a placeholder instead, and HQ acknowledges past it.
func TestBundleExportSetsADamagedChangeAside(t *testing.T) {
	clock := newFakeClock()
	s := newHQ(t, clock.Now, nil)
	w := newDeviceAt(t, t.TempDir(), "amal", clock.Now)
	enrollInProcess(t, s, w, "tablet-a", "camp_north")
	registerHousehold(t, w, "camp_north", 3)
	w = reopenDamaged(t, w, clock.Now, func(dir string) { damageChange(t, dir, 2) })

	var buf bytes.Buffer
	n, err := client.ExportBundle(w, &buf)
	if err != nil {
		t.Fatalf("export bundle: %v", err)
	}
	if n != 3 {
		t.Errorf("bundle of %d changes, want the 3 readable", n)
	}
	if pend, err := client.PendingSetAside(w); err != nil || len(pend) != 1 || pend[0].DeviceSeq != 2 {
		t.Errorf("pending set-aside: %+v, %v", pend, err)
	}
	res, err := s.ImportBundle(context.Background(), &buf)
	if err != nil {
		t.Fatalf("HQ imports the bundle: %v", err)
	}
	if res.Stored != 4 || res.Device.Acked != 4 {
		t.Errorf("HQ stored %d (acked %d), want 4 with the placeholder", res.Stored, res.Device.Acked)
	}
}

// junkPull wraps a transport and fills the first pulled change of every
// answer with oversized junk, as a damaged or hostile HQ could send.
func junkPull(tr client.Transport) client.Transport {
	return client.TransportFunc(func(ctx context.Context, body []byte) ([]byte, error) {
		out, err := tr.RoundTrip(ctx, body)
		if err != nil {
			return nil, err
		}
		plain, err := wire.Decompress(out, wire.DefaultLimits().MaxBody)
		if err != nil {
			return nil, err
		}
		resp, err := wire.DecodeResponse(plain, wire.DefaultLimits())
		if err != nil || len(resp.Pull) == 0 {
			return out, err
		}
		c := &resp.Pull[0].Change
		junk := strings.Repeat("j", 60<<10)
		for i := range c.Writes {
			c.Writes[i].Value = junk
		}
		enc, err := wire.EncodeResponse(resp)
		if err != nil {
			return nil, err
		}
		return wire.Compress(nil, enc), nil
	})
}

// A pull holding a change over the byte cap used to grow a tablet until
// every pull failed with ErrTooLarge. The change is quarantined on the
// tablet, the rest is stored, and the next sync works.
func TestOversizedPulledChangeIsQuarantined(t *testing.T) {
	clock := newFakeClock()
	s := newHQ(t, clock.Now, nil)
	a := newDevice(t, "amal", clock.Now)
	b, err := store.Create(t.TempDir(), "bilal", testPass, store.Options{KDF: cheapKDF, Now: clock.Now, MaxSize: 8 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	ea := enrollInProcess(t, s, a, "tablet-a", "camp_north")
	eb := enrollInProcess(t, s, b, "tablet-b", "camp_north")
	registerHousehold(t, a, "camp_north", 3)
	syncOnce(t, a, inProcess(s, ea.Device))

	sum := syncOnce(t, b, junkPull(inProcess(s, eb.Device)))
	if sum.Received != 3 {
		t.Errorf("received %d, want the 3 changes that fit", sum.Received)
	}
	q, err := b.Quarantined()
	if err != nil || len(q) != 1 || !strings.Contains(q[0].Reason, store.ErrRecordTooLarge.Error()) {
		t.Fatalf("tablet quarantine: %+v, %v", q, err)
	}
	registerHousehold(t, a, "camp_north", 1)
	syncOnce(t, a, inProcess(s, ea.Device))
	if sum := syncOnce(t, b, inProcess(s, eb.Device)); sum.Received != 2 {
		t.Errorf("next sync received %d, want 2", sum.Received)
	}
}

// Junk in the fields of a deleted record — a few kilobytes on the wire —
// used to be stored unchecked at HQ and sent on to every tablet, growing
// each file by hundreds of megabytes. HQ quarantines it, the record stays
// as it was, and tablets receive none of it.
func TestJunkForADeletedRecordIsQuarantinedAtHQ(t *testing.T) {
	forms, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	clock := newFakeClock()
	s := newHQ(t, clock.Now, forms.Validator(clock.Now))
	a, err := store.Create(t.TempDir(), "amal", testPass, store.Options{KDF: cheapKDF, Now: clock.Now, Validate: forms.Validator(clock.Now)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	ea := enrollInProcess(t, s, a, "tablet-a", "camp_north")
	h := registerHousehold(t, a, "camp_north", 1)
	if _, err := a.Delete(h); err != nil {
		t.Fatal(err)
	}
	syncOnce(t, a, inProcess(s, ea.Device))

	// Another enrolled device pushes junk to the deleted household.
	junkDev := newDevice(t, "mallory", clock.Now)
	ej := enrollInProcess(t, s, junkDev, "tablet-j", "camp_north")
	value := strings.Repeat("a", registry.MaxValueBytes)
	var push []change.Change
	stamp := change.MakeHLC(clock.Now().UnixMilli(), 0)
	// 50 changes of 15 full-length values: 3 MiB decoded, under HQ's body
	// limit, so it is the deletion rule that must keep them out.
	const junk = 50
	for i := range junk {
		c := change.Change{Device: junkDev.Device(), DeviceSeq: uint64(i + 1), Record: h, Kind: registry.KindHousehold, Author: "mallory",
			Stamp: change.Stamp{HLC: stamp + uint64(i), Device: junkDev.Device()}}
		for f := range 15 {
			c.Writes = append(c.Writes, change.Write{Field: fmt.Sprintf("junk_%d", f), Value: value})
		}
		push = append(push, c)
	}
	enc, err := wire.EncodeRequest(&wire.SyncRequest{Version: wire.Version, Device: junkDev.Device(), Push: push, PushFrom: 1, PullMax: 4 << 10})
	if err != nil {
		t.Fatal(err)
	}
	body := wire.Compress(nil, enc)
	before := s.Workspace().FileSize()
	if _, err := s.Sync(context.Background(), ej.Device, body); err != nil {
		t.Fatalf("HQ answered the junk with %v", err)
	}
	grown := s.Workspace().FileSize() - before
	t.Logf("%d KiB on the wire, %d MiB of junk; HQ's file grew %d KiB", len(body)>>10, len(enc)>>20, grown>>10)
	if grown > 2<<20 {
		t.Errorf("HQ's file grew %d bytes for %d bytes on the wire", grown, len(body))
	}
	q, err := s.Workspace().Quarantined()
	if err != nil || len(q) != junk {
		t.Fatalf("HQ quarantined %d of %d junk changes (%v)", len(q), junk, err)
	}
	rec, err := s.Workspace().Get(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rec.Fields["junk_0"]; ok {
		t.Error("the junk reached the deleted household at HQ")
	}
	if sum := syncOnce(t, a, inProcess(s, ea.Device)); sum.Received != 0 {
		t.Errorf("the tablet received %d changes of junk", sum.Received)
	}
}

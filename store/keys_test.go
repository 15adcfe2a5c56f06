package store

import (
	"bytes"
	"testing"

	"github.com/google/uuid"
)

// fileKeys makes the database keys of the closed workspace in dir, from its
// key file and the test admin's passphrase, for tests that tamper with the
// file.
type fileKeys struct {
	k      keyer
	device uuid.UUID
}

func keysOf(t *testing.T, dir string) fileKeys {
	t.Helper()
	kf, err := readKeyFile(keyPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	k, err := newKeyer(masterOf(t, keyPath(dir), "admin", testPass), kf.device)
	if err != nil {
		t.Fatal(err)
	}
	return fileKeys{k: k, device: kf.device}
}

func (f fileKeys) record(id uuid.UUID) []byte { return f.k.recordKey(id) }

func (f fileKeys) seen(device uuid.UUID, seq uint64) []byte {
	return f.k.seenKey(f.device, device, seq)
}

// The keys' cost on HQ's ingest path: a seen key per received change
// (SeenChanges, ApplyRemote) and a record key per change.
func BenchmarkSeenKey(b *testing.B) {
	k, err := newKeyer(make([]byte, masterKeySize), uuid.New())
	if err != nil {
		b.Fatal(err)
	}
	own, dev := uuid.New(), uuid.New()
	for i := range b.N {
		k.seenKey(own, dev, uint64(i))
	}
}

func BenchmarkRecordKey(b *testing.B) {
	k, err := newKeyer(make([]byte, masterKeySize), uuid.New())
	if err != nil {
		b.Fatal(err)
	}
	id := uuid.New()
	for range b.N {
		k.recordKey(id)
	}
}

// recordID undoes recordKey, and ids made in one millisecond get keys with
// nothing in common.
func TestRecordKeys(t *testing.T) {
	k, err := newKeyer(bytes.Repeat([]byte{7}, masterKeySize), uuid.New())
	if err != nil {
		t.Fatal(err)
	}
	a, b := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	ka, kb := k.recordKey(a), k.recordKey(b)
	if bytes.Equal(ka[:2], kb[:2]) || bytes.Contains(ka, a[:6]) {
		t.Errorf("keys %x and %x of ids %s and %s", ka, kb, a, b)
	}
	if got, ok := k.recordID(ka); !ok || got != a {
		t.Errorf("recordID(recordKey(%s)) = %s, %v", a, got, ok)
	}
	if _, ok := k.recordID(ka[:15]); ok {
		t.Error("a 15-byte key taken for a record key")
	}
	other, err := newKeyer(bytes.Repeat([]byte{8}, masterKeySize), uuid.New())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(other.recordKey(a), ka) {
		t.Error("two master keys give the same record key")
	}
	own := uuid.New()
	if s, ok := k.ownSeq(k.seenKey(own, own, 42)); !ok || s != 42 {
		t.Errorf("own seen key: seq %d, %v", s, ok)
	}
	if _, ok := k.ownSeq(k.seenKey(own, uuid.New(), 42)); ok {
		t.Error("another device's seen key taken for this device's")
	}
	if _, ok := k.ownSeq(k.seenKey(uuid.New(), own, 42)); ok {
		t.Error("a seen key made for another own device taken for this one's")
	}
}

func TestRecordKeyOfClosedWorkspace(t *testing.T) {
	w, err := Create(t.TempDir(), "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.New()
	if len(w.RecordKey(id)) != recordKeySize {
		t.Fatal("no record key from the open workspace")
	}
	w.Close()
	if k := w.RecordKey(id); k != nil {
		t.Errorf("a closed workspace still makes record keys: %x", k)
	}
}

package store

import (
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
	i := kf.find("admin")
	if i < 0 {
		t.Fatal("no admin slot")
	}
	master, _, err := kf.unwrap(&kf.slots[i], testPass)
	if err != nil {
		t.Fatal(err)
	}
	k, err := newKeyer(master, kf.device)
	if err != nil {
		t.Fatal(err)
	}
	return fileKeys{k: k, device: kf.device}
}

func (f fileKeys) record(id uuid.UUID) []byte { return f.k.recordKey(id) }

func (f fileKeys) seen(device uuid.UUID, seq uint64) []byte {
	return f.k.seenKey(f.device, device, seq)
}

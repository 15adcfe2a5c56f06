package store

import (
	"bytes"
	"errors"
	"testing"
)

func TestSealNoncesNeverRepeat(t *testing.T) {
	s, err := newSealer(make([]byte, masterKeySize), bucketRecords, newNonceSource())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i := range 2000 { // several refills of the nonce buffer
		v := s.seal([]byte("k"), []byte("same plaintext"))
		n := string(v[:nonceSize])
		if seen[n] || bytes.Equal(v[:nonceSize], make([]byte, nonceSize)) {
			t.Fatalf("value %d: nonce repeated or zero", i)
		}
		seen[n] = true
	}
}

func TestSealBindsBucketAndKey(t *testing.T) {
	master := make([]byte, masterKeySize)
	nonces := newNonceSource()
	records, _ := newSealer(master, bucketRecords, nonces)
	changes, _ := newSealer(master, bucketChanges, nonces)
	v := records.seal([]byte("key-a"), []byte("payload"))
	if p, err := records.open([]byte("key-a"), v); err != nil || string(p) != "payload" {
		t.Fatalf("open: %q %v", p, err)
	}
	if _, err := records.open([]byte("key-b"), v); !errors.Is(err, ErrCorrupt) {
		t.Errorf("moved to another key: %v", err)
	}
	if _, err := changes.open([]byte("key-a"), v); !errors.Is(err, ErrCorrupt) {
		t.Errorf("moved to another bucket: %v", err)
	}
}

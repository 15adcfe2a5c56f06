package store

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store/kv"
)

type fileState struct {
	hash  [32]byte
	mtime time.Time
	size  int64
}

func snapshot(t *testing.T, dir string) map[string]fileState {
	t.Helper()
	out := map[string]fileState{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = fileState{sha256.Sum256(b), fi.ModTime(), fi.Size()}
	}
	return out
}

func TestWrongPassphraseLeavesFilesUntouched(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	_, edits := household("camp-a", "Amina")
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	w.Close()
	before := snapshot(t, dir)
	time.Sleep(20 * time.Millisecond) // so a touched mtime would show
	for _, user := range []string{"admin", "nobody"} {
		if _, err := Open(dir, user, []byte("wrong"), testOptions()); !errors.Is(err, ErrWrongPassphrase) {
			t.Errorf("open as %s with a wrong passphrase: %v", user, err)
		}
	}
	after := snapshot(t, dir)
	if len(before) != len(after) {
		t.Fatalf("files before %v, after %v", before, after)
	}
	for name, b := range before {
		if after[name] != b {
			t.Errorf("%s changed: %+v → %+v", name, b, after[name])
		}
	}
}

// sealedValue names one stored value.
type sealedValue struct{ bucket, key string }

func sealedValues(t *testing.T, path string) []sealedValue {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []sealedValue
	db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				out = append(out, sealedValue{string(name), string(k)})
				return nil
			})
		})
	})
	return out
}

// tamper rewrites one value of the closed database.
func tamper(t *testing.T, path string, fn func(tx kv.Tx) error) {
	t.Helper()
	db, err := kv.OpenBolt(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
	db.Close()
}

// TestTamperedValuesAreCorrupt flips bytes of every sealed value (nonce,
// ciphertext, tag) and checks that the workspace reports ErrCorrupt — on
// unlock, Get or Verify — and never returns the wrong data or panics.
func TestTamperedValuesAreCorrupt(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	h, edits := household("camp-a", "Amina")
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	if err := w.SaveDraft("d", []byte("draft")); err != nil {
		t.Fatal(err)
	}
	if err := w.PutMeta("m", []byte("meta")); err != nil {
		t.Fatal(err)
	}
	dev := newRemoteDevice(nil)
	if _, err := w.ApplyRemote([]change.Change{dev.change(registry.NewID(), registry.KindPerson, nil, map[string]string{"sex": "female"})}, nil); err != nil {
		t.Fatal(err)
	}
	want, _ := w.Get(h)
	w.Close()
	path := filepath.Join(dir, DBFile)
	pristine, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	values := sealedValues(t, path)
	if len(values) < 10 {
		t.Fatalf("only %d values", len(values))
	}
	for _, sv := range values {
		os.WriteFile(path, pristine, 0o600)
		var orig []byte
		tamper(t, path, func(tx kv.Tx) error {
			orig = bytes.Clone(tx.Bucket(sv.bucket).Get([]byte(sv.key)))
			return nil
		})
		positions := []int{0, nonceSize - 1, nonceSize, len(orig) / 2, len(orig) - 17, len(orig) - 1}
		for _, pos := range positions {
			if pos < 0 || pos >= len(orig) {
				continue
			}
			os.WriteFile(path, pristine, 0o600)
			tamper(t, path, func(tx kv.Tx) error {
				v := bytes.Clone(orig)
				v[pos] ^= 0x01
				return tx.Bucket(sv.bucket).Put([]byte(sv.key), v)
			})
			checkCorrupt(t, dir, sv, pos, h, want)
		}
	}
	// Truncated value.
	os.WriteFile(path, pristine, 0o600)
	hk := keysOf(t, dir).record(h)
	tamper(t, path, func(tx kv.Tx) error { return tx.Bucket(bucketRecords).Put(hk, []byte{1, 2, 3}) })
	checkCorrupt(t, dir, sealedValue{bucketRecords, string(hk)}, -1, h, want)
}

func checkCorrupt(t *testing.T, dir string, sv sealedValue, pos int, h uuid.UUID, want registry.Record) {
	t.Helper()
	w, err := Open(dir, "admin", testPass, testOptions())
	if err != nil {
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s/%x byte %d: open: %v, want ErrCorrupt", sv.bucket, sv.key, pos, err)
		}
		return
	}
	defer w.Close()
	failures := 0
	if rec, err := w.Get(h); err != nil {
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s/%x byte %d: get: %v", sv.bucket, sv.key, pos, err)
		}
		failures++
	} else if !sameRecord(rec, want) {
		t.Errorf("%s/%x byte %d: get returned different data", sv.bucket, sv.key, pos)
	}
	if _, err := w.Verify(); err != nil {
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s/%x byte %d: verify: %v", sv.bucket, sv.key, pos, err)
		}
		failures++
	}
	if failures == 0 {
		t.Errorf("%s/%x byte %d: flipped byte went unnoticed", sv.bucket, sv.key, pos)
	}
}

func TestSwappedRecordsAreCorrupt(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	_, edits := household("camp-a", "Amina", "Yusuf")
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	w.Close()
	a, b := edits[1].Record, edits[2].Record
	keys := keysOf(t, dir)
	ka, kb := keys.record(a), keys.record(b)
	tamper(t, filepath.Join(dir, DBFile), func(tx kv.Tx) error {
		bk := tx.Bucket(bucketRecords)
		va, vb := bytes.Clone(bk.Get(ka)), bytes.Clone(bk.Get(kb))
		bk.Put(ka, vb)
		return bk.Put(kb, va)
	})
	// Both fail authentication: the workspace opens without them, lists
	// them as damaged and never returns one's data as the other's.
	w, err = Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatalf("open with swapped records: %v", err)
	}
	defer w.Close()
	damaged := map[uuid.UUID]bool{}
	for _, d := range w.Damaged() {
		damaged[d.Record] = true
	}
	for _, id := range []uuid.UUID{a, b} {
		if !damaged[id] {
			t.Errorf("record %s not listed as damaged: %v", id, w.Damaged())
		}
		if _, err := w.Get(id); !errors.Is(err, ErrCorrupt) {
			t.Errorf("get swapped record %s: %v, want ErrCorrupt", id, err)
		}
	}
}

func TestTamperedKeyFile(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	path := filepath.Join(dir, KeyFile)
	pristine, _ := os.ReadFile(path)
	for pos := range pristine {
		b := bytes.Clone(pristine)
		b[pos] ^= 0xff
		os.WriteFile(path, b, 0o600)
		w, err := Open(dir, "admin", testPass, testOptions())
		if err == nil {
			// Free slots are ignored, so damage there costs nothing.
			if pos < keyHeaderSize+keySlotSize {
				t.Fatalf("key file byte %d flipped: opened", pos)
			}
			w.Close()
			continue
		}
		if !errors.Is(err, ErrWrongPassphrase) && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("key file byte %d flipped: %v", pos, err)
		}
	}
	os.WriteFile(path, pristine[:100], 0o600)
	if _, err := Open(dir, "admin", testPass, testOptions()); !errors.Is(err, ErrCorrupt) {
		t.Errorf("truncated key file: %v", err)
	}
}

// TestDamagedFileNeverCrashes flips bytes anywhere in the database file — page
// headers, branch pages, the freelist — and checks that unlocking and
// verifying report an error or succeed, but never panic.
func TestDamagedFileNeverCrashes(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		_, edits := household("camp-a", "Amina", "Yusuf", "Omar")
		if _, err := w.Commit(edits...); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	path := filepath.Join(dir, DBFile)
	pristine, _ := os.ReadFile(path)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	flips := 300
	if os.Getenv("FIELDREG_SOAK") == "1" {
		flips = 20000
	}
	for range flips {
		b := bytes.Clone(pristine)
		pos := r.IntN(len(b))
		b[pos] ^= byte(1 + r.IntN(255))
		os.WriteFile(path, b, 0o600)
		w, err := Open(dir, "admin", testPass, testOptions())
		if err != nil {
			continue
		}
		w.Verify()
		w.Close()
	}
}

// TestVerifyNoticesRemovedValues: values removed whole (no byte flipped, so
// every remaining value authenticates) are still noticed.
func TestVerifyNoticesRemovedValues(t *testing.T) {
	for _, tc := range []struct {
		name   string
		bucket string
		key    func(h []byte) []byte
	}{
		{"record", bucketRecords, nil},
		{"last change", bucketChanges, func([]byte) []byte { return seqKey(2) }},
		{"audit entry", bucketAudit, func([]byte) []byte { return seqKey(2) }},
		{"last audit entry", bucketAudit, func([]byte) []byte { return seqKey(3) }},
		{"seen entry", bucketSeen, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			w, err := Create(dir, "admin", testPass, testOptions())
			if err != nil {
				t.Fatal(err)
			}
			h, edits := household("camp-a", "Amina")
			if _, err := w.Commit(edits...); err != nil {
				t.Fatal(err)
			}
			w.Close()
			tamper(t, filepath.Join(dir, DBFile), func(tx kv.Tx) error {
				b := tx.Bucket(tc.bucket)
				if tc.key == nil {
					k, _ := b.Cursor().First()
					return b.Delete(k)
				}
				return b.Delete(tc.key(h[:]))
			})
			w, err = Open(dir, "admin", testPass, testOptions())
			if errors.Is(err, ErrRolledBack) {
				return // the last change gone is the log behind the key file's mark: refused at open
			}
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			rep, err := w.Verify()
			if !errors.Is(err, ErrCorrupt) || len(rep.Problems) == 0 {
				t.Errorf("verify: %v, problems %v", err, rep.Problems)
			}
		})
	}
}

package hq_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/client"
	"fieldreg/sync/wire"
)

func copyFiles(t *testing.T, from, to string, names ...string) {
	t.Helper()
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(from, n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, n), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// A device put back to an older copy of both its files (a consistent
// backup: no local check can tell) is refused at its next sync.
func TestDeviceWhoseAuditAnchorGoesBackIsRefused(t *testing.T) {
	s := newHQ(t)
	addr := serve(t, s)
	forms, _ := registry.BuiltinForms()
	opts := store.Options{KDF: cheapKDF, Validate: forms.Validator(time.Now)}
	dir := t.TempDir()
	w, err := store.Create(dir, "enumerator", testPass, opts)
	if err != nil {
		t.Fatal(err)
	}
	enroll(t, s, addr, w, "camp_north")
	household(t, w, "camp_north", 1)
	mustSync(t, w)
	w.Close()
	backup := t.TempDir()
	copyFiles(t, dir, backup, store.DBFile, store.KeyFile)

	w, err = store.Open(dir, "enumerator", testPass, opts)
	if err != nil {
		t.Fatal(err)
	}
	// Only the audit moves on: an export, say, that the copy will not hold.
	if err := w.AuditEvent("export", "households.csv"); err != nil {
		t.Fatal(err)
	}
	mustSync(t, w)
	w.Close()

	copyFiles(t, backup, dir, store.DBFile, store.KeyFile)
	w, err = store.Open(dir, "enumerator", testPass, opts)
	if err != nil {
		t.Fatalf("the restored copy opens (it is consistent): %v", err)
	}
	defer w.Close()
	_, err = syncNow(w)
	if !errors.Is(err, &wire.Error{Code: wire.CodeRolledBack}) || !errors.Is(err, client.ErrRestoredCopy) {
		t.Fatalf("sync of a rolled-back device: %v, want CodeRolledBack", err)
	}
}

// HQ's revocation is not undone by writing HQ's older database back: the
// put-back file is refused at open, and after the revocation the live
// file's free pages hold no older device state to write back.
func TestRevocationSurvivesAPutBackHQFile(t *testing.T) {
	forms, _ := registry.BuiltinForms()
	cfg := hq.Config{Dir: t.TempDir(), Passphrase: testPass, KDF: cheapKDF, Validate: forms.Validator(time.Now)}
	if err := hq.Init(cfg, "127.0.0.1:1", nil); err != nil {
		t.Fatal(err)
	}
	s, err := hq.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	addr := serve(t, s)
	w := newDevice(t)
	enroll(t, s, addr, w, "camp_north")
	household(t, w, "camp_north", 1)
	mustSync(t, w)

	wsDir := filepath.Join(cfg.Dir, hq.WorkspaceDir)
	before, after := t.TempDir(), t.TempDir()
	copyFiles(t, wsDir, before, store.DBFile)
	if _, err := s.Revoke(context.Background(), w.Device().String()); err != nil {
		t.Fatal(err)
	}
	copyFiles(t, wsDir, after, store.DBFile)
	live, err := os.ReadFile(filepath.Join(wsDir, store.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	now := metaValues(t, filepath.Join(after, store.DBFile))
	for v := range metaValues(t, filepath.Join(before, store.DBFile)) {
		if !now[v] && bytes.Contains(live, []byte(v)) {
			t.Errorf("HQ's file still holds a sealed meta value (%d bytes) from before the revocation in its free pages", len(v))
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// The pre-revocation database put back next to the live key file.
	copyFiles(t, before, wsDir, store.DBFile)
	if s, err := hq.Open(cfg); !errors.Is(err, store.ErrRolledBack) {
		if err == nil {
			s.Close()
		}
		t.Fatalf("HQ opened its pre-revocation database: %v, want store.ErrRolledBack", err)
	}
}

// metaValues returns the sealed values of the meta bucket of a copy of a
// workspace database, as they lie in the file.
func metaValues(t *testing.T, path string) map[string]bool {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string]bool{}
	err = db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).ForEach(func(_, v []byte) error {
			out[string(v)] = true
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

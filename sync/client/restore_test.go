package client_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"fieldreg/store"
	"fieldreg/sync/client"
)

// TestRestoredCopyStopsSync: a tablet's workspace restored from a backup
// made before its last syncs would number its next changes like ones HQ
// already holds. Sync must stop and keep them, not let HQ drop them as
// resends.
func TestRestoredCopyStopsSync(t *testing.T) {
	clock := newFakeClock()
	s := newHQ(t, clock.Now, nil)
	dir := filepath.Join(t.TempDir(), "tablet")
	w := newDeviceAt(t, dir, "amal", clock.Now)
	enr := enrollInProcess(t, s, w, "tablet", "camp_north")
	tr := inProcess(s, enr.Device)
	registerHousehold(t, w, "camp_north", 2)
	syncOnce(t, w, tr)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "backup")
	copyDir(t, dir, backup)

	w = openDevice(t, dir, clock)
	registerHousehold(t, w, "camp_north", 3) // reaches HQ; the backup never sees it
	syncOnce(t, w, tr)
	w.Close()

	restored := openDevice(t, backup, clock)
	defer restored.Close()
	h := registerHousehold(t, restored, "camp_north", 1) // numbered like the lost household
	c, err := client.New(client.Config{Workspace: restored, Transport: tr, Backoff: noBackoff})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Sync(context.Background(), nil)
	if !errors.Is(err, client.ErrRestoredCopy) {
		t.Fatalf("sync of a restored copy: %v, want ErrRestoredCopy", err)
	}
	if n, _ := client.Pending(restored); n != 2 {
		t.Errorf("pending on the restored copy = %d, want its 2 new changes kept", n)
	}
	if _, err := restored.Get(h); err != nil {
		t.Errorf("the household registered on the restored copy: %v", err)
	}
	if client.ExplainKey(err) == client.ExplainKey(errors.New("x")) {
		t.Error("no plain-language explanation for a restored copy")
	}
}

func openDevice(t *testing.T, dir string, clock *fakeClock) *store.Workspace {
	t.Helper()
	w, err := store.Open(dir, "amal", testPass, store.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o700); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

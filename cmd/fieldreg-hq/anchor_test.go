package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fieldreg/hq"
	"fieldreg/store"
	"fieldreg/sync/wire"
)

func copyWorkspace(t *testing.T, from, to string) {
	t.Helper()
	for _, n := range []string{store.DBFile, store.KeyFile} {
		b, err := os.ReadFile(filepath.Join(from, n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, n), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAnchorResetAcceptsARestoredTablet: a tablet put back to its own
// backup is refused as rolled back; once an operator runs anchor reset
// with a reason, its next sync is served and sets a new anchor (a second
// put-back is refused again), and HQ's audit log names the admin and the
// reason.
func TestAnchorResetAcceptsARestoredTablet(t *testing.T) {
	c := newCLI(t)
	c.must("init", "--addr", freeAddr(t))
	ctx, cancel := context.WithCancel(context.Background())
	var sout, serr bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, c.env(&sout, &serr), []string{"--data", c.dir, "serve"}) }()
	stop := func() {
		if cancel == nil {
			return
		}
		cancel()
		cancel = nil
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d: %s", code, serr.String())
		}
	}
	t.Cleanup(stop)
	waitFor(t, func() bool {
		conn, err := net.Dial("unix", filepath.Join(c.dir, hq.SocketName))
		if err == nil {
			conn.Close()
		}
		return err == nil
	})
	c.pass = ""

	w := enrolledTablet(t, c, "tablet-1")
	dir := w.Dir()
	open := func() *store.Workspace {
		t.Helper()
		w, err := store.Open(dir, "enumerator", []byte("device passphrase"), store.Options{KDF: cheapKDF})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { w.Close() })
		return w
	}
	backup := t.TempDir()
	w.Close()
	copyWorkspace(t, dir, backup)
	w = open()
	if err := w.AuditEvent("export", "households.csv"); err != nil { // the copy will not hold it
		t.Fatal(err)
	}
	if _, err := tabletSync(w); err != nil {
		t.Fatal(err)
	}
	w.Close()
	copyWorkspace(t, backup, dir)
	w = open()
	if _, err := tabletSync(w); !errors.Is(err, &wire.Error{Code: wire.CodeRolledBack}) {
		t.Fatalf("sync of the restored tablet: %v, want rolled back", err)
	}

	if code, _, errs := c.run("anchor", "reset", "tablet-1"); code != exitUsage || !strings.Contains(errs, "--reason") {
		t.Errorf("anchor reset without a reason: exit %d, %q; want a usage error naming --reason", code, errs)
	}
	if code, _, errs := c.run("anchor", "reset", "no-such-tablet", "--reason", "x"); code != exitFailure || !strings.Contains(errs, "unknown device") {
		t.Errorf("anchor reset of an unknown device: exit %d, %q", code, errs)
	}
	const reason = "restored from its SD-card backup after a flat battery, ticket 4471"
	if out := c.must("anchor", "reset", "tablet-1", "--reason", reason); !strings.Contains(out, "tablet-1") {
		t.Errorf("anchor reset printed %q", out)
	}
	if _, err := tabletSync(w); err != nil {
		t.Fatalf("sync of the restored tablet after anchor reset: %v", err)
	}
	// The sync set a new anchor: the same backup put back again is refused.
	if err := w.AuditEvent("export", "households.csv"); err != nil {
		t.Fatal(err)
	}
	if _, err := tabletSync(w); err != nil {
		t.Fatal(err)
	}
	w.Close()
	copyWorkspace(t, backup, dir)
	w = open()
	if _, err := tabletSync(w); !errors.Is(err, &wire.Error{Code: wire.CodeRolledBack}) {
		t.Fatalf("sync of the tablet put back again after the reset: %v, want rolled back", err)
	}

	stop()
	hqw, err := store.Open(filepath.Join(c.dir, hq.WorkspaceDir), "hq", []byte("hq passphrase 1"), store.Options{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	defer hqw.Close()
	var found []store.AuditEntry
	if err := hqw.Audit(func(e store.AuditEntry) error {
		if e.Action == "anchor reset" {
			found = append(found, e)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || !strings.Contains(found[0].Detail, reason) || !strings.Contains(found[0].Detail, "tablet-1") || !strings.Contains(found[0].Detail, "hq admin") {
		t.Errorf("audit of the reset: %+v, want one entry naming the admin, the device and the reason", found)
	}
}

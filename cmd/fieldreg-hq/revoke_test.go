package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/client"
)

// startServer runs `fieldreg-hq serve` until the test ends.
func (c *hqCLI) startServer() {
	t := c.t
	ctx, cancel := context.WithCancel(context.Background())
	var sout, serr bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, c.env(&sout, &serr), []string{"--data", c.dir, "serve"}) }()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d: %s", code, serr.String())
		}
	})
	// Up once its admin socket answers, not merely exists.
	waitFor(t, func() bool {
		conn, err := net.Dial("unix", filepath.Join(c.dir, hq.SocketName))
		if err == nil {
			conn.Close()
		}
		return err == nil
	})
}

// deviceRow is the devices line of the named device.
func (c *hqCLI) deviceRow(name string) string {
	for _, line := range strings.Split(c.must("devices"), "\n") {
		if strings.HasPrefix(line, name+" ") {
			return line
		}
	}
	c.t.Fatalf("devices does not list %s", name)
	return ""
}

// enrolledTablet is a device workspace enrolled at the CLI's server, with
// one household it has synced.
func enrolledTablet(t *testing.T, c *hqCLI, name string) *store.Workspace {
	code := strings.TrimSpace(c.must("enroll", "--device", name, "--sites", "camp_north"))
	w, err := store.Create(t.TempDir(), "enumerator", []byte("device passphrase"), store.Options{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if _, err := client.Enroll(context.Background(), w, code); err != nil {
		t.Fatalf("enroll: %v", err)
	}
	if _, err := w.Commit(store.Edit{Record: registry.NewID(), Kind: registry.KindHousehold,
		Set: map[string]string{"site": "camp_north", "status": "active"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := tabletSync(w); err != nil {
		t.Fatalf("first sync: %v", err)
	}
	return w
}

func tabletSync(w *store.Workspace) (client.Summary, error) {
	c, err := client.New(client.Config{Workspace: w, Backoff: func(int) time.Duration { return 10 * time.Millisecond }})
	if err != nil {
		return client.Summary{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return c.Sync(ctx, nil)
}

// TestRevokeThenWipeWipesTheTablet: the order an operator uses for a stolen
// tablet, revoke first and wipe second, still erases it at its next sync,
// and devices says so at each step.
func TestRevokeThenWipeWipesTheTablet(t *testing.T) {
	c := newCLI(t)
	c.must("init", "--addr", freeAddr(t))
	c.startServer()
	c.pass = ""
	w := enrolledTablet(t, c, "tablet-1")
	dir := w.Dir()

	c.must("revoke", "tablet-1")
	if row := c.deviceRow("tablet-1"); !strings.Contains(row, "  revoked  ") {
		t.Fatalf("after revoke: %q", row)
	}
	c.must("wipe", "tablet-1")
	if row := c.deviceRow("tablet-1"); !strings.Contains(row, "revoked, wipe pending") {
		t.Fatalf("after revoke and wipe: %q, want revoked, wipe pending", row)
	}
	// The thief types a record and the tablet syncs: it is told to wipe.
	if _, err := w.Commit(store.Edit{Record: registry.NewID(), Kind: registry.KindHousehold,
		Set: map[string]string{"site": "camp_north", "status": "active"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := tabletSync(w); !errors.Is(err, client.ErrWiped) {
		t.Fatalf("sync of the revoked tablet with a wipe order: %v, want ErrWiped", err)
	}
	if _, err := store.Open(dir, "enumerator", []byte("device passphrase"), store.Options{KDF: cheapKDF}); !errors.Is(err, store.ErrNoWorkspace) {
		t.Fatalf("open after the wipe: %v, want ErrNoWorkspace", err)
	}
	if row := c.deviceRow("tablet-1"); !strings.Contains(row, "revoked, wiped") {
		t.Fatalf("after the tablet was told: %q, want revoked, wiped", row)
	}
	if stats := c.must("stats"); !strings.Contains(stats, "; 1 changes") {
		t.Fatalf("HQ stored what the revoked tablet pushed: %s", stats)
	}
}

// TestUnrevoke: a tablet revoked by mistake syncs again once unrevoked,
// and nothing it typed meanwhile is lost.
func TestUnrevoke(t *testing.T) {
	c := newCLI(t)
	c.must("init", "--addr", freeAddr(t))
	c.startServer()
	c.pass = ""
	w := enrolledTablet(t, c, "tablet-1")
	c.must("revoke", "tablet-1")
	if _, err := w.Commit(store.Edit{Record: registry.NewID(), Kind: registry.KindHousehold,
		Set: map[string]string{"site": "camp_north", "status": "active"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := tabletSync(w); !errors.Is(err, client.ErrRevoked) {
		t.Fatalf("sync while revoked: %v, want ErrRevoked", err)
	}
	if out := c.must("unrevoke", "tablet-1"); !strings.Contains(out, "tablet-1") {
		t.Fatalf("unrevoke printed %q", out)
	}
	if row := c.deviceRow("tablet-1"); !strings.Contains(row, "  active  ") {
		t.Fatalf("after unrevoke: %q, want active", row)
	}
	if sum, err := tabletSync(w); err != nil || sum.Sent != 1 {
		t.Fatalf("sync after unrevoke: sent %d, %v; want the 1 change typed while revoked", sum.Sent, err)
	}
	if code, _, errs := c.run("unrevoke", "no-such-tablet"); code != exitFailure || !strings.Contains(errs, "unknown device") {
		t.Fatalf("unrevoke of an unknown device: exit %d, %q", code, errs)
	}
}

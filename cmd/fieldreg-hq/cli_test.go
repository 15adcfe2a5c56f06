package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fieldreg/hq"
	"fieldreg/store"
	"fieldreg/sync/client"
)

var cheapKDF = store.InsecureTestKDF(store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1})

// hqCLI runs fieldreg-hq commands in-process on one data directory.
type hqCLI struct {
	t    *testing.T
	dir  string
	pass string
	now  func() time.Time // nil: time.Now
}

func newCLI(t *testing.T) *hqCLI {
	dir, err := os.MkdirTemp("", "hq") // short: unix socket paths are limited to ~100 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return &hqCLI{t: t, dir: filepath.Join(dir, "data"), pass: "hq passphrase 1"}
}

func (c *hqCLI) env(stdout, stderr *bytes.Buffer) *env {
	now := c.now
	if now == nil {
		now = time.Now
	}
	return &env{stdout: stdout, stderr: stderr, now: now, kdf: cheapKDF,
		getenv: func(k string) string {
			if k == "FIELDREG_PASSPHRASE" {
				return c.pass
			}
			return ""
		}}
}

func (c *hqCLI) run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), c.env(&out, &errb), append([]string{"--data", c.dir}, args...))
	return code, out.String(), errb.String()
}

func (c *hqCLI) must(args ...string) string {
	c.t.Helper()
	code, out, errs := c.run(args...)
	if code != 0 {
		c.t.Fatalf("fieldreg-hq %s: exit %d: %s", strings.Join(args, " "), code, errs)
	}
	return out
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestAdminCommandsWithAndWithoutServer(t *testing.T) {
	c := newCLI(t)
	addr := freeAddr(t)
	out := c.must("init", "--addr", addr)
	if !strings.Contains(out, "fingerprint") {
		t.Fatalf("init output: %q", out)
	}
	if code, _, errs := c.run("init", "--addr", addr); code != 1 || !strings.HasPrefix(errs, "fieldreg-hq: ") {
		t.Fatalf("second init: exit %d, %q", code, errs)
	}

	// No server: the command opens the data itself.
	code1 := strings.TrimSpace(c.must("enroll", "--device", "tablet-1", "--team", "north", "--sites", "camp_north"))
	if !strings.HasPrefix(code1, "FR1-") {
		t.Fatalf("enroll printed %q, want a code", code1)
	}
	// An unknown device is the same error, with the same words, whether the
	// command opened the data (here) or asked the server (below).
	_, _, offline := c.run("revoke", "no-such-device")
	c.pass = "wrong passphrase"
	if code, _, errs := c.run("devices"); code != 3 {
		t.Fatalf("devices with a wrong passphrase: exit %d (%s), want 3", code, errs)
	}
	c.pass = "hq passphrase 1"

	// Serve, and run the same commands through the admin socket.
	ctx, cancel := context.WithCancel(context.Background())
	var sout, serr bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, c.env(&sout, &serr), []string{"--data", c.dir, "serve"}) }()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d: %s", code, serr.String())
		}
	}()
	waitFor(t, func() bool { _, err := os.Stat(filepath.Join(c.dir, hq.SocketName)); return err == nil })
	if fi, _ := os.Stat(filepath.Join(c.dir, hq.SocketName)); fi.Mode().Perm() != 0o600 {
		t.Errorf("admin socket mode %v, want 0600", fi.Mode().Perm())
	}

	// A device enrolls with the code made while HQ was stopped, and syncs.
	w, err := store.Create(t.TempDir(), "enumerator", []byte("device passphrase"), store.Options{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := client.Enroll(context.Background(), w, code1); err != nil {
		t.Fatalf("enroll: %v", err)
	}
	c.pass = "" // through the socket, no passphrase is needed
	qr := filepath.Join(t.TempDir(), "code.png")
	code2 := strings.TrimSpace(c.must("enroll", "--device", "tablet-2", "--sites", "camp_south,camp_north", "--qr", qr))
	if png, err := os.ReadFile(qr); err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("QR file: %v", err)
	}
	if code2 == code1 {
		t.Fatal("two enrollments got the same code")
	}
	// tablet-2 has a code but has not enrolled: only tablet-1 is a device.
	if devs := c.must("devices"); !strings.Contains(devs, "tablet-1") || strings.Contains(devs, "tablet-2") {
		t.Fatalf("devices: %s", devs)
	}
	stats := c.must("stats")
	if !strings.Contains(stats, "devices: 1") || !strings.Contains(stats, "pending enrollments: 1") {
		t.Fatalf("stats: %s", stats)
	}
	exp := filepath.Join(t.TempDir(), "all.csv")
	if out := c.must("export", "--format", "hxl", "--out", exp); !strings.Contains(out, "0 households") {
		t.Fatalf("export: %q", out)
	}
	if b, err := os.ReadFile(exp); err != nil || !bytes.Contains(b, []byte("#")) {
		t.Fatalf("HXL export: %v %q", err, b)
	}
	if out := c.must("conflicts"); !strings.Contains(out, "no conflicts") {
		t.Fatalf("conflicts: %q", out)
	}
	if code, _, errs := c.run("revoke", "no-such-device"); code != 1 || !strings.Contains(errs, "unknown device") || errs != offline {
		t.Fatalf("revoke of an unknown device: exit %d, %q; without a server %q", code, errs, offline)
	}
	if code, _, _ := c.run("enroll", "--device", "x"); code != 2 {
		t.Fatalf("enroll without sites: exit %d, want 2", code)
	}
	// A return bundle through the socket, to a path relative to the
	// operator's directory, not the server's.
	wd, _ := os.Getwd()
	tmp := t.TempDir()
	os.Chdir(tmp)
	out = c.must("bundle", "export", "--device", "tablet-1", "--out", "back.bundle")
	os.Chdir(wd)
	if !strings.Contains(out, "written to "+filepath.Join(tmp, "back.bundle")) {
		t.Fatalf("bundle export: %q", out)
	}
	if n, err := client.ImportBundle(w, mustOpen(t, filepath.Join(tmp, "back.bundle"))); err != nil || n != 0 {
		t.Fatalf("device import of its return bundle: %d, %v", n, err)
	}
	c.must("revoke", "tablet-1")
	sync, err := client.New(client.Config{Workspace: w})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sync.Sync(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "revoked") {
		t.Fatalf("sync after revoke through the socket: %v", err)
	}
}

func mustOpen(t *testing.T, path string) *os.File {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("timed out")
}

func TestUsage(t *testing.T) {
	c := newCLI(t)
	for _, args := range [][]string{{}, {"frobnicate"}, {"init", "--addr", "nonsense"}} {
		if code, _, errs := c.run(args...); code != 2 || !strings.HasPrefix(errs, "fieldreg-hq: ") || strings.Count(errs, "\n") != 1 {
			t.Errorf("fieldreg-hq %v: exit %d, %q; want 2 and one line", args, code, errs)
		}
	}
	if code, _, errs := c.run("devices"); code != 1 || !strings.Contains(errs, "init") {
		t.Errorf("devices before init: exit %d, %q", code, errs)
	}
}

package hq_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"fieldreg/hq"
	"fieldreg/registry"
)

// serveAdmin opens an HQ in a short temporary directory (unix socket paths
// are limited to ~100 bytes) and answers admin requests on its socket until
// the test ends.
func serveAdmin(t *testing.T) (*hq.Server, string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "hq")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	forms, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	cfg := hq.Config{Dir: dir, Passphrase: testPass, KDF: cheapKDF, Validate: forms.Validator(time.Now)}
	if err := hq.Init(cfg, "127.0.0.1:1", nil); err != nil {
		t.Fatal(err)
	}
	s, err := hq.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.ServeAdmin(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("admin socket: %v", err)
		}
		s.Close()
	})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(dir, hq.SocketName)); err == nil {
			return s, dir
		}
		if time.Now().After(deadline) {
			t.Fatal("the admin socket never appeared")
		}
	}
}

// TestAdminErrorsAcrossTheSocket: an admin operation fails with the same
// sentinel, and the same words, whether it ran in-process or in a running
// server over its admin socket, so the CLI branches alike on both.
func TestAdminErrorsAcrossTheSocket(t *testing.T) {
	s, dir := serveAdmin(t)
	addr := serve(t, s)
	revoked := enroll(t, s, addr, newDevice(t), "camp_north")
	if _, err := s.Revoke(context.Background(), revoked.Device.String()); err != nil {
		t.Fatal(err)
	}
	enroll(t, s, addr, newDevice(t), "camp_north") // a second "tablet": the name is ambiguous
	files := t.TempDir()
	existing := filepath.Join(files, "exists.csv")
	if err := os.WriteFile(existing, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ways := []struct {
		name  string
		admin hq.Admin
	}{{"in-process", s}, {"over the socket", hq.NewAdminClient(dir)}}
	for _, tc := range []struct {
		name string
		run  func(hq.Admin) error
		want error
	}{
		{"revoke an unknown device", func(a hq.Admin) error { _, err := a.Revoke(ctx, "no-such-device"); return err }, hq.ErrUnknownDevice},
		{"wipe an unknown device", func(a hq.Admin) error { _, err := a.OrderWipe(ctx, "no-such-device"); return err }, hq.ErrUnknownDevice},
		{"unrevoke an unknown device", func(a hq.Admin) error { _, err := a.Unrevoke(ctx, "no-such-device"); return err }, hq.ErrUnknownDevice},
		{"revoke by an ambiguous name", func(a hq.Admin) error { _, err := a.Revoke(ctx, "tablet"); return err }, hq.ErrAmbiguousDevice},
		{"bundle for an unknown device", func(a hq.Admin) error {
			_, err := a.ExportBundleFile(ctx, "no-such-device", filepath.Join(files, "x.bundle"))
			return err
		}, hq.ErrUnknownDevice},
		{"bundle for a revoked device", func(a hq.Admin) error {
			_, err := a.ExportBundleFile(ctx, revoked.Device.String(), filepath.Join(files, "r.bundle"))
			return err
		}, hq.ErrDeviceRevoked},
		{"enrollment without sites", func(a hq.Admin) error { _, err := a.NewEnrollment(ctx, hq.Enrollment{Name: "t"}); return err }, hq.ErrInvalidRequest},
		{"export in an unknown format", func(a hq.Admin) error { _, err := a.ExportFile(ctx, "pdf", filepath.Join(files, "x.pdf")); return err }, hq.ErrInvalidRequest},
		{"export to a relative path", func(a hq.Admin) error { _, err := a.ExportFile(ctx, hq.FormatCSV, "x.csv"); return err }, hq.ErrInvalidRequest},
		{"export over a file", func(a hq.Admin) error { _, err := a.ExportFile(ctx, hq.FormatCSV, existing); return err }, fs.ErrExist},
		{"release a change not held", func(a hq.Admin) error { _, err := a.ReleaseQuarantine(ctx, 999); return err }, hq.ErrNotHeld},
		{"drop a change not held", func(a hq.Admin) error { _, err := a.DropQuarantine(ctx, 999); return err }, hq.ErrNotHeld},
		{"import a missing bundle", func(a hq.Admin) error {
			_, err := a.ImportBundleFile(ctx, filepath.Join(files, "missing.bundle"))
			return err
		}, fs.ErrNotExist},
	} {
		var msgs []string
		for _, way := range ways {
			err := tc.run(way.admin)
			if !errors.Is(err, tc.want) {
				t.Errorf("%s %s: %v, want %v", tc.name, way.name, err, tc.want)
				continue
			}
			msgs = append(msgs, err.Error())
		}
		if len(msgs) == 2 && msgs[0] != msgs[1] {
			t.Errorf("%s: in-process %q, over the socket %q", tc.name, msgs[0], msgs[1])
		}
	}
	if _, err := os.Stat(filepath.Join(files, "r.bundle")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused bundle export left a file behind: %v", err)
	}
}

// TestAdminResultsAcrossTheSocket: what a server answers over the socket is
// what the same method returns in-process.
func TestAdminResultsAcrossTheSocket(t *testing.T) {
	s, dir := serveAdmin(t)
	remote := hq.NewAdminClient(dir)
	ctx := context.Background()
	code, err := remote.NewEnrollment(ctx, hq.Enrollment{Name: "tablet-1", Team: "north", Sites: []string{"camp_north"}})
	if err != nil || code.Token == "" || code.Fingerprint != s.Fingerprint() {
		t.Fatalf("enrollment over the socket: %+v, %v", code, err)
	}
	enroll(t, s, serve(t, s), newDevice(t), "camp_north")
	d, err := remote.OrderWipe(ctx, "tablet")
	if err != nil || !d.WipeOrdered || d.Name != "tablet" {
		t.Fatalf("wipe over the socket: %+v, %v", d, err)
	}
	if d, err := remote.Revoke(ctx, "tablet"); err != nil || !d.Revoked {
		t.Fatalf("revoke over the socket: %+v, %v", d, err)
	}
	if d, err := remote.Unrevoke(ctx, "tablet"); err != nil || d.Revoked || !d.WipeOrdered {
		t.Fatalf("unrevoke over the socket: %+v, %v; want served again, the wipe order kept", d, err)
	}
	for _, tc := range []struct {
		name string
		get  func(hq.Admin) (any, error)
	}{
		{"devices", func(a hq.Admin) (any, error) { return a.Devices() }},
		{"stats", func(a hq.Admin) (any, error) { return a.Stats() }},
		{"conflicts", func(a hq.Admin) (any, error) { return a.Conflicts() }},
		{"duplicates", func(a hq.Admin) (any, error) { return a.Duplicates() }},
	} {
		local, err1 := tc.get(s)
		got, err2 := tc.get(remote)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(got, local) {
			t.Errorf("%s: over the socket %+v (%v), in-process %+v (%v)", tc.name, got, err2, local, err1)
		}
	}
	out := filepath.Join(t.TempDir(), "all.json")
	if n, err := remote.ExportFile(ctx, hq.FormatJSON, out); err != nil || n != 0 {
		t.Errorf("export over the socket: %d, %v", n, err)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("exported file: %v, %v; want it owner-only", fi, err)
	}
}

func TestAdminWithoutServer(t *testing.T) {
	if _, err := hq.NewAdminClient(t.TempDir()).Devices(); !errors.Is(err, hq.ErrNoServer) {
		t.Errorf("devices with no server: %v, want ErrNoServer", err)
	}
}

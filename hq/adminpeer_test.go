package hq_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"fieldreg/hq"
	"fieldreg/store"
)

// TestAdminSocketIsOwnerOnlyFromTheStart: the socket is made inside a
// directory only the server's user may enter, so there is no moment in
// which another user could connect before its chmod.
func TestAdminSocketIsOwnerOnlyFromTheStart(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no unix permissions")
	}
	_, dir := serveAdmin(t)
	sock := filepath.Join(dir, hq.SocketName)
	parent, err := os.Stat(filepath.Dir(sock))
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Clean(filepath.Dir(sock)) == filepath.Clean(dir) {
		t.Fatalf("the socket sits in the data directory itself, not in a directory of its own")
	}
	if perm := parent.Mode().Perm(); perm != 0o700 {
		t.Errorf("the socket's directory is %o, want 700", perm)
	}
	// serveAdmin returns once the socket exists, which may be before its
	// chmod (the directory is what keeps others out meanwhile).
	var perm os.FileMode
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		fi, err := os.Stat(sock)
		if err != nil {
			t.Fatal(err)
		}
		if perm = fi.Mode().Perm(); perm == 0o600 || time.Now().After(deadline) {
			break
		}
	}
	if perm != 0o600 {
		t.Errorf("the socket is %o, want 600", perm)
	}
}

// TestAdminActionsAuditTheOSUser: an export asked for over the socket and a
// revoke done in-process are both on record with the operating system user
// who asked, not as "hq".
func TestAdminActionsAuditTheOSUser(t *testing.T) {
	s, dir := serveAdmin(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "out.csv")
	if _, err := hq.NewAdminClient(dir).ExportFile(ctx, hq.FormatCSV, path); err != nil {
		t.Fatal(err)
	}
	addr := serve(t, s)
	d := enroll(t, s, addr, newDevice(t), "camp_north")
	if _, err := s.Revoke(ctx, d.Device.String()); err != nil {
		t.Fatal(err)
	}
	w := s.Workspace().(*store.Workspace)
	want := fmt.Sprintf("hq admin (uid %d", os.Getuid())
	if runtime.GOOS == "windows" {
		want = "hq admin"
	}
	got := map[string]string{}
	if err := w.Audit(func(e store.AuditEntry) error {
		got[e.Action] = e.Detail
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, action := range []string{"export", "revoke"} {
		if !strings.Contains(got[action], want) {
			t.Errorf("audit of %s: %q, want it to name %q", action, got[action], want)
		}
	}
}

// TestAggregateExportSuppressesSmallCells: HQ's aggregate export writes
// counts under the threshold as "<N", by default and as asked over the
// admin socket; threshold 1 shows every count.
func TestAggregateExportSuppressesSmallCells(t *testing.T) {
	s, dir := serveAdmin(t)
	addr := serve(t, s)
	d := newDevice(t)
	enroll(t, s, addr, d, "camp_north")
	household(t, d, "camp_north", 3)
	mustSync(t, d)
	ctx := context.Background()
	files := t.TempDir()
	for _, tc := range []struct {
		name string
		run  func(path string) (int, error)
		want string
	}{
		{"default", func(p string) (int, error) { return s.ExportFile(ctx, hq.FormatAggregate, p) }, "<5"},
		{"over the socket, threshold 10", func(p string) (int, error) { return hq.NewAdminClient(dir).ExportAggregateFile(ctx, p, 10) }, "<10"},
		{"threshold 1", func(p string) (int, error) { return s.ExportAggregateFile(ctx, p, 1) }, ""},
	} {
		path := filepath.Join(files, strings.ReplaceAll(tc.name, " ", "_")+".csv")
		if _, err := tc.run(path); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		got := string(b)
		if tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("%s: no %q in\n%s", tc.name, tc.want, got)
		}
		if tc.want == "" && (strings.Contains(got, "<") || !strings.Contains(got, ",1,3,")) {
			t.Errorf("%s: counts suppressed or missing:\n%s", tc.name, got)
		}
	}
}

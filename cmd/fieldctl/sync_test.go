package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
)

// startHQ runs an HQ in this process, serving on a loopback port.
func startHQ(t *testing.T) (*hq.Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	forms, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	cfg := hq.Config{Dir: t.TempDir(), Passphrase: []byte("hq passphrase"), Validate: forms.Validator(time.Now), Logf: t.Logf,
		KDF: store.InsecureTestKDF(store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1})}
	if err := hq.Init(cfg, ln.Addr().String(), nil); err != nil {
		t.Fatal(err)
	}
	s, err := hq.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Serve(ctx, ln); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done
		s.Close()
	})
	return s, ln.Addr().String()
}

func TestEnrollSyncAndBundles(t *testing.T) {
	s, _ := startHQ(t)
	w := newWorkspace(t)
	w.fails(1, []string{"not enrolled"}, "sync")

	code, err := s.NewEnrollment(context.Background(), hq.Enrollment{Name: "tablet", Team: "north", Sites: []string{"camp_north", "camp_south"}})
	if err != nil {
		t.Fatal(err)
	}
	if out := w.ok("enroll", code.String()); !strings.Contains(out, "camp_north,camp_south") {
		t.Fatalf("enroll said %q", out)
	}
	w.fails(1, []string{"already enrolled"}, "enroll", code.String())

	w.ok("register", "--file", filepath.Join("testdata", "households.json"))
	persons := w.count("person")
	res := w.run("sync")
	if res.code != 0 {
		t.Fatalf("sync: exit %d: %s", res.code, res.stderr)
	}
	if !strings.HasPrefix(res.stdout, "sent ") || !strings.Contains(res.stdout, "received 0, conflicts 0, time ") {
		t.Fatalf("sync summary %q", res.stdout)
	}
	if got := s.Workspace().Count(registry.KindPerson); got != persons {
		t.Fatalf("HQ holds %d persons after sync, the device %d", got, persons)
	}
	if out := w.ok("sync"); !strings.HasPrefix(out, "sent 0, received 0") {
		t.Fatalf("second sync summary %q", out)
	}

	// No link: a bundle each way. (The same file again would add nothing:
	// other households, in another province.)
	more := strings.ReplaceAll(readFile(t, filepath.Join("testdata", "households.json")), `"admin1": "Nord"`, `"admin1": "Centre-Nord"`)
	w.ok("register", "--file", writeFile(t, "more.json", more))
	bundle := filepath.Join(t.TempDir(), "to-hq.bundle")
	if out := w.ok("bundle", "export", "--out", bundle); !strings.Contains(out, "written to") {
		t.Fatalf("bundle export said %q", out)
	}
	w.fails(1, []string{"exists"}, "bundle", "export", "--out", bundle)
	f, err := os.Open(bundle)
	if err != nil {
		t.Fatal(err)
	}
	res2, err := s.ImportBundle(context.Background(), f)
	f.Close()
	if err != nil || res2.Stored == 0 {
		t.Fatalf("HQ import of the device's bundle: %+v, %v", res2, err)
	}
	if got := s.Workspace().Count(registry.KindPerson); got != 2*persons {
		t.Fatalf("HQ holds %d persons after the bundle, want %d", got, 2*persons)
	}
	back := filepath.Join(t.TempDir(), "from-hq.bundle")
	out, err := os.Create(back)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ExportBundle(context.Background(), "tablet", out); err != nil {
		t.Fatal(err)
	}
	out.Close()
	if got := w.ok("bundle", "import", back); !strings.Contains(got, "applied") {
		t.Fatalf("bundle import said %q", got)
	}
	// The return bundle acknowledged the device's changes: nothing waits.
	if got := w.ok("sync"); !strings.HasPrefix(got, "sent 0") {
		t.Fatalf("sync after the bundles: %q", got)
	}
	w.fails(1, []string{"no such file"}, "bundle", "import", filepath.Join(t.TempDir(), "missing"))
}

// TestSyncSaysWhatHQRefused: a tablet of camp_north that registers a
// household at camp_south is told, in plain words, that HQ refused it.
func TestSyncSaysWhatHQRefused(t *testing.T) {
	s, _ := startHQ(t)
	w := newWorkspace(t)
	code, err := s.NewEnrollment(context.Background(), hq.Enrollment{Name: "tablet", Team: "north", Sites: []string{"camp_north"}})
	if err != nil {
		t.Fatal(err)
	}
	w.ok("enroll", code.String())
	w.ok("register", "--file", filepath.Join("testdata", "households.json")) // one household at each camp
	out := w.ok("sync")
	if !strings.Contains(out, "Changes HQ refused: 3. They change records outside this device's sites") {
		t.Errorf("sync said:\n%s", out)
	}
	if got := s.Workspace().Count(registry.KindHousehold); got != 1 {
		t.Errorf("HQ holds %d households, want camp_north's alone", got)
	}
}

package hq_test

import (
	"context"
	"net"
	"testing"
	"time"

	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/client"
)

var (
	cheapKDF = store.InsecureTestKDF(store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1})
	testPass = []byte("correct horse battery staple")
)

func newHQ(t testing.TB) *hq.Server {
	t.Helper()
	forms, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	cfg := hq.Config{Dir: t.TempDir(), Passphrase: testPass, KDF: cheapKDF, Validate: forms.Validator(time.Now), Database: hqDatabase(t)}
	if err := hq.Init(cfg, "127.0.0.1:1", nil); err != nil {
		t.Fatal(err)
	}
	s, err := hq.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// serve serves s over TLS on a loopback port until the test ends.
func serve(t testing.TB, s *hq.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return ln.Addr().String()
}

func newDevice(t testing.TB) *store.Workspace {
	t.Helper()
	forms, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	w, err := store.Create(t.TempDir(), "enumerator", testPass, store.Options{KDF: cheapKDF, Validate: forms.Validator(time.Now)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// enroll enrolls w with s over HTTPS at addr.
func enroll(t testing.TB, s *hq.Server, addr string, w *store.Workspace, sites ...string) client.Enrollment {
	t.Helper()
	code, err := s.NewEnrollment(context.Background(), hq.Enrollment{Name: "tablet", Team: "north", Sites: sites, Addr: addr})
	if err != nil {
		t.Fatal(err)
	}
	enr, err := client.Enroll(context.Background(), w, code.String())
	if err != nil {
		t.Fatal(err)
	}
	return enr
}

func syncNow(w *store.Workspace) (client.Summary, error) {
	c, err := client.New(client.Config{Workspace: w, Backoff: func(int) time.Duration { return 10 * time.Millisecond }})
	if err != nil {
		return client.Summary{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return c.Sync(ctx, nil)
}

func mustSync(t testing.TB, w *store.Workspace) client.Summary {
	t.Helper()
	sum, err := syncNow(w)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// household commits a valid household of n members at site.
func household(t testing.TB, w *store.Workspace, site string, n int) (registry.Record, []registry.Record) {
	t.Helper()
	h := registry.NewID()
	edits := []store.Edit{{Record: h, Kind: registry.KindHousehold, Set: map[string]string{
		"site": site, "consent": "true", "status": "active"}}}
	for i := range n {
		rel := "child"
		if i == 0 {
			rel = "head"
		}
		edits = append(edits, store.Edit{Record: registry.NewID(), Kind: registry.KindPerson, Set: map[string]string{
			"household_id": h.String(), "relationship": rel, "given_name": "Amina", "sex": "female", "birth_date": "2001-05-04"}})
	}
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	hr, err := w.Get(h)
	if err != nil {
		t.Fatal(err)
	}
	var members []registry.Record
	for _, id := range w.Members(h) {
		m, err := w.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, m)
	}
	return hr, members
}

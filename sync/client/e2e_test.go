package client_test

import (
	"bytes"
	"context"
	"net"
	"testing"
	"time"

	"fieldreg/hq"
	"fieldreg/internal/linksim"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/client"
)

// serveHQ serves s over TLS on a loopback port until the test ends.
func serveHQ(t testing.TB, s *hq.Server) string {
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
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// badLink is a satellite-like link, sped up: 64 kbit/s and 600 ms round
// trips in simulated time, connections cut every few kilobytes.
func badLink(t testing.TB, target string, seed uint64) *linksim.Link {
	t.Helper()
	l, err := linksim.Start(linksim.Config{
		Target: target, Bandwidth: 64000 / 8, Latency: 300 * time.Millisecond,
		CutMinBytes: 1500, CutMaxBytes: 6000, Seed: seed, TimeScale: 20,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func TestEndToEndThroughABadLink(t *testing.T) {
	if testing.Short() {
		t.Skip("end to end over a simulated link")
	}
	forms, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	s := newHQ(t, nil, forms.Validator(time.Now))
	link := badLink(t, serveHQ(t, s), 7)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()

	devices := make([]*store.Workspace, 2)
	for i := range devices {
		w, err := store.Create(t.TempDir(), "enumerator", testPass, store.Options{KDF: cheapKDF, Validate: forms.Validator(time.Now)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { w.Close() })
		devices[i] = w
		code, err := s.NewEnrollment(ctx, hq.Enrollment{Name: "tablet", Team: "north", Sites: []string{"camp_north"}, Addr: link.Addr()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := client.Enroll(ctx, w, code.String()); err != nil {
			t.Fatalf("enroll device %d: %v", i, err)
		}
	}
	a, b := devices[0], devices[1]
	syncHTTPS := func(w *store.Workspace) client.Summary {
		t.Helper()
		c, err := client.New(client.Config{Workspace: w, Backoff: func(int) time.Duration { return 20 * time.Millisecond }})
		if err != nil {
			t.Fatal(err)
		}
		status := make(chan client.Status, 4)
		sum, err := c.Sync(ctx, status)
		if err != nil {
			t.Fatalf("sync: %v", err)
		}
		return sum
	}

	h := registerHousehold(t, a, "camp_north", 6)
	registerHousehold(t, b, "camp_north", 6)
	syncHTTPS(a)
	syncHTTPS(b)
	syncHTTPS(a)
	edit(t, a, h, registry.KindHousehold, map[string]string{"status": "moved"})
	edit(t, b, h, registry.KindHousehold, map[string]string{"status": "returned"})
	syncHTTPS(a)
	syncHTTPS(b)
	syncHTTPS(a)

	want := exportJSON(t, s.Workspace())
	for i, w := range devices {
		if got := exportJSON(t, w); !bytes.Equal(got, want) {
			t.Errorf("device %d exports differently from HQ:\n%s\nHQ:\n%s", i, got, want)
		}
		if c := w.Conflicted(); len(c) != 1 || c[0] != h {
			t.Errorf("device %d lists conflicts %v, want the household %s", i, c, h)
		}
	}
	if s.Workspace().Count(registry.KindPerson) != 12 {
		t.Errorf("HQ has %d persons, want 12", s.Workspace().Count(registry.KindPerson))
	}
	conflicts, err := s.Conflicts()
	if err != nil || len(conflicts) != 1 || conflicts[0].Field != "status" {
		t.Errorf("HQ conflicts: %+v, %v", conflicts, err)
	}
	st := link.Stats()
	t.Logf("link: %d bytes up, %d down, %d connections, %d cut", st.Up, st.Down, st.Conns, st.Cuts)
	if st.Cuts == 0 {
		t.Error("the link never cut: the test did not test resumption")
	}
}

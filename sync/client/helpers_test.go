package client_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/client"
)

var (
	cheapKDF = store.InsecureTestKDF(store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1})
	testPass = []byte("correct horse battery staple")
)

// fakeClock is a settable wall clock shared by HQ and devices (each device
// adds its own skew).
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) skewed(d time.Duration) func() time.Time {
	return func() time.Time { return c.Now().Add(d) }
}

// fataler is what helpers need of a *testing.T or a *rapid.T.
type fataler interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// newHQ initializes and opens an HQ in a temp dir.
func newHQ(t testing.TB, clock func() time.Time, validate func(registry.Record) error) *hq.Server {
	t.Helper()
	s := newHQAt(t, t.TempDir(), clock, validate)
	t.Cleanup(func() { s.Close() })
	return s
}

func newHQAt(t fataler, dir string, clock func() time.Time, validate func(registry.Record) error) *hq.Server {
	t.Helper()
	cfg := hq.Config{Dir: dir, Passphrase: testPass, Now: clock, KDF: cheapKDF, Validate: validate, Database: hqDatabase(t)}
	if err := hq.Init(cfg, "127.0.0.1:1", nil); err != nil {
		t.Fatal(err)
	}
	s, err := hq.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// newDevice creates a workspace for a device.
func newDevice(t testing.TB, user string, clock func() time.Time) *store.Workspace {
	t.Helper()
	w := newDeviceAt(t, t.TempDir(), user, clock)
	t.Cleanup(func() { w.Close() })
	return w
}

func newDeviceAt(t fataler, dir, user string, clock func() time.Time) *store.Workspace {
	t.Helper()
	w, err := store.Create(dir, user, testPass, store.Options{KDF: cheapKDF, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// enrollInProcess enrolls w with s without a network.
func enrollInProcess(t fataler, s *hq.Server, w *store.Workspace, name string, sites ...string) client.Enrollment {
	t.Helper()
	ctx := context.Background()
	code, err := s.NewEnrollment(ctx, hq.Enrollment{Name: name, Team: "team-a", Sites: sites})
	if err != nil {
		t.Fatal(err)
	}
	enr, err := client.EnrollVia(ctx, w, code.String(), client.TransportFunc(s.Enroll))
	if err != nil {
		t.Fatal(err)
	}
	return enr
}

// inProcess is a transport straight into HQ's handler, as the device whose
// certificate names device.
func inProcess(s *hq.Server, device uuid.UUID) client.Transport {
	return client.TransportFunc(func(ctx context.Context, body []byte) ([]byte, error) {
		return s.Sync(ctx, device, body)
	})
}

func noBackoff(int) time.Duration { return time.Millisecond }

func syncOnce(t testing.TB, w *store.Workspace, tr client.Transport) client.Summary {
	t.Helper()
	c, err := client.New(client.Config{Workspace: w, Transport: tr, Backoff: noBackoff})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sum, err := c.Sync(ctx, nil)
	if err != nil {
		t.Fatalf("sync %s: %v", w.Device(), err)
	}
	return sum
}

// registerHousehold commits a household of n persons at site.
func registerHousehold(t testing.TB, w *store.Workspace, site string, n int) uuid.UUID {
	t.Helper()
	h := registry.NewID()
	edits := []store.Edit{{Record: h, Kind: registry.KindHousehold, Set: map[string]string{
		"site": site, "admin1": "North", "admin2": "Lakeside", "consent": "true", "status": "active",
	}}}
	for i := range n {
		rel := "child"
		if i == 0 {
			rel = "head"
		}
		edits = append(edits, store.Edit{Record: registry.NewID(), Kind: registry.KindPerson, Set: map[string]string{
			"household_id": h.String(), "relationship": rel, "given_name": fmt.Sprintf("Amina%d", i),
			"family_name": "Yusuf", "sex": "female", "birth_date": "1990-01-01",
		}})
	}
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	return h
}

func edit(t testing.TB, w *store.Workspace, id uuid.UUID, kind string, set map[string]string) {
	t.Helper()
	if _, err := w.Commit(store.Edit{Record: id, Kind: kind, Set: set}); err != nil {
		t.Fatal(err)
	}
}

// publishSites publishes a version of the household form whose site list
// holds sites too: HQ enrolls devices only at sites its household form
// lists.
func publishSites(t testing.TB, s *hq.Server, sites ...string) {
	t.Helper()
	f, _ := builtins(t).Form(registry.KindHousehold)
	data, _ := json.Marshal(f)
	v2, err := registry.ParseForm(data)
	if err != nil {
		t.Fatal(err)
	}
	v2.Version = "2"
	for i := range v2.Fields {
		if v2.Fields[i].Name != registry.FieldSite {
			continue
		}
		for _, site := range sites {
			v2.Fields[i].Choices = append(v2.Fields[i].Choices, registry.Choice{Name: site, Label: registry.Labels{"en": site}})
		}
	}
	out, err := json.Marshal(v2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PublishForms(context.Background(), [][]byte{out}); err != nil {
		t.Fatal(err)
	}
}

package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/client"
)

// The sync screen against a real HQ, in process (no network): enroll at
// first run, send a household, receive another device's.
func TestSyncWithInProcessHQ(t *testing.T) {
	clock := newScreenshotClock()
	hqCfg := hq.Config{Dir: t.TempDir(), Passphrase: []byte("hq passphrase for tests"), Now: clock.Now, KDF: cheapKDF}
	if err := hq.Init(hqCfg, "127.0.0.1:1", nil); err != nil {
		t.Fatal(err)
	}
	server, err := hq.Open(hqCfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close() })
	ctx := context.Background()
	newCode := func(name string) string {
		code, err := server.NewEnrollment(ctx, hq.Enrollment{Name: name, Team: "north", Sites: []string{"camp_north"}})
		if err != nil {
			t.Fatal(err)
		}
		return code.String()
	}
	inProcess := func(ws *store.Workspace) client.Transport {
		return client.TransportFunc(func(ctx context.Context, body []byte) ([]byte, error) {
			e, _, err := client.Enrolled(ws)
			if err != nil {
				return nil, err
			}
			return server.Sync(ctx, e.Device, body)
		})
	}

	a := test.NewTempApp(t)
	u := openTestUI(t, a, filepath.Join(t.TempDir(), "workspace"), clock)
	u.cfg.Sync = &clientSync{now: clock.Now, transport: inProcess, enrollTransport: client.TransportFunc(server.Enroll)}
	test.Type(u.firstRun.code, newCode("tablet-1"))
	u.create()
	if !strings.Contains(u.syncs.enrolled.Text, "team north") {
		t.Fatalf("not enrolled: %q", u.syncs.enrolled.Text)
	}
	u.registerHousehold(testHousehold, testHead, testSpouse)

	// Another device of the team registers a family at the same site.
	other, err := store.Create(t.TempDir(), "omar", []byte("other device pass"), store.Options{KDF: cheapKDF, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := client.EnrollVia(ctx, other, newCode("tablet-2"), client.TransportFunc(server.Enroll)); err != nil {
		t.Fatal(err)
	}
	hh := registry.NewID()
	if _, err := other.Commit(
		store.Edit{Record: hh, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp_north", "consent": "true", "status": "active"}},
		store.Edit{Record: registry.NewID(), Kind: registry.KindPerson, Set: map[string]string{"household_id": hh.String(), "relationship": "head", "given_name": "Omar", "family_name": "Haddad", "sex": "male", "birth_date": "1970-01-01"}},
	); err != nil {
		t.Fatal(err)
	}
	oc, err := client.New(client.Config{Workspace: other, Transport: inProcess(other), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := oc.Sync(ctx, nil); err != nil {
		t.Fatal(err)
	}

	u.showTab(tabSync)
	s := u.syncs
	test.Tap(s.start)
	u.wait()
	if s.phase.Text != "Sync finished" {
		t.Fatalf("phase %q, message %q", s.phase.Text, s.message.Text)
	}
	if got := s.message.Text; got != "Done. Changes sent: 3, received: 2. Conflicts to review: 0." {
		t.Errorf("summary = %q", got)
	}
	if !strings.Contains(s.pending.Text, ": 0") {
		t.Errorf("pending after sync = %q", s.pending.Text)
	}
	st, err := server.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Households != 2 || st.Persons != 3 {
		t.Errorf("HQ holds %d households, %d persons; want 2, 3", st.Households, st.Persons)
	}
	u.showTab(tabFind)
	u.wait()
	if len(u.find.results) != 2 {
		t.Errorf("after sync the list shows %d households, want 2", len(u.find.results))
	}
	u.showTab(tabHome)
	u.wait()
	if !strings.HasPrefix(u.home.lastSync.Text, "Last successful sync: 2026-11-27") {
		t.Errorf("home last sync = %q", u.home.lastSync.Text)
	}

	// A month later, away from HQ: only the sync screen, until a sync with
	// HQ gives the rest back.
	clock.Add(31 * 24 * time.Hour)
	u.lock()
	u.unlockWith(testAdmin, testPass)
	o := u.overdue
	if o == nil {
		t.Fatal("not held to the sync screen after 31 days without sync")
	}
	test.Tap(o.syncs.start)
	u.wait()
	if u.overdue != nil || u.tabs == nil {
		t.Fatalf("a sync with HQ did not lift the lock: %q", o.syncs.message.Text)
	}
}

package hq_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/client"
	"fieldreg/sync/wire"
)

// fixableHQ is an HQ whose forms refuse a person without a given name until
// the test says the form now accepts it (a form update at HQ), on a clock
// the test moves.
type fixableHQ struct {
	*hq.Server
	accept *atomic.Bool
	now    *atomic.Int64 // Unix ms
}

func newFixableHQ(t *testing.T) fixableHQ {
	t.Helper()
	forms, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	f := fixableHQ{accept: new(atomic.Bool), now: new(atomic.Int64)}
	f.now.Store(time.Now().UnixMilli())
	clock := func() time.Time { return time.UnixMilli(f.now.Load()) }
	formsValid := forms.Validator(clock)
	validate := func(r registry.Record) error {
		err := formsValid(r)
		if err != nil && f.accept.Load() && r.Kind == registry.KindPerson && r.Value(registry.FieldGivenName) == "" {
			return nil
		}
		return err
	}
	cfg := hq.Config{Dir: t.TempDir(), Passphrase: testPass, KDF: cheapKDF, Validate: validate, Now: clock}
	if err := hq.Init(cfg, "127.0.0.1:1", nil); err != nil {
		t.Fatal(err)
	}
	if f.Server, err = hq.Open(cfg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// device is a workspace enrolled with an HQ and synced with it in-process.
type device struct {
	*store.Workspace
	sync *client.Client
}

func newDeviceAt(t *testing.T, s *hq.Server, now func() time.Time, validate bool) device {
	t.Helper()
	opts := store.Options{KDF: cheapKDF, Now: now}
	if validate {
		forms, err := registry.BuiltinForms()
		if err != nil {
			t.Fatal(err)
		}
		opts.Validate = forms.Validator(time.Now)
	}
	w, err := store.Create(t.TempDir(), "enumerator", testPass, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	code, err := s.NewEnrollment(context.Background(), hq.Enrollment{Name: "tablet", Sites: []string{"camp_north"}})
	if err != nil {
		t.Fatal(err)
	}
	enr, err := client.EnrollVia(context.Background(), w, code.String(), client.TransportFunc(s.Enroll))
	if err != nil {
		t.Fatal(err)
	}
	tr := client.TransportFunc(func(ctx context.Context, body []byte) ([]byte, error) { return s.Sync(ctx, enr.Device, body) })
	c, err := client.New(client.Config{Workspace: w, Transport: tr, Backoff: func(int) time.Duration { return time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	return device{w, c}
}

func (d device) mustSync(t *testing.T) client.Summary {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sum, err := d.sync.Sync(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func (d device) held(t *testing.T) map[client.HeldState]int {
	t.Helper()
	list, err := client.HeldAtHQ(d)
	if err != nil {
		t.Fatal(err)
	}
	out := map[client.HeldState]int{}
	for _, h := range list {
		out[h.State]++
	}
	return out
}

// headless commits, without the forms' checks (an old app version), a
// household whose head has no given name, with a child who has one.
func headless(t *testing.T, d device) (h, head, child uuid.UUID) {
	t.Helper()
	h, head, child = registry.NewID(), registry.NewID(), registry.NewID()
	_, err := d.Commit(
		store.Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp_north", "consent": "true", "status": "active"}},
		store.Edit{Record: head, Kind: registry.KindPerson, Set: map[string]string{"household_id": h.String(), "relationship": "head", "sex": "female", "birth_date": "1990-01-02"}},
		store.Edit{Record: child, Kind: registry.KindPerson, Set: map[string]string{"household_id": h.String(), "relationship": "child", "given_name": "Musa", "sex": "male", "birth_date": "2019-03-04"}},
	)
	if err != nil {
		t.Fatal(err)
	}
	return h, head, child
}

func exportJSON(t *testing.T, s *hq.Server) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "export.json")
	if _, err := s.ExportFile(context.Background(), hq.FormatJSON, path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func audited(t *testing.T, s *hq.Server, action string) int {
	t.Helper()
	w, ok := s.Workspace().(*store.Workspace)
	if !ok {
		t.Fatalf("HQ's store is a %T", s.Workspace())
	}
	n := 0
	if err := w.Audit(func(e store.AuditEntry) error {
		if e.Action == action {
			n++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestHeadRefusedHoldsTheWholeHousehold is issue 9 case 5 as an operator
// meets it: a head of household HQ refuses no longer leaves a household
// whose only member is a child in HQ's export; the household is held whole,
// listed with why, released once the form accepts it, and the device is
// told, change by change.
func TestHeadRefusedHoldsTheWholeHousehold(t *testing.T) {
	s := newFixableHQ(t)
	d := newDeviceAt(t, s.Server, nil, false)
	h, head, child := headless(t, d)
	good, _ := household(t, d.Workspace, "camp_north", 2)

	sum := d.mustSync(t)
	if sum.Quarantined != 3 || sum.Sent != 6 {
		t.Fatalf("summary %+v, want 6 sent and the 3 of the headless household held", sum)
	}
	out := exportJSON(t, s.Server)
	for _, id := range []uuid.UUID{h, head, child} {
		if strings.Contains(out, id.String()) {
			t.Errorf("HQ's export holds %s of the held household:\n%s", id, out)
		}
	}
	if !strings.Contains(out, good.ID.String()) {
		t.Errorf("HQ's export lacks the good household")
	}
	held, err := s.Quarantine()
	if err != nil || len(held) != 3 {
		t.Fatalf("quarantine: %d held, %v; want 3", len(held), err)
	}
	for _, c := range held {
		if c.Unit != held[0].ID || c.Device != "tablet" || c.Code != wire.CodeInvalid || c.Reason == "" {
			t.Errorf("held %+v: want unit %d, device tablet, code invalid, a reason", c, held[0].ID)
		}
		if c.Record == head && !strings.Contains(c.Reason, "given_name") {
			t.Errorf("the head's reason %q does not name given_name", c.Reason)
		}
	}
	if got := d.held(t); got[client.Held] != 3 {
		t.Errorf("the device knows %v of its changes held, want 3 held", got)
	}

	// Held for what it says, not its clock: HQ does not release it itself.
	s.now.Add((48 * time.Hour).Milliseconds())
	if n, err := s.ReleaseClockHeld(context.Background()); n != 0 || err != nil {
		t.Errorf("HQ released %d units held for their content on its own (%v)", n, err)
	}
	// Not fixed yet: release refuses, says why, stores nothing.
	if _, err := s.ReleaseQuarantine(context.Background(), held[2].ID); !errors.Is(err, hq.ErrStillRefused) || !strings.Contains(err.Error(), "given_name") {
		t.Fatalf("release before the fix: %v, want ErrStillRefused naming given_name", err)
	}
	if _, err := s.Workspace().Get(h); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a refused release stored the household: %v", err)
	}

	s.accept.Store(true)
	act, err := s.ReleaseQuarantine(context.Background(), held[2].ID)
	if err != nil || len(act.Changes) != 3 || act.Stored != 3 {
		t.Fatalf("release once the form accepts it: %+v, %v; want the 3 stored", act, err)
	}
	if got := s.Workspace().Members(h); len(got) != 2 {
		t.Errorf("the released household has %d members at HQ, want 2", len(got))
	}
	if out := exportJSON(t, s.Server); !strings.Contains(out, head.String()) || !strings.Contains(out, child.String()) {
		t.Errorf("the export after the release lacks the household's members")
	}
	if left, _ := s.Quarantine(); len(left) != 0 {
		t.Errorf("quarantine still holds %d after the release", len(left))
	}
	if n := audited(t, s.Server, "quarantine release"); n != 3 {
		t.Errorf("%d release audit entries, want 3", n)
	}
	if _, err := s.ReleaseQuarantine(context.Background(), held[0].ID); !errors.Is(err, hq.ErrNotHeld) {
		t.Errorf("a second release: %v, want ErrNotHeld", err)
	}

	// The device learns it at its next sync, and confirms it once.
	if sum := d.mustSync(t); sum.Released != 3 {
		t.Errorf("the sync after the release: %+v, want 3 released", sum)
	}
	if got := d.held(t); got[client.Released] != 3 || got[client.Held] != 0 {
		t.Errorf("after the release the device knows %v, want 3 released", got)
	}
	if sum := d.mustSync(t); sum.Released != 0 { // its next request confirms what it stored
		t.Errorf("a further sync tells the release again: %+v", sum)
	}
	if devs, _ := s.Devices(); len(devs[0].Outcomes) != 0 {
		t.Errorf("HQ still keeps %d outcomes the device confirmed", len(devs[0].Outcomes))
	}
	if got := d.held(t); got[client.Released] != 3 {
		t.Errorf("after a further sync the device knows %v, want still 3 released", got)
	}
	// Another device of the site receives the released household (its
	// forms accept it too: the same old app version).
	other := newDeviceAt(t, s.Server, nil, false)
	other.mustSync(t)
	if got := other.Members(h); len(got) != 2 {
		t.Errorf("another device pulled %d members of the released household, want 2", len(got))
	}
}

// TestDropDiscardsTheHeldHousehold: a held household dropped is gone from
// the quarantine, never in the export, audited, and the device told.
func TestDropDiscardsTheHeldHousehold(t *testing.T) {
	s := newFixableHQ(t)
	d := newDeviceAt(t, s.Server, nil, false)
	h, _, _ := headless(t, d)
	d.mustSync(t)
	held, err := s.Quarantine()
	if err != nil || len(held) != 3 {
		t.Fatalf("quarantine: %d held, %v", len(held), err)
	}
	act, err := s.DropQuarantine(context.Background(), held[1].ID)
	if err != nil || len(act.Changes) != 3 {
		t.Fatalf("drop: %+v, %v; want the 3 of the unit", act, err)
	}
	if left, _ := s.Quarantine(); len(left) != 0 {
		t.Errorf("quarantine holds %d after the drop", len(left))
	}
	if n := audited(t, s.Server, "quarantine drop"); n != 3 {
		t.Errorf("%d drop audit entries, want 3", n)
	}
	s.accept.Store(true) // even once the form would accept it, a dropped change stays dropped
	if _, err := s.ReleaseQuarantine(context.Background(), held[0].ID); !errors.Is(err, hq.ErrNotHeld) {
		t.Errorf("release after drop: %v, want ErrNotHeld", err)
	}
	if strings.Contains(exportJSON(t, s.Server), h.String()) {
		t.Error("the dropped household is in HQ's export")
	}
	if sum := d.mustSync(t); sum.Dropped != 3 || len(client.HeldNotices(sum)) != 1 || client.HeldNotices(sum)[0].Key != "sync.held_dropped" {
		t.Errorf("the sync after the drop: %+v, notices %v; want 3 dropped", sum, client.HeldNotices(sum))
	}
	if got := d.held(t); got[client.Dropped] != 3 {
		t.Errorf("after the drop the device knows %v, want 3 dropped", got)
	}
	if n, _ := client.Pending(d); n != 0 {
		t.Errorf("%d changes pending on the device after the drop", n)
	}
}

// TestClockAheadCannotDragHQ: a tablet 23 h ahead (under the day a device
// allows) has its changes held with CodeClockAhead instead of moving HQ's
// clock and every device's; an honest later edit of the same record goes
// in and wins; the held change is released once HQ's clock has caught up.
func TestClockAheadCannotDragHQ(t *testing.T) {
	s := newFixableHQ(t)
	honest := newDeviceAt(t, s.Server, nil, true)
	ahead := newDeviceAt(t, s.Server, func() time.Time { return time.Now().Add(23 * time.Hour) }, true)
	hh, _ := household(t, honest.Workspace, "camp_north", 1)
	honest.mustSync(t)
	ahead.mustSync(t)

	if _, err := ahead.Commit(store.Edit{Record: hh.ID, Kind: registry.KindHousehold, Set: map[string]string{"status": "moved"}}); err != nil {
		t.Fatal(err)
	}
	if sum := ahead.mustSync(t); sum.Quarantined != 1 || sum.ClockAhead != 1 || client.HeldNotices(sum)[0].Key != "sync.held_clock" {
		t.Fatalf("the tablet 23 h ahead: %+v, want its edit held for its clock", sum)
	}
	list, err := client.HeldAtHQ(ahead)
	if err != nil || len(list) != 1 || !list[0].ClockAhead || list[0].State != client.Held {
		t.Fatalf("the tablet ahead is told %+v (%v), want one change held for its clock", list, err)
	}
	held, _ := s.Quarantine()
	if len(held) != 1 || held[0].Code != wire.CodeClockAhead {
		t.Fatalf("quarantine %+v, want the edit held with code clock ahead", held)
	}
	limit := time.Now().Add(hq.MaxClockAhead + time.Minute)
	if w := s.Workspace().(*store.Workspace); w.Clock().Now().Time().After(limit) {
		t.Errorf("HQ's clock was dragged to %s", w.Clock().Now().Time())
	}
	honest.mustSync(t)
	if got := honest.Clock().Now().Time(); got.After(limit) {
		t.Errorf("the honest tablet's clock was dragged to %s", got)
	}

	// An honest edit of the same field, later: stored, not held, and it is
	// the value everyone sees.
	if _, err := honest.Commit(store.Edit{Record: hh.ID, Kind: registry.KindHousehold, Set: map[string]string{"status": "returned"}}); err != nil {
		t.Fatal(err)
	}
	if sum := honest.mustSync(t); sum.Quarantined != 0 {
		t.Fatalf("the honest edit was held: %+v", sum)
	}
	if rec, _ := s.Workspace().Get(hh.ID); rec.Value("status") != "returned" {
		t.Errorf("HQ's status = %q, want the honest edit's returned", rec.Value("status"))
	}

	// A day on, HQ's clock has passed the stamp: the held edit is released,
	// by a supervisor or by HQ itself (held for its clock alone, it is not
	// held for ever).
	if _, err := s.ReleaseQuarantine(context.Background(), held[0].ID); !errors.Is(err, hq.ErrStillRefused) {
		t.Errorf("release while the stamp is still ahead: %v, want ErrStillRefused", err)
	}
	if n, err := s.ReleaseClockHeld(context.Background()); n != 0 || err != nil {
		t.Errorf("HQ released %d units held for their clock before their date (%v)", n, err)
	}
	s.now.Add((24 * time.Hour).Milliseconds())
	if n, err := s.ReleaseClockHeld(context.Background()); n != 1 || err != nil {
		t.Fatalf("a day on, HQ released %d units held for their clock, want 1 (%v)", n, err)
	}
	if left, _ := s.Quarantine(); len(left) != 0 {
		t.Errorf("quarantine holds %d after HQ's clock caught up", len(left))
	}
	if rec, _ := s.Workspace().Get(hh.ID); rec.Value("status") != "moved" {
		t.Errorf("HQ's status after the release = %q, want moved (the later stamp)", rec.Value("status"))
	}
	ahead.mustSync(t)
	if list, _ := client.HeldAtHQ(ahead); len(list) != 1 || list[0].State != client.Released || !list[0].ClockAhead {
		t.Errorf("after the release the tablet knows %+v, want it released (held for its clock)", list)
	}
}

// TestQuarantineAcrossTheSocket: the quarantine commands work alike through
// a running server's admin socket.
func TestQuarantineAcrossTheSocket(t *testing.T) {
	s, dir := serveAdmin(t)
	d := newDeviceAt(t, s, nil, false)
	headless(t, d)
	d.mustSync(t)
	remote := hq.NewAdminClient(dir)
	held, err := remote.Quarantine()
	if err != nil || len(held) != 3 {
		t.Fatalf("quarantine over the socket: %d, %v", len(held), err)
	}
	local, _ := s.Quarantine()
	if held[0].ID != local[0].ID || held[0].Reason != local[0].Reason || held[2].Record != local[2].Record {
		t.Errorf("over the socket %+v, in-process %+v", held[0], local[0])
	}
	if _, err := remote.ReleaseQuarantine(context.Background(), held[0].ID); !errors.Is(err, hq.ErrStillRefused) {
		t.Errorf("release over the socket: %v, want ErrStillRefused", err)
	}
	if _, err := remote.DropQuarantine(context.Background(), 999); !errors.Is(err, hq.ErrNotHeld) {
		t.Errorf("drop of an unknown change over the socket: %v, want ErrNotHeld", err)
	}
	act, err := remote.DropQuarantine(context.Background(), held[0].ID)
	if err != nil || len(act.Changes) != 3 {
		t.Errorf("drop over the socket: %+v, %v", act, err)
	}
}

// TestEditOfAHeldMemberIsHeldWithIt: a member edited after registration,
// both in one push, stays with its household: the edit does not make a
// partial person at HQ while the household is held.
func TestEditOfAHeldMemberIsHeldWithIt(t *testing.T) {
	s := newFixableHQ(t)
	d := newDeviceAt(t, s.Server, nil, false)
	h, _, child := headless(t, d)
	if _, err := d.Commit(store.Edit{Record: child, Kind: registry.KindPerson, Set: map[string]string{"given_name": "Musa Ali"}}); err != nil {
		t.Fatal(err)
	}
	if sum := d.mustSync(t); sum.Quarantined != 4 {
		t.Fatalf("summary %+v, want the household's 3 changes and the edit held", sum)
	}
	if _, err := s.Workspace().Get(child); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the edited child is at HQ while its household is held: %v", err)
	}
	held, _ := s.Quarantine()
	s.accept.Store(true)
	if act, err := s.ReleaseQuarantine(context.Background(), held[3].ID); err != nil || act.Stored != 4 {
		t.Fatalf("release: %+v, %v; want the 4 stored", act, err)
	}
	if rec, err := s.Workspace().Get(child); err != nil || rec.Value("given_name") != "Musa Ali" || rec.Value("household_id") != h.String() {
		t.Errorf("the released child: %v %v", rec.Values(), err)
	}
}

package hq_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/wire"
)

// rawDevice pushes and pulls by hand, as a tampered app would: whatever
// changes it likes, under its own (authenticated) device id.
type rawDevice struct {
	t      *testing.T
	s      *hq.Server
	id     uuid.UUID // HQ id
	device uuid.UUID // workspace id
	seq    uint64
}

func (d *rawDevice) change(record uuid.UUID, kind string, ahead time.Duration, set map[string]string) change.Change {
	d.seq++
	c := change.Change{Device: d.device, DeviceSeq: d.seq, Record: record, Kind: kind, Author: "admin",
		Stamp: change.Stamp{HLC: change.MakeHLC(time.Now().Add(ahead).UnixMilli(), 0), Device: d.device}}
	for f, v := range set {
		c.Writes = append(c.Writes, change.Write{Field: f, Value: v})
	}
	return c
}

func (d *rawDevice) sync(cursor uint64, push ...change.Change) *wire.SyncResponse {
	d.t.Helper()
	req := &wire.SyncRequest{Version: wire.Version, Device: d.device, Push: push, Cursor: cursor, PullMax: 4 << 20}
	if len(push) > 0 {
		req.PushFrom = push[0].DeviceSeq
	}
	enc, err := wire.EncodeRequest(req)
	if err != nil {
		d.t.Fatal(err)
	}
	body, err := d.s.Sync(context.Background(), d.id, wire.Compress(nil, enc))
	if err != nil {
		d.t.Fatalf("sync: %v", err)
	}
	plain, err := wire.Decompress(body, 64<<20)
	if err != nil {
		d.t.Fatal(err)
	}
	resp, err := wire.DecodeResponse(plain, wire.DefaultLimits())
	if err != nil {
		d.t.Fatal(err)
	}
	return resp
}

// forbidden lists the device seqs a response says HQ refused.
func forbidden(resp *wire.SyncResponse) map[uint64]bool {
	out := map[uint64]bool{}
	for _, r := range resp.Results {
		if r.Code == wire.CodeForbidden {
			out[r.DeviceSeq] = true
		}
	}
	return out
}

// TestForeignWriteIsRefused is the review's probe: a camp_north device
// writes a camp_south household (status, phone, deletion, one of them
// stamped 23 h ahead), reads it back from cursor 0, and registers at a
// site not its own. HQ refuses each change with a code, stores none of
// them, and the camp_south tablet is unchanged; honest writes still flow.
func TestForeignWriteIsRefused(t *testing.T) {
	s := newHQ(t)
	addr := serve(t, s)
	south := newDevice(t)
	enroll(t, s, addr, south, "camp_south")
	hs, members := household(t, south, "camp_south", 2)
	mustSync(t, south)

	w, id := enrolledVia(t, s, "north") // scoped to camp_north
	north := &rawDevice{t: t, s: s, id: id, device: w.Device()}
	attack := []change.Change{
		north.change(hs.ID, registry.KindHousehold, 0, map[string]string{"status": "closed", "phone": "+23480000666"}),
		north.change(hs.ID, registry.KindHousehold, 23*time.Hour, map[string]string{change.DeletedField: "true"}),
		north.change(members[0].ID, registry.KindPerson, 0, map[string]string{"given_name": "Mallory"}),
		// a member slipped into the south household
		north.change(registry.NewID(), registry.KindPerson, 0, map[string]string{"household_id": hs.ID.String(),
			"relationship": "child", "given_name": "Mallory", "sex": "female", "birth_date": "2001-05-04"}),
	}
	farHH := registry.NewID()
	newAtSouth := []change.Change{ // a household made at a site not its own, with its head
		north.change(farHH, registry.KindHousehold, 0, map[string]string{"site": "camp_south", "consent": "true", "status": "active"}),
		north.change(registry.NewID(), registry.KindPerson, 0, map[string]string{"household_id": farHH.String(),
			"relationship": "head", "given_name": "Amina", "sex": "female", "birth_date": "2001-05-04"}),
	}
	ownHH := registry.NewID()
	honest := []change.Change{ // a household at its own site, with its head
		north.change(ownHH, registry.KindHousehold, 0, map[string]string{"site": "camp_north", "consent": "true", "status": "active"}),
		north.change(registry.NewID(), registry.KindPerson, 0, map[string]string{"household_id": ownHH.String(),
			"relationship": "head", "given_name": "Amina", "sex": "female", "birth_date": "2001-05-04"}),
	}
	push := append(append(append([]change.Change{}, attack...), newAtSouth...), honest...)
	resp := north.sync(0, push...)

	if resp.Acked != north.seq {
		t.Errorf("acked %d, want %d: a refused change must not block the device's queue", resp.Acked, north.seq)
	}
	refused := forbidden(resp)
	for _, c := range append(append([]change.Change{}, attack...), newAtSouth...) {
		if !refused[c.DeviceSeq] {
			t.Errorf("change %d (%s %v) was not refused as forbidden; results %+v", c.DeviceSeq, c.Kind, c.FieldNames(), resp.Results)
		}
	}
	for _, c := range honest {
		if refused[c.DeviceSeq] {
			t.Errorf("honest change %d at the device's own site was refused", c.DeviceSeq)
		}
	}
	if q, err := s.Quarantine(); err != nil || len(q) != 0 {
		t.Errorf("quarantine holds %d changes (%v), want none: a refused change is not held for release", len(q), err)
	}

	// Having written the south household does not let north read it.
	for _, p := range north.sync(0).Pull {
		if p.Change.Record == hs.ID || p.Change.Record == members[0].ID || p.Change.Record == members[1].ID {
			t.Errorf("north pulled change %d of south's record %s (%v)", p.LogSeq, p.Change.Record, p.Change.FieldNames())
		}
	}

	// The south tablet receives nothing of it, and a new south tablet that
	// pulls everything gets the household as south made it.
	if sum := mustSync(t, south); sum.Received != 0 {
		t.Errorf("south received %d changes, want none", sum.Received)
	}
	fresh := newDevice(t)
	enroll(t, s, addr, fresh, "camp_south")
	mustSync(t, fresh)
	for _, ws := range []*store.Workspace{south, fresh} {
		r, err := ws.Get(hs.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Value("status") != "active" || r.Value("phone") != "" || r.Value(change.DeletedField) == "true" {
			t.Errorf("south's household shows status %q phone %q deleted %q: the attacker's values", r.Value("status"), r.Value("phone"), r.Value(change.DeletedField))
		}
		if n := len(ws.Members(hs.ID)); n != 2 {
			t.Errorf("south's household has %d members, want 2", n)
		}
		if _, ok := ws.Kind(farHH); ok {
			t.Errorf("a south tablet holds the household north made at camp_south")
		}
		if m, _ := ws.Get(members[0].ID); m.Value("given_name") != "Amina" {
			t.Errorf("south's member is named %q", m.Value("given_name"))
		}
	}

	// A household of its own held in quarantine (its stamp far ahead) is
	// still not the device's to move to camp_south.
	heldHH := registry.NewID()
	north.sync(resp.Cursor, north.change(heldHH, registry.KindHousehold, 23*time.Hour,
		map[string]string{"site": "camp_north", "consent": "true", "status": "active"}))
	move := north.change(heldHH, registry.KindHousehold, 0, map[string]string{"site": "camp_south"})
	edit := north.change(heldHH, registry.KindHousehold, 0, map[string]string{"status": "moved"})
	r := north.sync(resp.Cursor, move, edit)
	if got := forbidden(r); !got[move.DeviceSeq] || got[edit.DeviceSeq] {
		t.Errorf("after its household was held: refused %v, want the move (#%d) and not the edit (#%d)", got, move.DeviceSeq, edit.DeviceSeq)
	}

	// The honest household reaches the other camp_north tablets.
	north2 := newDevice(t)
	enroll(t, s, addr, north2, "camp_north")
	mustSync(t, north2)
	if _, ok := north2.Kind(ownHH); !ok || len(north2.Members(ownHH)) != 1 {
		t.Errorf("another camp_north tablet lacks the household north made at camp_north")
	}
}

// TestPullsAreAudited: after a theft HQ can say whose records were on the
// tablet: every pull is in the audit chain with the ids it gave, and no
// values.
func TestPullsAreAudited(t *testing.T) {
	s := newHQ(t)
	addr := serve(t, s)
	north, south := newDevice(t), newDevice(t)
	enroll(t, s, addr, north, "camp_north")
	enroll(t, s, addr, south, "camp_south")
	hn, members := household(t, north, "camp_north", 2)
	hs, _ := household(t, south, "camp_south", 1)
	mustSync(t, north)
	mustSync(t, south)
	thief := newDevice(t)
	enroll(t, s, addr, thief, "camp_north")
	mustSync(t, thief)

	pulls, err := s.Pulled(thief.Device().String())
	if err != nil {
		t.Fatal(err)
	}
	got := map[uuid.UUID]bool{}
	for _, id := range hq.PulledRecords(pulls) {
		got[id] = true
	}
	for _, id := range []uuid.UUID{hn.ID, members[0].ID, members[1].ID} {
		if !got[id] {
			t.Errorf("the audit does not say the tablet received record %s", id)
		}
	}
	if got[hs.ID] || len(got) != 3 {
		t.Errorf("the audit lists %d records for the tablet (south's among them: %v), want north's 3", len(got), got[hs.ID])
	}
	if len(pulls) == 0 || pulls[0].Via != "sync" || pulls[0].Changes < 3 {
		t.Errorf("pulls %+v", pulls)
	}
	if p, err := s.Pulled(south.Device().String()); err != nil || len(hq.PulledRecords(p)) != 0 {
		t.Errorf("south pulled %+v (%v), want nothing: no other device wrote at its site", p, err)
	}
	err = s.Workspace().Audit(func(e store.AuditEntry) error {
		if e.Action == "pull" && (strings.Contains(e.Detail, "Amina") || strings.Contains(e.Detail, "camp_north")) {
			t.Errorf("a pull's audit entry holds values: %q", e.Detail)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

package hq_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/wire"
)

// TestIDSquattingIsRefused: a hostile camp_north device learns the ids of
// a household a camp_south tablet has registered but not synced (from its
// paper card, say) and creates them first at its own site. HQ refuses each
// of those changes with a code; the tablet's household then arrives whole
// at HQ with none of the attacker's values, and the honest ways of writing
// another device's record still work.
func TestIDSquattingIsRefused(t *testing.T) {
	s := newHQ(t)
	south, _ := enrolledAt(t, s, "south-tablet", "camp_south")
	south2, south2ID := enrolledAt(t, s, "south-tablet-2", "camp_south")
	w, id := enrolledAt(t, s, "north", "camp_north")
	north := &rawDevice{t: t, s: s, id: id, device: w.Device()}

	mint := func() uuid.UUID { return registry.NewIDFor(south.Device()) }
	h, head, child := mint(), mint(), mint()
	person := func(id uuid.UUID, rel, name string) store.Edit {
		return store.Edit{Record: id, Kind: registry.KindPerson, Set: map[string]string{
			"household_id": h.String(), "relationship": rel, "given_name": name, "sex": "female", "birth_date": "2001-05-04"}}
	}
	if _, err := south.Commit(
		store.Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp_south", "consent": "true", "status": "active", "phone": "+234800001111"}},
		person(head, "head", "Amina"), person(child, "child", "Binta"),
	); err != nil {
		t.Fatal(err)
	}

	own := registry.NewIDFor(w.Device())
	squat := []change.Change{
		north.change(h, registry.KindHousehold, 0, map[string]string{"site": "camp_north", "consent": "true", "status": "closed", "phone": "+23480000666"}),
		north.change(head, registry.KindPerson, 0, map[string]string{"household_id": h.String(), "relationship": "head", "given_name": "Mallory", "sex": "female", "birth_date": "2001-05-04"}),
		north.change(own, registry.KindHousehold, 0, map[string]string{"site": "camp_north", "consent": "true", "status": "active"}),
		// the child's id put in a household of its own
		north.change(child, registry.KindPerson, 0, map[string]string{"household_id": own.String(), "relationship": "head", "given_name": "Mallory", "sex": "female", "birth_date": "2001-05-04"}),
	}
	resp := north.sync(0, squat...)
	refused := map[uint64]string{}
	for _, r := range resp.Results {
		if r.Code == wire.CodeForbidden {
			refused[r.DeviceSeq] = r.Reason
		}
	}
	for _, c := range []change.Change{squat[0], squat[1], squat[3]} {
		if why := refused[c.DeviceSeq]; !strings.Contains(why, "another device") {
			t.Errorf("the squatter's change %d of %s: refused %q, want refused as another device's id (results %+v)", c.DeviceSeq, c.Record, why, resp.Results)
		}
	}
	if _, ok := refused[squat[2].DeviceSeq]; ok {
		t.Errorf("the device's own household, under an id it made, was refused")
	}

	res := bundleFrom(t, s, south)
	if res.Stored != 3 || res.Refused != 0 {
		t.Fatalf("the tablet's bundle: stored %d, refused %d; want its 3 changes stored", res.Stored, res.Refused)
	}
	rec, err := s.Workspace().Get(h)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Value("site") != "camp_south" || rec.Value("status") != "active" || rec.Value("phone") != "+234800001111" {
		t.Errorf("the household at HQ is %v, want the tablet's values", rec.Values())
	}
	if got := s.Workspace().Members(h); len(got) != 2 {
		t.Errorf("the household at HQ has %d members, want the tablet's 2", len(got))
	}
	log, err := s.Workspace().ChangesAfter(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range log {
		c := l.Change
		if c.Record != h && c.Record != head && c.Record != child {
			continue
		}
		if c.Device != south.Device() {
			t.Errorf("HQ's log holds a change of record %s from device %s, not the tablet", c.Record, c.Device)
		}
		for _, wr := range c.Writes {
			if wr.Value == "Mallory" || wr.Value == "+23480000666" {
				t.Errorf("HQ's log holds the squatter's value %q for record %s", wr.Value, c.Record)
			}
		}
	}

	// The same bundle again: nothing stored twice, nothing refused.
	if res := bundleFrom(t, s, south); res.Stored != 0 || res.Refused != 0 {
		t.Errorf("the tablet's bundle resent: stored %d, refused %d; want nothing", res.Stored, res.Refused)
	}
	// Another tablet of the site receives the household and edits it.
	bundleTo(t, s, south2, south2ID)
	if _, err := south2.Commit(store.Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"phone": "+234800002222"}}); err != nil {
		t.Fatal(err)
	}
	if res := bundleFrom(t, s, south2); res.Stored != 1 || res.Refused != 0 {
		t.Errorf("the second tablet's edit: stored %d, refused %d; want it stored", res.Stored, res.Refused)
	}
}

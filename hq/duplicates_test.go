package hq_test

import (
	"strings"
	"testing"

	"fieldreg/registry"
	"fieldreg/store"
)

// TestDuplicatesAcrossDevices: one woman registered by two devices at two
// sites, under two spellings, is found at HQ, which holds both; a
// supervisor's dismissal on a device removes the pair at HQ once synced.
func TestDuplicatesAcrossDevices(t *testing.T) {
	s := newHQ(t)
	addr := serve(t, s)
	north, south := newDevice(t), newDevice(t)
	enroll(t, s, addr, north, "camp_north")
	enroll(t, s, addr, south, "camp_south")

	register := func(w *store.Workspace, site, given, family string) registry.Record {
		_, members := household(t, w, site, 1)
		if _, err := w.Commit(store.Edit{Record: members[0].ID, Kind: registry.KindPerson,
			Set: map[string]string{"given_name": given, "family_name": family, "birth_date": "1988-04-09"}}); err != nil {
			t.Fatal(err)
		}
		return members[0]
	}
	a := register(north, "camp_north", "Khadija", "Abdullahi")
	b := register(south, "camp_south", "Khadiija", "Abdilahi")
	mustSync(t, north)
	mustSync(t, south)

	pairs, err := s.Duplicates()
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 1 {
		t.Fatalf("HQ lists %d pairs, want the one woman registered twice: %+v", len(pairs), pairs)
	}
	got := pairs[0].A.ID + " " + pairs[0].B.ID
	if !strings.Contains(got, a.ID.String()) || !strings.Contains(got, b.ID.String()) || len(pairs[0].Reasons) == 0 {
		t.Errorf("pair %+v, want %s and %s with reasons", pairs[0], a.ID, b.ID)
	}
	if names := pairs[0].A.Name + " / " + pairs[0].B.Name; !strings.Contains(names, "Khadiija Abdilahi") {
		t.Errorf("the pair names %q, want the persons' full names", names)
	}

	// The supervisor on the south device judges them different people (the
	// store records it as a field of the person, as fieldctl does).
	if _, err := south.Commit(store.Edit{Record: b.ID, Kind: registry.KindPerson,
		Set: map[string]string{registry.FieldNotDuplicate: a.ID.String()}}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, south)
	if pairs, err := s.Duplicates(); err != nil || len(pairs) != 0 {
		t.Errorf("after the dismissal synced, HQ lists %+v (%v)", pairs, err)
	}
}

package main

import (
	"errors"
	"strings"
	"testing"

	"fieldreg/registry"
	"fieldreg/store"
)

// TestScopeMovesADevice: an operator moves tablet-2 from camp_north to
// camp_south; devices says so, and at its next sync the tablet no longer
// holds tablet-1's camp_north household.
func TestScopeMovesADevice(t *testing.T) {
	c := newCLI(t)
	c.must("init", "--addr", freeAddr(t))
	c.startServer()
	c.pass = ""
	w1 := enrolledTablet(t, c, "tablet-1")
	w2 := enrolledTablet(t, c, "tablet-2")
	north := registry.NewID()
	if _, err := w1.Commit(store.Edit{Record: north, Kind: registry.KindHousehold, Set: map[string]string{
		"site": "camp_north", "admin1": "North", "admin2": "Lakeside", "consent": "true", "status": "active"}}); err != nil {
		t.Fatal(err)
	}
	for _, w := range []*store.Workspace{w1, w2} {
		if _, err := tabletSync(w); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w2.Get(north); err != nil {
		t.Fatalf("tablet-2 did not receive tablet-1's household: %v", err)
	}

	out := c.must("scope", "tablet-2", "--sites", "camp_south")
	if !strings.Contains(out, "camp_south") {
		t.Errorf("scope printed %q", out)
	}
	if row := c.deviceRow("tablet-2"); !strings.Contains(row, " camp_south ") {
		t.Errorf("devices after scope: %q, want camp_south", row)
	}
	if _, err := tabletSync(w2); err != nil {
		t.Fatal(err)
	}
	if _, err := w2.Get(north); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("tablet-2, moved to camp_south, still holds the camp_north household: %v", err)
	}
	if code, _, errs := c.run("scope", "no-such-tablet", "--sites", "camp_south"); code == 0 {
		t.Errorf("scope of an unknown device: exit 0, %q", errs)
	}
}

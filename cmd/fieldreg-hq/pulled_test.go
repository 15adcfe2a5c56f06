package main

import (
	"strings"
	"testing"

	"fieldreg/registry"
	"fieldreg/store"
)

// TestPulled: after a tablet is lost, `fieldreg-hq pulled` says which
// records it received, by id.
func TestPulled(t *testing.T) {
	c := newCLI(t)
	c.must("init", "--addr", freeAddr(t))
	c.startServer()
	c.pass = ""
	w1 := enrolledTablet(t, c, "tablet-1")
	h := registry.NewID()
	if _, err := w1.Commit(store.Edit{Record: h, Kind: registry.KindHousehold,
		Set: map[string]string{"site": "camp_north", "status": "active", "consent": "true"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := tabletSync(w1); err != nil {
		t.Fatal(err)
	}
	enrolledTablet(t, c, "tablet-2") // its first sync pulls tablet-1's household
	out := c.must("pulled", "tablet-2")
	if !strings.Contains(out, h.String()) {
		t.Errorf("pulled tablet-2 does not list tablet-1's household %s:\n%s", h, out)
	}
	// Only that one: the household enrolledTablet made lacks consent, so
	// HQ holds it in quarantine (formrun.UnitRules) and sends it nowhere.
	if !strings.Contains(out, "records received (1)") || !strings.Contains(out, "sync") {
		t.Errorf("pulled tablet-2:\n%s", out)
	}
	if out := c.must("pulled", "tablet-1"); !strings.Contains(out, "nothing") {
		t.Errorf("pulled tablet-1 (it synced before tablet-2 wrote anything):\n%s", out)
	}
	if code, _, errs := c.run("pulled", "no-such-tablet"); code != exitFailure || !strings.Contains(errs, "unknown device") {
		t.Errorf("pulled of an unknown device: exit %d, %q", code, errs)
	}
}

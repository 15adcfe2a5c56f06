package app

import (
	"maps"
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestNextHouseholdStartsAtTheSiteOfTheLast: a team registers one site's
// households one after the other; the next registration starts at the site
// (and admin areas) of the household just saved, and counts as untouched
// until something is typed, so moving away from it asks nothing.
func TestNextHouseholdStartsAtTheSiteOfTheLast(t *testing.T) {
	u := newTestUI(t)
	u.create()
	south := maps.Clone(testHousehold)
	south["site"], south["admin1"] = "camp_south", "Upper Nile"
	u.registerHousehold(south, testHead)
	r := u.register
	if got := r.reg.Fields["site"]; got != "camp_south" {
		t.Fatalf("the next registration starts at site %q, want camp_south", got)
	}
	site := u.input(r.household, "site")
	if got, want := site.sel.Selected, site.label("camp_south"); got != want {
		t.Errorf("the site shown is %q, want %q", got, want)
	}
	if got := r.reg.Fields["admin1"]; got != "Upper Nile" {
		t.Errorf("admin1 = %q, want it carried", got)
	}
	if r.reg.Fields["phone"] != "" || r.reg.Fields["consent"] == "true" {
		t.Errorf("more than the place was carried: %v", r.reg.Fields)
	}
	if !r.reg.empty() {
		t.Error("a registration holding only the carried site counts as typed")
	}
	// Discarding keeps the place; the next household can still be elsewhere.
	test.Type(u.input(r.household, "phone").entry, "+256 700 000001")
	r.discardNow()
	if got := r.reg.Fields["site"]; got != "camp_south" || r.reg.Fields["phone"] != "" {
		t.Errorf("after discard: site %q phone %q", got, r.reg.Fields["phone"])
	}
	north := maps.Clone(testHousehold)
	u.registerHousehold(north, testHead)
	if got := r.reg.Fields["site"]; got != "camp_north" {
		t.Errorf("after a household at camp_north the next starts at %q", got)
	}
}

package app

import (
	"strings"
	"testing"
	"time"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store"
)

// A tablet whose date was set back (a flat battery, a date changed by
// hand) warns on the home screen, in the user's language, and the next
// registration is still saved and counted.
func TestHomeWarnsWhenTheDateWasSetBack(t *testing.T) {
	u := newTestUI(t)
	u.create()
	if u.home.clock.Visible() {
		t.Fatalf("the clock warning shows with a right date: %q", u.home.clock.Text)
	}
	u.registerHousehold(testHousehold, testHead)
	u.lock()

	u.clock.Add(-49 * time.Hour)
	u.unlockWith(testAdmin, testPass)
	if !u.home.clock.Visible() || !strings.Contains(u.home.clock.Text, "2 days behind the last change saved on this device") {
		t.Errorf("after the date went back two days, home shows %v %q", u.home.clock.Visible(), u.home.clock.Text)
	}

	u.registerHousehold(testHousehold, testHead)
	u.showTab(tabHome)
	if got := u.home.households.Text; !strings.HasSuffix(got, "2 in all") {
		t.Errorf("after registering with the date set back, home says %q", got)
	}

	u.setLanguage("fr")
	if !strings.Contains(u.home.clock.Text, "en retard de 2 jours") {
		t.Errorf("in French the warning reads %q", u.home.clock.Text)
	}
	u.setLanguage("en")
}

// A household pulled from a device whose clock runs 20 hours ahead (under
// the one-day limit) is no sign that this tablet's date is wrong: home shows
// no clock warning, then or after the next unlock.
func TestHomeQuietAboutAChangeFromAFastDevice(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.registerHousehold(testHousehold, testHead)
	id := u.roster.list("", "")[0]
	rec, _ := u.ws.Get(id)
	other := registry.NewID()
	remote := change.Change{Device: other, DeviceSeq: 1, Record: id, Kind: registry.KindHousehold, Author: "omar",
		Stamp:  change.Stamp{HLC: change.MakeHLC(u.clock.Now().Add(20*time.Hour).UnixMilli(), 0), Device: other},
		Writes: []change.Write{{Field: "phone", Value: "+256 700 333", Base: rec.Fields["phone"].Stamp()}}}
	if res, err := u.ws.ApplyRemote([]change.Change{remote}, nil); err != nil || res[0].Outcome != store.Applied {
		t.Fatalf("apply the change from 20 h ahead: %v %v", res, err)
	}
	u.showTab(tabHome)
	if u.home.clock.Visible() {
		t.Errorf("after a change from a fast device, home warns: %q", u.home.clock.Text)
	}
	u.lock()
	u.unlockWith(testAdmin, testPass)
	if u.home.clock.Visible() {
		t.Errorf("after unlocking again, home warns: %q", u.home.clock.Text)
	}
}

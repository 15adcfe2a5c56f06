package app

import (
	"strings"
	"testing"
	"time"
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
	if !u.home.clock.Visible() || !strings.Contains(u.home.clock.Text, "behind the latest change in this workspace by 2 days") {
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

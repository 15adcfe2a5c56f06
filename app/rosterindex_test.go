package app

import (
	"testing"

	"fieldreg/store"
)

// The home screen shows before the roster is built: until then the counts,
// the chart and the household list say the registry is loading (in the
// user's language), and registering works; once it is attached they show
// every household, the one registered meanwhile too, counted once.
func TestScreensWaitForTheRoster(t *testing.T) {
	u := newTestUI(t)
	u.create()
	registerDuplicates(u) // 3 households, 5 persons
	u.lock()

	// Unlock as the unlock screen does, holding the roster back.
	dups, r := newIndexes(u.cfg.Now)
	ws, err := store.Open(u.cfg.Dir, testAdmin, []byte(testPass), u.storeOptions())
	if err != nil {
		t.Fatal(err)
	}
	u.showOpened(ws)
	u.wait()
	const loading = "Loading the registry…"
	home := u.home
	if got := home.households.Text; got != loading {
		t.Errorf("before the roster is built, home counts show %q", got)
	}
	if home.persons.Visible() || home.chart.Visible() || !home.chartWait.Visible() || home.chartWait.Text != loading {
		t.Errorf("before the roster is built: persons shown %v, chart shown %v, chart's place says %q",
			home.persons.Visible(), home.chart.Visible(), home.chartWait.Text)
	}
	u.showTab(tabFind)
	u.wait()
	if got := u.find.count.Text; got != loading || len(u.find.results) != 0 {
		t.Errorf("before the roster is built, the list says %q with %d rows", got, len(u.find.results))
	}

	u.setLanguage("fr")
	if got := u.home.households.Text; got != "Chargement du registre…" {
		t.Errorf("in French, home counts show %q", got)
	}
	u.setLanguage("en")

	u.registerHousehold(testHousehold, testHead, testSpouse)

	u.attachRoster(ws, r, func() { u.attachDuplicates(ws, dups) })
	u.wait()
	if u.roster != r || u.dups != dups {
		t.Fatalf("not in use once attached: roster %v, duplicate index %v", u.roster == r, u.dups == dups)
	}
	home = u.home
	if got, want := home.households.Text, "Households: 4 today, 4 in all"; got != want {
		t.Errorf("once the roster is built, home shows %q, want %q", got, want)
	}
	if got, want := home.persons.Text, "People: 7 today, 7 in all"; got != want {
		t.Errorf("once the roster is built, home shows %q, want %q", got, want)
	}
	if !home.persons.Visible() || !home.chart.Visible() || home.chartWait.Visible() {
		t.Error("the counts and chart do not replace the loading state")
	}
	var charted int
	for i := range ageGroups {
		charted += home.chart.female[i] + home.chart.male[i]
	}
	if charted != 7 {
		t.Errorf("the chart shows %d people, want 7", charted)
	}
	if got := u.find.count.Text; got != "4 households" || len(u.find.results) != 4 {
		t.Errorf("once the roster is built, the list says %q with %d rows", got, len(u.find.results))
	}
}

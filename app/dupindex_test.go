package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"fieldreg/store"
)

// The home screen shows before the duplicate index is built: until then
// the count says "counting…" and typing a known person warns of nothing;
// once it is attached, both catch up without anyone asking again.
func TestDuplicatesWaitForTheIndex(t *testing.T) {
	u := newTestUI(t)
	u.create()
	registerDuplicates(u)
	u.lock()

	// Unlock as the unlock screen does, attaching the roster but holding
	// the duplicate index back.
	dups, r := newIndexes(u.cfg.Now)
	ws, err := store.Open(u.cfg.Dir, testAdmin, []byte(testPass), u.storeOptions())
	if err != nil {
		t.Fatal(err)
	}
	u.showOpened(ws)
	u.attachRoster(ws, r, nil)
	u.wait()
	if got := u.home.duplicates.Text; got != "Possible duplicates: counting…" {
		t.Errorf("before the index is built, home shows %q", got)
	}
	if !strings.Contains(u.home.households.Text, "3") {
		t.Errorf("household count waits for the index too: %q", u.home.households.Text)
	}

	u.showTab(tabRegister)
	reg := u.register
	u.fill(reg.household, map[string]string{"consent": "true", "site": "camp_south"})
	test.Tap(reg.next)
	u.fill(reg.person, map[string]string{"given_name": "Amina", "family_name": "Yusuf", "sex": "female", "birth_date": "1985-03-02"})
	u.wait()
	if reg.dupCard.Visible() || u.dups != nil {
		t.Fatalf("a duplicate warning before the index is built (index %v)", u.dups != nil)
	}

	u.attachDuplicates(ws, dups)
	u.wait()
	if u.dups != dups {
		t.Fatal("the index is not in use once attached")
	}
	if got := u.home.duplicates.Text; got != "Possible duplicates to review: 2" {
		t.Errorf("once the index is built, home shows %q", got)
	}
	if !reg.dupCard.Visible() || !strings.Contains(texts(reg.dupCard), "Aminah Yousef") {
		t.Errorf("no duplicate warning for the person typed while the index was built:\n%s", texts(reg.dupCard))
	}
}

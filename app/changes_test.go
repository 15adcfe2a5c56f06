package app

import (
	"testing"

	"fieldreg/registry"
	"fieldreg/store"
)

// Records that reach the workspace from any writer — a sync pulling
// another device's household, a bundle, another screen — show on the
// home screen, the household list and the sync screen without anyone
// refreshing them by hand.
func TestScreensFollowRecordsFromAnyWriter(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.showTab(tabFind)
	u.wait()
	if got := u.find.count.Text; got != "0 households" {
		t.Fatalf("empty workspace: the list says %q", got)
	}

	// Another writer, on another goroutine as a sync would be.
	u.background(func() func() {
		h := registry.NewID()
		_, err := u.ws.Commit(
			store.Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp_north", "consent": "true", "status": "active"}},
			store.Edit{Record: registry.NewID(), Kind: registry.KindPerson, Set: map[string]string{
				"household_id": h.String(), "relationship": "head", "given_name": "Zainab", "family_name": "Omar", "sex": "female", "birth_date": "1990-01-01"}},
		)
		if err != nil {
			t.Error(err)
		}
		return nil
	})
	u.wait()

	if got, want := u.find.count.Text, "1 household"; got != want {
		t.Errorf("after a household arrived, the list says %q, want %q", got, want)
	}
	if got, want := u.home.households.Text, "Households: 1 today, 1 in all"; got != want {
		t.Errorf("after a household arrived, home says %q, want %q", got, want)
	}
	if got, want := u.home.persons.Text, "People: 1 today, 1 in all"; got != want {
		t.Errorf("after a household arrived, home says %q, want %q", got, want)
	}

	// Once locked, nothing is told to the screens of a closed workspace.
	u.lock()
	if u.changes != nil {
		t.Error("the feed outlives the workspace it follows")
	}
}

package app

import (
	"strings"
	"testing"
)

func TestRegistrationPrefix(t *testing.T) {
	for _, c := range []struct {
		q      string
		prefix string
		ok     bool
	}{
		{"4F2A-91C0", "4f2a91c0", true},
		{"4f2a91c0", "4f2a91c0", true},
		{" 4F2A ", "4f2a", true},
		{"4F2A-", "4f2a", true},
		{"4F2A-9", "4f2a9", true},
		{"ABCD-EF01", "abcdef01", true},
		{"4F2", "", false},        // too short: a number is read in fours
		{"4F2A-91C0A", "", false}, // longer than a number
		{"Abbe", "", false},       // hex, but a name
		{"Deda", "", false},
		{"ABCD-", "abcd", true}, // the dash says it is a number
		{"Amina", "", false},
		{"4F2A 91C0", "", false},
		{"٤٥٦٧", "", false}, // Arabic-Indic digits are not in the number
	} {
		prefix, ok := registrationPrefix(c.q)
		if prefix != c.prefix || ok != c.ok {
			t.Errorf("registrationPrefix(%q) = %q, %v; want %q, %v", c.q, prefix, ok, c.prefix, c.ok)
		}
	}
}

// The number shown after saving finds the household again on the find
// screen, typed as shown, in lower case without the dash, or its first half.
func TestRegistrationNumberFindsHousehold(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.registerHousehold(testHousehold, testHead)
	u.registerHousehold(map[string]string{"consent": "true", "site": "camp_south"}, map[string]string{"relationship": "head", "given_name": "Olena", "family_name": "Kovalenko", "sex": "female", "birth_date": "1979-04-11"})
	ids := u.roster.list("", "")
	if len(ids) != 2 {
		t.Fatalf("%d households", len(ids))
	}
	var amina string
	for _, id := range ids {
		rec, err := u.ws.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Value("site") == "camp_north" {
			amina = registrationNumber(id)
		}
	}
	u.showTab(tabFind)
	f := u.find
	search := func(q string) []string {
		t.Helper()
		f.search.SetText(q)
		f.debounce.flush()
		u.wait()
		var got []string
		for _, id := range f.results {
			got = append(got, registrationNumber(id))
		}
		return got
	}
	for _, q := range []string{amina, strings.ToLower(strings.ReplaceAll(amina, "-", "")), amina[:5]} {
		got := search(q)
		if len(got) == 0 || got[0] != amina {
			t.Errorf("search %q found %v, want %s first", q, got, amina)
		}
	}
	// The full number finds that household only (they are random).
	if got := search(amina); len(got) != 1 {
		t.Errorf("search %q found %v", amina, got)
	}
	// Names are searched as before.
	if got := search("Kovalenko"); len(got) != 1 || got[0] == amina {
		t.Errorf("search by name found %v", got)
	}
}

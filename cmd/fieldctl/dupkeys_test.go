package main

import (
	"strings"
	"testing"
)

// A JSON file that gives a key twice is refused naming the key and the
// household, and nothing of that household is stored: encoding/json alone
// would keep the last value (camp_south) without a word. As with any other
// refused household, the others of the file are registered.
func TestRegisterRefusesDuplicateJSONKeys(t *testing.T) {
	const household = `{"fields": {"site": "camp_north", "consent": true, "consent_by": "Amina Yusuf", "consent_date": "2024-03-01"},
	  "members": [{"fields": {"relationship": "head", "given_name": "Amina", "family_name": "Yusuf", "sex": "female", "birth_date": "1990-01-01"}}]}`
	tests := []struct {
		name, in string
		wants    []string
	}{
		{"site twice", `{"fields": {"site": "camp_north", "site": "camp_south", "consent": true, "consent_by": "Hamid", "consent_date": "2024-03-01"},
		  "members": [{"fields": {"relationship": "head", "given_name": "Hamid", "family_name": "Al-Tayeb", "sex": "male", "birth_date": "1958-11-30"}}]}`,
			[]string{`household 0: fields: duplicate key "site"`}},
		{"member name twice", `[{"fields": {"site": "camp_south", "consent": true, "consent_by": "Hamid", "consent_date": "2024-03-01"},
		  "members": [{"fields": {"relationship": "head", "given_name": "Hamid", "given_name": "Omar", "family_name": "Al-Tayeb", "sex": "male", "birth_date": "1958-11-30"}}]}]`,
			[]string{`household 0: member 0: fields: duplicate key "given_name"`}},
		{"members twice", household[:len(household)-1] + `, "members": []}`,
			[]string{"household 0", `duplicate key "members"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorkspace(t)
			w.fails(exitFailure, tt.wants, "register", "--file", writeFile(t, "households.json", tt.in))
			if n := w.count("household"); n != 0 {
				t.Errorf("%d households stored from a refused file", n)
			}
			if n := w.count("person"); n != 0 {
				t.Errorf("%d persons stored from a refused file", n)
			}
		})
	}
	// In a file of two, the second household is named and only the first stored.
	w := newWorkspace(t)
	in := `[` + household + `, {"fields": {"site": "camp_north", "site": "camp_south", "consent": true, "consent_by": "Hamid", "consent_date": "2024-03-01"},
	  "members": [{"fields": {"relationship": "head", "given_name": "Hamid", "family_name": "Al-Tayeb", "sex": "male", "birth_date": "1958-11-30"}}]}]`
	res := w.run("register", "--file", writeFile(t, "two.json", in))
	if res.code != exitFailure || !strings.Contains(res.stderr, `household 1: fields: duplicate key "site"`) {
		t.Errorf("register a file whose second household gives site twice: exit %d\n%s", res.code, res.stderr)
	}
	if n := w.count("person"); n != 1 || len(lines(w.ok("search", "Hamid"))) != 0 {
		t.Errorf("%d persons after registering the file, want Amina alone", n)
	}
}

// The value rule's invisible characters: what people type loses a byte
// order mark or a zero-width space on the way in (nobody can see or delete
// them), ZWNJ stays, and a line separator in a name is refused.
func TestEditInvisibleCharacters(t *testing.T) {
	w := newWorkspace(t)
	person := parseRegistered(t, w.ok("register", "--file", "testdata/households.json"))["person"][0]
	before := w.ok("show", person)
	w.fails(exitFailure, []string{"given_name"}, "edit", person, "given_name=Amina\u2028Yusuf")
	if got := w.ok("show", person); got != before {
		t.Errorf("the refused edit changed the person:\n%s\nwas\n%s", got, before)
	}
	w.ok("edit", person, "given_name=\ufeffAmi\u200bna")
	if got := w.ok("show", person); !strings.Contains(got, "Amina") {
		t.Errorf("a pasted name kept its invisible characters:\n%s", got)
	}
	w.ok("edit", person, "given_name=\u0645\u06cc\u200c\u0646\u0627")
	if got := w.ok("show", person); !strings.Contains(got, "\u0645\u06cc\u200c\u0646\u0627") {
		t.Errorf("a Persian name lost its ZWNJ:\n%s", got)
	}
}

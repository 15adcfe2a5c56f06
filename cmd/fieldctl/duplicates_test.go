package main

import (
	"encoding/json"
	"strings"
	"testing"
)

type dupPair struct {
	Level   string `json:"level"`
	A       struct{ ID, Name string }
	B       struct{ ID, Name string }
	Reasons []string `json:"reasons"`
}

func duplicatePairs(t *testing.T, w *testWorkspace) []dupPair {
	t.Helper()
	var pairs []dupPair
	for _, l := range lines(w.ok("duplicates", "--json")) {
		var p dupPair
		if err := json.Unmarshal([]byte(l), &p); err != nil {
			t.Fatalf("duplicates --json printed %q: %v", l, err)
		}
		pairs = append(pairs, p)
	}
	return pairs
}

// TestDuplicates registers one man twice, at two sites, under two spellings
// and with day and month swapped, next to twins who are not duplicates; a
// supervisor then either dismisses or merges the pair.
func TestDuplicates(t *testing.T) {
	setup := func(t *testing.T) (*testWorkspace, registered) {
		w := newWorkspace(t)
		w.withEnv("FIELDREG_NEW_PASSPHRASE", "enumerator pass").ok(append([]string{"user", "add", "ena", "--role", "enumerator"}, cheapKDF...)...)
		return w, parseRegistered(t, w.ok("register", "--file", "testdata/duplicates.json"))
	}

	t.Run("listed with reasons, twins not listed", func(t *testing.T) {
		w, ids := setup(t)
		pairs := duplicatePairs(t, w)
		if len(pairs) != 1 {
			t.Fatalf("want one pair, got %+v", pairs)
		}
		got := []string{pairs[0].A.ID, pairs[0].B.ID}
		want := []string{ids["person"][0], ids["person"][3]}
		if !(got[0] == want[0] && got[1] == want[1]) && !(got[0] == want[1] && got[1] == want[0]) {
			t.Errorf("pair %v, want Mohammed Hassan and Muhammad Hasan %v", got, want)
		}
		if pairs[0].Level != "likely" && pairs[0].Level != "possible" {
			t.Errorf("level %q", pairs[0].Level)
		}
		if len(pairs[0].Reasons) == 0 {
			t.Error("the pair comes with no reasons")
		}
		text := w.ok("duplicates")
		if !strings.Contains(text, "Mohammed Hassan") || !strings.Contains(text, "Muhammad Hasan") || strings.Contains(text, "Adama") {
			t.Errorf("duplicates printed:\n%s", text)
		}
	})

	t.Run("dismissed", func(t *testing.T) {
		w, ids := setup(t)
		a, b := ids["person"][0], ids["person"][3]
		w.as("ena", "enumerator pass").fails(1, []string{"only supervisors and admins"}, "duplicates", "dismiss", a, b)
		if len(duplicatePairs(t, w)) != 1 {
			t.Fatal("an enumerator's refused dismissal changed the list")
		}
		w.ok("duplicates", "dismiss", b, a)
		if pairs := duplicatePairs(t, w); len(pairs) != 0 {
			t.Errorf("dismissed pair still listed: %+v", pairs)
		}
		if out := w.ok("duplicates", "dismiss", b, a); !strings.Contains(out, "already") {
			t.Errorf("second dismissal printed %q", out)
		}
		w.ok("verify")
	})

	t.Run("merged", func(t *testing.T) {
		w, ids := setup(t)
		keep, gone := ids["person"][0], ids["person"][3]
		w.fails(1, []string{"head of household"}, "duplicates", "merge", keep, gone)
		// Make the spouse head of the second household, then merge.
		w.ok("edit", ids["person"][4], "relationship=head", gone, "relationship=other_relative")
		before := w.count("person")
		if out := w.ok("duplicates", "merge", keep, gone); !strings.Contains(out, "merged") {
			t.Errorf("merge printed %q", out)
		}
		if after := w.count("person"); after != before-1 {
			t.Errorf("persons listed: %d after merge, want %d", after, before-1)
		}
		var shown struct{ Fields map[string]string }
		if err := json.Unmarshal([]byte(w.ok("show", keep, "--json")), &shown); err != nil {
			t.Fatal(err)
		}
		if shown.Fields["document_number"] != "P-7788" || shown.Fields["given_name"] != "Mohammed" {
			t.Errorf("kept person after merge: %v; want its own name and the other's document", shown.Fields)
		}
		if pairs := duplicatePairs(t, w); len(pairs) != 0 {
			t.Errorf("merged pair still listed: %+v", pairs)
		}
		w.fails(1, []string{"deleted"}, "show", gone)
		w.ok("verify")
	})
}

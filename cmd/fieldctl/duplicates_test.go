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

// TestAddReportsLikelyDuplicates registers and imports a man already on
// record: both commands warn, in text and in JSON, and a new person is
// stored without a warning.
func TestAddReportsLikelyDuplicates(t *testing.T) {
	w := newWorkspace(t)
	w.ok("register", "--file", "testdata/duplicates.json")
	again := `[{"fields": {"site": "camp_south", "admin1": "Nord", "consent": true},
	  "members": [{"fields": {"relationship": "head", "given_name": "Mohamed", "family_name": "Hassan",
	               "sex": "male", "birth_date": "1985-03-12"}}]}]`
	res := w.run("register", "--file", writeFile(t, "again.json", again))
	if res.code != 0 {
		t.Fatalf("register: exit %d\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "likely duplicate") || !strings.Contains(res.stderr, "Mohammed Hassan") || !strings.Contains(res.stderr, "likely duplicate pair") {
		t.Errorf("register did not warn of Mohammed Hassan:\n%s", res.stderr)
	}

	res = w.run("register", "--json", "--file", writeFile(t, "again.json", strings.ReplaceAll(again, "Mohamed", "Muhammed")))
	var pairs []dupPair
	for _, l := range lines(res.stdout) {
		if strings.HasPrefix(l, "{") {
			var p dupPair
			if err := json.Unmarshal([]byte(l), &p); err != nil {
				t.Fatalf("register --json printed %q: %v", l, err)
			}
			pairs = append(pairs, p)
		}
	}
	// Muhammed meets Mohammed and the Mohamed just registered.
	if len(pairs) < 1 || pairs[0].Level != "likely" || !strings.Contains(pairs[0].A.Name, "Muhammed") || len(pairs[0].Reasons) == 0 {
		t.Errorf("register --json reported %+v\nstdout: %s", pairs, res.stdout)
	}

	list := "given_name,family_name,sex,birth_date,site,consent,relationship\n" +
		"Mohammed,Hasan,male,1985-03-12,camp_north,true,head\n" +
		"Zebulon,Okonkwo-Brandt,male,1950-10-10,camp_north,true,head\n"
	res = w.run("import", "--csv", writeFile(t, "list.csv", list))
	if res.code != 0 {
		t.Fatalf("import: exit %d\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "likely duplicate") || strings.Contains(res.stderr, "Zebulon") {
		t.Errorf("import warned:\n%s", res.stderr)
	}

	fresh := strings.ReplaceAll(strings.ReplaceAll(again, "Mohamed", "Wendkouni"), "Hassan", "Ouedraogo")
	if res := w.run("register", "--file", writeFile(t, "fresh.json", fresh)); res.code != 0 || strings.Contains(res.stderr, "likely duplicate") {
		t.Errorf("a new person: exit %d, stderr:\n%s", res.code, res.stderr)
	}
}

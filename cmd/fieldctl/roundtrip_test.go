package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fieldreg/exchange"
)

// registered is what register printed: record ids by kind, in input order.
type registered map[string][]string

func parseRegistered(t *testing.T, out string) registered {
	t.Helper()
	r := registered{}
	for _, l := range lines(out) {
		id, kind, ok := strings.Cut(l, "\t")
		if !ok {
			t.Fatalf("register printed %q, want ID<TAB>KIND", l)
		}
		r[kind] = append(r[kind], id)
	}
	return r
}

// versionToken is an export's version of a record (exchange.Version).
var versionToken = regexp.MustCompile(`v1\.[A-Za-z0-9_-]+`)

// withoutVersions blanks the versions of an export: carried to another
// workspace, the same values are written there at other stamps.
func withoutVersions(export string) string { return versionToken.ReplaceAllString(export, "v") }

// TestRoundTrip walks the life of a small registry: register, find, read,
// correct, export in every format, and carry the exports to a second and
// third workspace, where exporting again gives the same files.
func TestRoundTrip(t *testing.T) {
	w := newWorkspace(t)
	w.withEnv("FIELDREG_NEW_PASSPHRASE", "supervisor pass").ok(append([]string{"user", "add", "sam", "--role", "supervisor"}, cheapKDF...)...)

	ids := parseRegistered(t, w.ok("register", "--file", "testdata/households.json"))
	if len(ids["household"]) != 2 || len(ids["person"]) != 5 || len(ids["assessment"]) != 1 {
		t.Fatalf("register created %v, want 2 households, 5 persons, 1 assessment", ids)
	}
	hh1, aminata := ids["household"][0], ids["person"][0]

	t.Run("list", func(t *testing.T) {
		households := lines(w.ok("list", "--kind", "household"))
		if len(households) != 2 || !strings.Contains(households[0], "camp_north") || !strings.Contains(households[0], "3 members") {
			t.Errorf("list --kind household:\n%s", strings.Join(households, "\n"))
		}
		if strings.Contains(strings.Join(households, "\n"), "Aminata") {
			t.Error("list shows names without --names")
		}
		if !strings.Contains(w.ok("list", "--kind", "household", "--names"), "Aminata Ouedraogo") {
			t.Error("list --names does not show the head's name")
		}
		persons := lines(w.ok("list", "--json", "--kind", "person"))
		if len(persons) != 5 {
			t.Fatalf("list --json --kind person: %d lines, want 5", len(persons))
		}
		var first listItem
		if err := json.Unmarshal([]byte(persons[0]), &first); err != nil {
			t.Fatal(err)
		}
		if first.ID != aminata || first.Household != hh1 || first.Sex != "female" || first.BirthYear != "1986" {
			t.Errorf("first person listed: %+v", first)
		}
	})

	t.Run("search", func(t *testing.T) {
		for _, query := range []string{"Aminata Ouedraogo", "aminata ouedrago", "Ouédraogo Aminata"} {
			hits := lines(w.ok("search", query))
			if len(hits) == 0 || !strings.HasPrefix(hits[0], aminata) {
				t.Errorf("search %q: best hit is not Aminata:\n%s", query, strings.Join(hits, "\n"))
			}
		}
		var hit struct{ ID, Kind, Name string }
		out := lines(w.ok("search", "--json", "--limit", "1", "Hamid"))
		if len(out) != 1 || json.Unmarshal([]byte(out[0]), &hit) != nil || hit.Kind != "person" || hit.Name != "Hamid Al-Tayeb" {
			t.Errorf("search --json --limit 1 Hamid: %q", out)
		}
	})

	t.Run("show", func(t *testing.T) {
		out := w.ok("show", hh1)
		for _, want := range []string{"household " + hh1, "3 members", "Aminata", "Issa", "1 assessment"} {
			if !strings.Contains(out, want) {
				t.Errorf("show household lacks %q:\n%s", want, out)
			}
		}
		var h exchange.Household
		if err := json.Unmarshal([]byte(w.ok("show", "--json", hh1)), &h); err != nil {
			t.Fatal(err)
		}
		if h.ID != hh1 || len(h.Members) != 3 || len(h.Assessments) != 1 || h.Fields["site"] != "camp_north" {
			t.Errorf("show --json: %+v", h)
		}
		if !strings.Contains(w.ok("show", aminata), "Aminata") {
			t.Error("show person lacks the name")
		}
	})

	t.Run("edit", func(t *testing.T) {
		out := w.ok("edit", hh1, "phone=+226 70 99 88 77", "shelter_type=makeshift")
		if !strings.Contains(out, "phone") || !strings.Contains(out, "shelter_type") {
			t.Errorf("edit output: %q", out)
		}
		var h exchange.Household
		if err := json.Unmarshal([]byte(w.ok("show", "--json", hh1)), &h); err != nil {
			t.Fatal(err)
		}
		if h.Fields["phone"] != "+226 70 99 88 77" || h.Fields["shelter_type"] != "makeshift" {
			t.Errorf("after edit: %v", h.Fields)
		}
		if out := w.ok("edit", hh1, "shelter_type=makeshift"); !strings.Contains(out, "nothing changed") {
			t.Errorf("edit to the same value: %q", out)
		}
		w.fails(1, []string{"birth_date", "date is in the future"}, "edit", aminata, "birth_date=2999-01-01")
		w.fails(1, []string{"sex", "not one of the choices"}, "edit", aminata, "sex=robot")
		w.fails(1, []string{"relationship", "exactly one head (found 2)"}, "edit", ids["person"][1], "relationship=head")
		w.fails(1, []string{"relationship", "exactly one head (found 0)"}, "edit", aminata, "relationship=parent")
		// A new head and the old one's new place go in one command, one commit.
		out = w.ok("edit", aminata, "relationship=parent", ids["person"][1], "relationship=head")
		if strings.Count(out, "changed relationship") != 2 {
			t.Errorf("edit of two records: %q", out)
		}
		w.ok("edit", ids["person"][1], "relationship=child", aminata, "relationship=head")
		w.fails(1, []string{"is the head of household", "make one of them head first"}, "delete", aminata)
	})

	dir := t.TempDir()
	exports := map[string]string{}
	for _, f := range []struct{ name, format, aggregate string }{
		{"households.json", "json", ""}, {"persons.csv", "csv", ""}, {"persons-hxl.csv", "hxl", ""}, {"aggregate.csv", "csv", "--aggregate"},
	} {
		path := filepath.Join(dir, f.name)
		args := []string{"export", "--format", f.format, "--out", path}
		if f.aggregate != "" {
			args = append(args, f.aggregate)
		}
		w.ok(args...)
		exports[f.name] = readFile(t, path)
	}
	if got := w.ok("export", "--format", "csv", "--aggregate", "--out", "-"); got != exports["aggregate.csv"] {
		t.Errorf("export to stdout differs from the file:\n%s", got)
	}
	t.Run("exports", func(t *testing.T) {
		csvLines := lines(exports["persons.csv"])
		if len(csvLines) != 1+5 {
			t.Errorf("persons.csv: %d lines, want a header and 5 persons", len(csvLines))
		}
		hxlLines := lines(exports["persons-hxl.csv"])
		if len(hxlLines) < 2 || !strings.HasPrefix(hxlLines[1], "#") {
			t.Errorf("HXL export has no hashtag row under the header:\n%s", exports["persons-hxl.csv"])
		}
		if !strings.Contains(exports["aggregate.csv"], "#population") || strings.Contains(exports["aggregate.csv"], "Aminata") {
			t.Errorf("aggregate export:\n%s", exports["aggregate.csv"])
		}
	})

	t.Run("json to a second workspace", func(t *testing.T) {
		w2 := newWorkspace(t)
		w2.ok("register", "--file", filepath.Join(dir, "households.json"))
		again := filepath.Join(t.TempDir(), "again.json")
		w2.ok("export", "--format", "json", "--out", again)
		if got := readFile(t, again); withoutVersions(got) != withoutVersions(exports["households.json"]) {
			t.Errorf("JSON export after re-registering differs:\nfirst:\n%s\nagain:\n%s", exports["households.json"], got)
		}
	})

	t.Run("csv to a third workspace", func(t *testing.T) {
		w3 := newWorkspace(t)
		out := w3.ok("import", "--csv", filepath.Join(dir, "persons.csv"))
		if !strings.Contains(out, "imported 5 persons in 2 households") {
			t.Errorf("import summary: %q", out)
		}
		for name, format := range map[string]string{"persons.csv": "csv", "aggregate.csv": "csv"} {
			again := filepath.Join(t.TempDir(), name)
			args := []string{"export", "--format", format, "--out", again}
			if name == "aggregate.csv" {
				args = append(args, "--aggregate")
			}
			w3.ok(args...)
			if got := readFile(t, again); withoutVersions(got) != withoutVersions(exports[name]) {
				t.Errorf("%s after importing the CSV differs:\nfirst:\n%s\nagain:\n%s", name, exports[name], got)
			}
		}
	})

	t.Run("hxl to a fourth workspace", func(t *testing.T) {
		w4 := newWorkspace(t)
		w4.ok("import", "--csv", filepath.Join(dir, "persons-hxl.csv"))
		again := filepath.Join(t.TempDir(), "persons.csv")
		w4.ok("export", "--format", "csv", "--out", again)
		if got := readFile(t, again); withoutVersions(got) != withoutVersions(exports["persons.csv"]) {
			t.Errorf("CSV export after importing the HXL export differs:\nfirst:\n%s\nagain:\n%s", exports["persons.csv"], got)
		}
	})

	if out := w.ok("verify"); !strings.Contains(out, "ok") {
		t.Errorf("verify: %q", out)
	}
}

// TestRegisterAgain: registering an export again changes nothing and makes no
// duplicates; a deleted household cannot be brought back by it unnoticed.
func TestRegisterAgain(t *testing.T) {
	w := newWorkspace(t)
	ids := parseRegistered(t, w.runStdin(readFile(t, "testdata/households.json"), "register", "--file", "-").stdout)
	if len(ids["household"]) != 2 {
		t.Fatalf("register from stdin: %v", ids)
	}
	export := filepath.Join(t.TempDir(), "export.json")
	w.ok("export", "--format", "json", "--out", export)
	w.ok("register", "--file", export)
	if n := w.count("person"); n != 5 {
		t.Errorf("%d persons after registering the export again, want 5", n)
	}
	w.ok("delete", ids["household"][1])
	w.fails(exitFailure, []string{"household 1", "deleted"}, "register", "--file", export)
	if n := w.count("household"); n != 1 {
		t.Errorf("%d households after re-registering a deleted one, want 1", n)
	}
}

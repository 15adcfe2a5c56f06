package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"fieldreg/exchange"
)

// Issue 9, case 4: an edit made after an export survives registering or
// importing that export again: the edited name stays the one shown, and the
// export's name waits as a conflict for a supervisor, in JSON and in CSV.
func TestReimportOlderExportKeepsEdits(t *testing.T) {
	for _, format := range []string{"json", "csv", "hxl"} {
		t.Run(format, func(t *testing.T) {
			w := newWorkspace(t)
			ids := parseRegistered(t, w.ok("register", "--file", "testdata/households.json"))
			aminata := ids["person"][0]
			export := filepath.Join(t.TempDir(), "export."+format)
			w.ok("export", "--format", format, "--out", export)
			w.ok("edit", aminata, "given_name=Aminatou")

			reimport := func() string {
				if format != "json" {
					return w.ok("import", "--csv", export)
				}
				res := w.run("register", "--file", export)
				if res.code != 0 {
					t.Fatalf("register the export again: exit %d\n%s", res.code, res.stderr)
				}
				return res.stderr
			}
			if format == "json" {
				res := w.run("register", "--file", export)
				if res.code != 0 || !strings.Contains(res.stderr, "conflicts: 1 person (given_name") {
					t.Errorf("summary does not name the conflict: exit %d\n%s", res.code, res.stderr)
				}
				if !strings.Contains(res.stderr, "household 0: member 0: person "+aminata+": given_name changed here") {
					t.Errorf("the record with the conflict is not named:\n%s", res.stderr)
				}
			} else {
				res := w.run("import", "--csv", export)
				if res.code != 0 || !strings.Contains(res.stdout, "conflicts: 1 person (given_name") {
					t.Errorf("summary does not name the conflict: exit %d\n%s", res.code, res.stdout)
				}
				if !strings.Contains(res.stderr, "person "+aminata+": given_name changed here") {
					t.Errorf("the record with the conflict is not named:\n%s", res.stderr)
				}
			}
			shown := w.ok("show", aminata)
			if !strings.Contains(shown, `kept "Aminatou"`) || strings.Count(shown, `also "Aminata"`) != 1 {
				t.Errorf("show after re-importing the older export:\n%s", shown)
			}
			// Once more: the conflict is there already.
			if out := reimport(); !strings.Contains(out, "nothing new") {
				t.Errorf("the older export a second time:\n%s", out)
			}
			if again := w.ok("show", aminata); again != shown {
				t.Errorf("the older export a second time changed the record:\n%s", again)
			}
			if n := w.count("person"); n != 5 {
				t.Errorf("%d persons after re-importing the export, want 5", n)
			}
		})
	}
}

// Registering records the workspace holds, by id and without an export's
// version, is refused, naming the record; --update writes over them.
func TestRegisterExistingIDNeedsUpdate(t *testing.T) {
	w := newWorkspace(t)
	ids := parseRegistered(t, w.ok("register", "--file", "testdata/households.json"))
	hh, aminata := ids["household"][0], ids["person"][0]
	var h exchange.Household
	if err := json.Unmarshal([]byte(w.ok("show", "--json", hh)), &h); err != nil {
		t.Fatal(err)
	}
	h.Version = ""
	for i := range h.Members {
		h.Members[i].Version = ""
		if h.Members[i].ID == aminata {
			h.Members[i].Fields["given_name"] = "Aminatou"
		}
	}
	for i := range h.Assessments {
		h.Assessments[i].Version = ""
	}
	data, err := json.Marshal([]exchange.Household{h})
	if err != nil {
		t.Fatal(err)
	}
	file := writeFile(t, "by-id.json", string(data))

	w.fails(exitFailure, []string{"person " + aminata + " is already registered", "given_name", "pass --update"}, "register", "--file", file)
	if got := w.ok("show", aminata); !strings.Contains(got, "Aminata") || strings.Contains(got, "Aminatou") {
		t.Errorf("a refused registration changed the record:\n%s", got)
	}
	w.ok("register", "--update", "--file", file)
	if got := w.ok("show", aminata); !strings.Contains(got, "Aminatou") || strings.Contains(got, "Conflicts") {
		t.Errorf("register --update did not write over the record:\n%s", got)
	}
}

// A file with one bad household is run again, as is, then with the bad one
// fixed: the good ones are registered once, and the fixed one is added.
func TestRegisterRerunAfterPartialFailure(t *testing.T) {
	w := newWorkspace(t)
	good := readFile(t, "testdata/households.json")
	good = strings.TrimSuffix(strings.TrimSpace(good), "]")
	bad := `{"fields": {"site": "camp_north", "consent": true},
	  "members": [{"fields": {"relationship": "head", "given_name": "Awa", "family_name": "Traoré", "sex": "female", "birth_date": "2999-01-01"}}]}`
	file := writeFile(t, "partly.json", good+",\n"+bad+"\n]\n")

	w.fails(exitFailure, []string{"household 2", "birth_date"}, "register", "--file", file)
	if n := w.count("household"); n != 2 {
		t.Fatalf("%d households after the first run, want the 2 good ones", n)
	}
	res := w.fails(exitFailure, []string{"household 2", "birth_date"}, "register", "--file", file)
	if n := w.count("household"); n != 2 {
		t.Errorf("%d households after running the file again, want 2", n)
	}
	if !strings.Contains(res.stderr, "nothing new: 2 households, 5 persons, 1 assessment already there, unchanged") {
		t.Errorf("second run's summary:\n%s", res.stderr)
	}
	fixed := writeFile(t, "fixed.json", good+",\n"+strings.Replace(bad, "2999-01-01", "1999-01-01", 1)+"\n]\n")
	out := w.runStdin("", "register", "--file", fixed)
	if out.code != 0 {
		t.Fatalf("the fixed file: exit %d\n%s", out.code, out.stderr)
	}
	if n := w.count("household"); n != 3 {
		t.Errorf("%d households after the fixed file, want 3", n)
	}
	if !strings.Contains(out.stderr, "new: 1 household, 1 person; already there, unchanged: 2 households, 5 persons, 1 assessment") {
		t.Errorf("fixed run's summary:\n%s", out.stderr)
	}
	// A household deleted since is not registered again.
	first, _, _ := strings.Cut(lines(w.ok("list", "--kind", "household"))[0], "\t")
	w.ok("delete", first)
	w.fails(exitFailure, []string{"was deleted in this workspace", "1 of 3 households refused"}, "register", "--file", fixed)
	if n := w.count("household"); n != 2 {
		t.Errorf("%d households after the file again, want 2", n)
	}
}

// A list keyed by another agency's household keys, imported twice, or its
// rest imported after the first part: each household once, its members
// once, and the second import says there was nothing new.
func TestImportKeyedListTwice(t *testing.T) {
	w := newWorkspace(t)
	var b strings.Builder
	b.WriteString("HH,given_name,family_name,sex,birth_date,relationship,site,consent\n")
	const households = 40
	for i := range households {
		fmt.Fprintf(&b, "AG-%03d,Head%d,Fam%d,female,1980-01-01,head,camp_north,true\n", i, i, i)
		fmt.Fprintf(&b, "AG-%03d,Child%d,Fam%d,male,2015-01-01,child,camp_north,true\n", i, i, i)
	}
	list := b.String()
	mapping := writeFile(t, "mapping.json", `{"HH": "household_id"}`)
	firstHalf := writeFile(t, "first.csv", strings.Join(strings.SplitAfter(list, "\n")[:1+households], ""))
	whole := writeFile(t, "list.csv", list)

	if out := w.ok("import", "--csv", firstHalf, "--mapping", mapping); !strings.Contains(out, "new: 20 households, 40 persons") {
		t.Errorf("first half's summary:\n%s", out)
	}
	out := w.ok("import", "--csv", whole, "--mapping", mapping)
	if !strings.Contains(out, "new: 20 households, 40 persons; already there, unchanged: 20 households, 40 persons") {
		t.Errorf("the whole list after its first half:\n%s", out)
	}
	if n, m := w.count("household"), w.count("person"); n != households || m != 2*households {
		t.Errorf("%d households, %d persons after importing the list twice; want %d, %d", n, m, households, 2*households)
	}
	out = w.ok("import", "--csv", whole, "--mapping", mapping)
	if !strings.Contains(out, "nothing new: 40 households, 80 persons already there, unchanged") {
		t.Errorf("the same list again:\n%s", out)
	}
	if n := w.count("household"); n != households {
		t.Errorf("%d households after the third import, want %d", n, households)
	}

	// A member deleted since is not brought back by the list.
	hits := lines(w.ok("search", "Child3 Fam3"))
	if len(hits) == 0 {
		t.Fatal("Child3 not found")
	}
	child, _, _ := strings.Cut(hits[0], "\t")
	w.ok("delete", child)
	res := w.run("import", "--csv", whole, "--mapping", mapping)
	if res.code != 0 || !strings.Contains(res.stdout, "nothing new") || !strings.Contains(res.stderr, "line 9: this person was deleted") {
		t.Errorf("the list again after a member was deleted: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if n := w.count("person"); n != 2*households-1 {
		t.Errorf("%d persons after the list again, want %d: the deleted one back?", n, 2*households-1)
	}

	// Nor a household deleted since.
	first, _, _ := strings.Cut(lines(w.ok("list", "--kind", "household"))[0], "\t")
	w.ok("delete", first)
	w.fails(exitFailure, []string{"this household was deleted in this workspace since it was imported", "2 rows refused"}, "import", "--csv", whole, "--mapping", mapping)
	if n := w.count("household"); n != households-1 {
		t.Errorf("%d households after the list again, want %d: the deleted one back?", n, households-1)
	}

	// A list with neither ids nor keys, one person a household, twice.
	own := writeFile(t, "own.csv", "given_name,sex,birth_date,relationship,site,consent\nAcha,female,1990-01-01,head,camp_south,true\nIdriss,male,1970-01-01,head,camp_south,true\n")
	w.ok("import", "--csv", own)
	if out := w.ok("import", "--csv", own); !strings.Contains(out, "nothing new: 2 households, 2 persons already there, unchanged") {
		t.Errorf("an unkeyed list again:\n%s", out)
	}
	if n := w.count("household"); n != households-1+2 {
		t.Errorf("%d households after the unkeyed list twice, want %d", n, households-1+2)
	}
}

// Exporting, then importing the export unchanged, writes nothing.
func TestImportOwnExportTwiceIsNothingNew(t *testing.T) {
	w := newWorkspace(t)
	w.ok("register", "--file", "testdata/households.json")
	export := filepath.Join(t.TempDir(), "persons.csv")
	w.ok("export", "--format", "csv", "--out", export)
	for range 2 {
		if out := w.ok("import", "--csv", export); !strings.Contains(out, "nothing new: 2 households, 5 persons already there, unchanged") {
			t.Errorf("importing the workspace's own export:\n%s", out)
		}
	}
	if out := w.ok("register", "--file", "testdata/households.json"); !strings.Contains(out, "\tperson") {
		t.Errorf("register prints no records for households already there: %q", out)
	}
	if n := w.count("person"); n != 5 {
		t.Errorf("%d persons, want 5", n)
	}
}

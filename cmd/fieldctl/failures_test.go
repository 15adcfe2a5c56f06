package main

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fieldreg/store"
)

// TestWrongPassphrase: a wrong passphrase exits 3, says so, and leaves every
// file of the workspace byte for byte as it was.
func TestWrongPassphrase(t *testing.T) {
	w := newWorkspace(t)
	w.ok("register", "--file", "testdata/households.json")
	before := fileHashes(t, w.dir)
	for _, args := range [][]string{{"list"}, {"edit", "0190c8a4-0000-7000-8000-000000000000", "phone=1"}, {"verify"}} {
		w.withEnv("FIELDREG_PASSPHRASE", "not the passphrase").fails(exitWrongPassphrase, []string{"wrong user name or passphrase"}, args...)
	}
	w.as("nobody", adminPass).fails(exitWrongPassphrase, []string{"wrong user name or passphrase"}, "list")
	if after := fileHashes(t, w.dir); !maps.Equal(before, after) {
		t.Error("workspace files changed after a wrong passphrase")
	}
}

// TestWorkspaceInUse: while another process holds the workspace, fieldctl
// says so with exit code 4 within seconds instead of hanging.
func TestWorkspaceInUse(t *testing.T) {
	w := newWorkspace(t)
	held, err := store.Open(w.dir, "admin", []byte(adminPass), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	res := w.run("list")
	checkFailure(t, res, exitInUse, []string{"fieldctl: workspace in use by another process"}, []string{"list"})
	if res.took > 10*time.Second {
		t.Errorf("fieldctl took %v to give up", res.took)
	}
}

// TestBadInput: every kind of bad registration is refused with the field and
// the rule named, and nothing already stored is harmed.
func TestBadInput(t *testing.T) {
	w := newWorkspace(t)
	w.ok("register", "--file", "testdata/households.json")
	counts := func() [3]int { return [3]int{w.count("household"), w.count("person"), w.count("assessment")} }
	before := counts()

	head := `{"relationship": "head", "given_name": "Fatima", "sex": "female", "birth_date": "1990-01-01"}`
	household := func(fields, members string) string {
		return `[{"fields": {` + fields + `}, "members": [` + members + `]}]`
	}
	const okFields = `"site": "camp_north", "consent": true`
	for _, tc := range []struct {
		name  string
		input string
		wants []string
	}{
		{"malformed JSON", `[{"fields": {"site": "camp_north",`, nil},
		{"unknown field", household(okFields+`, "favourite_colour": "blue"`, `{"fields": `+head+`}`), []string{"household 0", "favourite_colour", "no such field"}},
		{"future birth date", household(okFields, `{"fields": {"relationship": "head", "given_name": "Fatima", "sex": "female", "birth_date": "2999-01-01"}}`), []string{"household 0", "member 0", "birth_date", "future"}},
		{"two heads", household(okFields, `{"fields": `+head+`}, {"fields": `+head+`}`), []string{"household 0", "relationship", "exactly one head (found 2)"}},
		{"no head", household(okFields, ``), []string{"household 0", "exactly one head (found 0)"}},
		{"missing consent", household(`"site": "camp_north"`, `{"fields": `+head+`}`), []string{"household 0", "consent", "required"}},
		{"consent refused", household(`"site": "camp_north", "consent": false`, `{"fields": `+head+`}`), []string{"household 0", "consent", "consent must be given"}},
		{"bad choice", household(okFields, `{"fields": {"relationship": "head", "given_name": "Fatima", "sex": "f", "birth_date": "1990-01-01"}}`), []string{"household 0", "member 0", "sex", "not one of the choices"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := writeFile(t, "bad.json", tc.input)
			res := w.fails(exitFailure, tc.wants, "register", "--file", file)
			if res.stdout != "" {
				t.Errorf("a refused household printed ids: %q", res.stdout)
			}
		})
	}

	// A good household beside a bad one is stored; the bad one is not.
	mixed := `[{"fields": {` + okFields + `}, "members": [{"fields": ` + head + `}]},
		{"fields": {` + okFields + `}, "members": [{"fields": {"relationship": "head", "given_name": "Fatima", "sex": "female", "birth_date": "2999-01-01"}}]}]`
	res := w.fails(exitFailure, []string{"household 1", "member 0", "birth_date"}, "register", "--file", writeFile(t, "mixed.json", mixed))
	if got := parseRegistered(t, res.stdout); len(got["household"]) != 1 || len(got["person"]) != 1 {
		t.Errorf("mixed file stored %v, want the good household only", got)
	}
	after := counts()
	if want := [3]int{before[0] + 1, before[1] + 1, before[2]}; after != want {
		t.Errorf("counts after the bad inputs: %v, want %v", after, want)
	}
	if out := w.ok("verify"); !strings.Contains(out, "ok") {
		t.Errorf("verify after bad input: %s", out)
	}
}

// TestRoles: an enumerator registers and exports aggregates, but cannot
// export person-level data or delete.
func TestRoles(t *testing.T) {
	w := newWorkspace(t)
	w.withEnv("FIELDREG_NEW_PASSPHRASE", "enumerator pass").ok(append([]string{"user", "add", "eve", "--role", "enumerator"}, cheapKDF...)...)
	eve := w.as("eve", "enumerator pass")
	ids := parseRegistered(t, eve.ok("register", "--file", "testdata/households.json"))

	out := t.TempDir() + "/out.csv"
	for _, format := range []string{"csv", "hxl", "json"} {
		eve.fails(exitFailure, []string{"person-level exports need a supervisor or admin"}, "export", "--format", format, "--out", out)
	}
	eve.ok("export", "--format", "csv", "--aggregate", "--out", out)
	if !strings.Contains(readFile(t, out), "#population") {
		t.Error("aggregate export by an enumerator is empty")
	}
	w.ok("export", "--format", "hxl", "--out", out)

	// Every export is in the audit log: who, and what kind of data left.
	ws, err := store.Open(w.dir, "admin", []byte(adminPass), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var exports []string
	err = ws.Audit(func(a store.AuditEntry) error {
		if a.Action == "export" {
			exports = append(exports, a.User+": "+a.Detail)
		}
		return nil
	})
	ws.Close()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"eve: aggregate csv", "admin: person-level hxl"}; !slices.Equal(exports, want) {
		t.Errorf("audited exports %q, want %q", exports, want)
	}

	eve.fails(exitFailure, []string{"only supervisors and admins delete"}, "delete", ids["household"][0])
	eve.fails(exitFailure, []string{"only admins manage users"}, append([]string{"user", "add", "mallory", "--role", "admin"}, cheapKDF...)...)
	if w.count("household") != 2 {
		t.Error("a refused delete removed a household")
	}
}

// TestUsage: command lines that cannot run exit 2 with the usage line; help
// prints the commands.
func TestUsage(t *testing.T) {
	w := newWorkspace(t)
	for _, args := range [][]string{
		{"frobnicate"},
		{"list", "--bogus"},
		{"show"},
		{"show", "not-an-id"},
		{"edit", "0190c8a4-0000-7000-8000-000000000000"},
		{"edit", "0190c8a4-0000-7000-8000-000000000000", "no-equals-sign"},
		{"export", "--format", "pdf", "--out", "x"},
		{"export", "--format", "csv"},
		{"register"},
		{"user", "add", "bob"},
		{"user", "add", "bob", "--role", "king"},
		{"search"},
		{"wipe"},
		{"user"},
		{"user", "frobnicate"},
		{"init", "--kdf-memory", "0"},
	} {
		res := w.fails(exitUsage, nil, args...)
		if !strings.Contains(res.stderr, "usage: fieldctl") && !strings.Contains(res.stderr, "see fieldctl help") {
			t.Errorf("fieldctl %s: the error does not point to the usage: %q", strings.Join(args, " "), res.stderr)
		}
	}
	for _, args := range [][]string{{"help"}, {"--help"}} {
		if out := w.ok(args...); !strings.Contains(out, "usage: fieldctl") || !strings.Contains(out, "export --format csv|hxl|json") {
			t.Errorf("fieldctl %s:\n%s", strings.Join(args, " "), out)
		}
	}
	if out := w.ok("help", "export"); !strings.Contains(out, "-aggregate") {
		t.Errorf("help export:\n%s", out)
	}
	res := w.run()
	if res.code != exitUsage || !strings.Contains(res.stderr, "usage: fieldctl") {
		t.Errorf("no arguments: exit %d, stderr %q", res.code, res.stderr)
	}
}

// TestPassphraseRules: passphrases come from a file too, short ones are
// refused, and without any source fieldctl says where to put one.
func TestPassphraseRules(t *testing.T) {
	w := emptyWorkspace(t)
	w.withEnv("FIELDREG_NEW_PASSPHRASE", "short").fails(exitFailure, []string{"passphrase too short"}, append([]string{"init"}, cheapKDF...)...)
	file := writeFile(t, "pass", adminPass+"\n")
	w.withEnv("FIELDREG_PASSPHRASE", "").ok(append([]string{"--passphrase-file", file, "init"}, cheapKDF...)...)
	w.withEnv("FIELDREG_PASSPHRASE", "").ok("list", "--passphrase-file", file)
	w.withEnv("FIELDREG_PASSPHRASE", "").fails(exitUsage, []string{"FIELDREG_PASSPHRASE"}, "list")
	w.withEnv("FIELDREG_NEW_PASSPHRASE", "1234567").fails(exitFailure, []string{"passphrase too short"}, append([]string{"user", "add", "bob", "--role", "enumerator"}, cheapKDF...)...)

	// A changed passphrase opens the workspace; the old one no longer does.
	w.withEnv("FIELDREG_NEW_PASSPHRASE", "a brand new passphrase").ok(append([]string{"user", "passwd", "admin"}, cheapKDF...)...)
	w.fails(exitWrongPassphrase, nil, "list")
	w.withEnv("FIELDREG_PASSPHRASE", "a brand new passphrase").ok("list")
}

// TestVerifyDamaged: a flipped byte in a stored value makes verify list the
// problem and exit 1; it never passes and never crashes.
func TestVerifyDamaged(t *testing.T) {
	w := newWorkspace(t)
	w.ok("register", "--file", "testdata/households.json")
	db := filepath.Join(w.dir, "workspace.db")
	data, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	// Flip the last byte in use of a full bbolt leaf page (flag 0x02 at
	// offset 8 of the page header): the tag of a sealed value. The fullest
	// page first; a page whose damage stops the workspace from opening at
	// all (a record's, read at unlock) is passed over for the next.
	pageSize := os.Getpagesize()
	type leaf struct{ page, used int }
	var leaves []leaf
	for p := 0; (p+1)*pageSize <= len(data); p++ {
		page := data[p*pageSize : (p+1)*pageSize]
		if page[8] != 0x02 {
			continue
		}
		leaves = append(leaves, leaf{p, len(bytes.TrimRight(page, "\x00"))})
	}
	if len(leaves) == 0 {
		t.Fatal("no leaf page found")
	}
	slices.SortStableFunc(leaves, func(a, b leaf) int { return b.used - a.used })
	for _, l := range leaves {
		damaged := slices.Clone(data)
		damaged[l.page*pageSize+l.used-1] ^= 0x01
		if err := os.WriteFile(db, damaged, 0o600); err != nil {
			t.Fatal(err)
		}
		res := w.run("verify")
		if strings.Contains(res.stderr, "open workspace") {
			continue
		}
		checkFailure(t, res, exitFailure, []string{"verify found", "problem"}, []string{"verify"})
		if !strings.Contains(res.stdout, "problem: ") || !strings.Contains(res.stdout, "corrupt") {
			t.Errorf("verify output:\n%s", res.stdout)
		}
		return
	}
	t.Fatal("no damaged page left the workspace opening")
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCanary plants unique marker values through register, edit and delete,
// then looks for them in every file of the workspace: there must be none, in
// any case, because everything is sealed. It also checks that refusing a bad
// value never echoes it: error text ends up in logs and screenshots.
func TestCanary(t *testing.T) {
	w := newWorkspace(t)
	markers := []string{"Zqxcanarygiven", "Kwvcanaryfamily", "+99 7911 482317", "CANARYDOC-93817", "Yqcanaryedited", "Ujcanarydeleted", "Canaryconsenter"}
	input := `[{"fields": {"site": "camp_north", "consent": true, "consent_by": "Canaryconsenter", "phone": "+99 7911 482317"},
	  "members": [
	    {"fields": {"relationship": "head", "given_name": "Zqxcanarygiven", "family_name": "Kwvcanaryfamily", "sex": "female",
	                "birth_date": "1980-02-02", "document_type": "passport", "document_number": "CANARYDOC-93817"}},
	    {"fields": {"relationship": "child", "given_name": "Ujcanarydeleted", "sex": "male", "birth_date": "2010-02-02"}}]}]`
	ids := parseRegistered(t, w.ok("register", "--file", writeFile(t, "canary.json", input)))
	head, child := ids["person"][0], ids["person"][1]
	w.ok("edit", head, "given_name=Yqcanaryedited")
	w.ok("edit", head, "given_name=Zqxcanarygiven")
	w.ok("delete", child)
	if hits := lines(w.ok("search", "Zqxcanarygiven")); len(hits) == 0 {
		t.Fatal("the canary household is not searchable: the test would prove nothing")
	}

	leaks := func(where string, data []byte) {
		t.Helper()
		lower := bytes.ToLower(data)
		for _, m := range markers {
			if bytes.Contains(data, []byte(m)) || bytes.Contains(lower, bytes.ToLower([]byte(m))) {
				t.Errorf("%s holds the marker %q in plaintext", where, m)
			}
		}
	}
	files := 0
	err := filepath.WalkDir(w.dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		leaks(path, data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatal("no workspace files to check")
	}

	// Refused values are named by field and rule, never quoted.
	const secret = "Secretcanaryvalue"
	badDate := `[{"fields": {"site": "camp_north", "consent": true}, "members": [{"fields": {"relationship": "head",
		"given_name": "A", "sex": "female", "birth_date": "` + secret + `"}}]}]`
	badChoice := `[{"fields": {"site": "` + secret + `", "consent": true}, "members": [{"fields": {"relationship": "head",
		"given_name": "A", "sex": "female", "birth_date": "1990-01-01"}}]}]`
	badID := `[{"id": "` + secret + `", "fields": {"site": "camp_north", "consent": true}, "members": []}]`
	badAge := `[{"fields": {"site": "camp_north", "consent": true}, "members": [{"fields": {"relationship": "head",
		"given_name": "A", "sex": "female", "age": "` + secret + `"}}]}]`
	csvHeader := "person_id,given_name,sex,birth_date,site,consent,relationship,gps\n"
	for _, res := range []result{
		w.run("register", "--file", writeFile(t, "date.json", badDate)),
		w.run("register", "--file", writeFile(t, "choice.json", badChoice)),
		w.run("edit", head, "birth_date="+secret),
		w.run("edit", head, "sex="+secret),
		w.run("edit", head, "gps="+secret),
		w.run("register", "--file", writeFile(t, "id.json", badID)),
		w.run("register", "--file", writeFile(t, "age.json", badAge)),
		w.run("import", "--csv", writeFile(t, "bad.csv", "given_name,sex,birth_date,site,consent,relationship\nA,female,"+secret+",camp_north,true,head\n")),
		w.run("import", "--csv", writeFile(t, "id.csv", csvHeader+secret+",A,female,1990-01-01,camp_north,true,head,\n")),
		w.run("import", "--csv", writeFile(t, "sex.csv", csvHeader+",A,"+secret+",1990-01-01,camp_north,true,head,\n")),
		w.run("import", "--csv", writeFile(t, "gps.csv", csvHeader+",A,female,1990-01-01,camp_north,true,head,"+secret+"\n")),
	} {
		if res.code == 0 {
			t.Errorf("a bad value was accepted: %s", res.stdout)
		}
		leaks("an error message", []byte(res.stdout+res.stderr))
		if !regexp.MustCompile(`(birth_date|site|sex|gps|person_id|\bid\b|\bage\b)`).MatchString(res.stderr) {
			t.Errorf("the refusal does not name the field: %q", res.stderr)
		}
	}
	if strings.Contains(w.ok("verify"), "problem") {
		t.Error("verify found problems")
	}
}

// TestWipe: wipe needs --yes, takes milliseconds, and leaves no workspace.
func TestWipe(t *testing.T) {
	w := newWorkspace(t)
	ids := parseRegistered(t, w.ok("register", "--file", "testdata/households.json"))
	w.fails(exitUsage, []string{"--yes"}, "wipe")
	if w.count("household") != 2 {
		t.Fatal("wipe without --yes touched the workspace")
	}
	out := w.ok("wipe", "--yes")
	if !regexp.MustCompile(`^workspace wiped in \d+ (µs|ms|s)\n$`).MatchString(out) {
		t.Errorf("wipe printed %q", out)
	}
	w.fails(exitFailure, []string{"no workspace"}, "list")
	w.fails(exitFailure, []string{"no workspace"}, "show", ids["household"][0])
	entries, err := os.ReadDir(w.dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left after wipe: %s", e.Name())
	}
	w.fails(exitFailure, []string{"no workspace"}, "wipe", "--yes")
}

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"fieldreg/store"
)

func TestParseFlagsAnywhere(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		wantArgs []string
		wantJSON bool
		wantUser string
	}{
		{[]string{"ID", "--json"}, []string{"ID"}, true, ""},
		{[]string{"--json", "ID"}, []string{"ID"}, true, ""},
		{[]string{"ID", "--user", "sam", "f=v"}, []string{"ID", "f=v"}, false, "sam"},
		{[]string{"--", "--json"}, []string{"--json"}, false, ""},
		{[]string{"a", "--", "-b", "--json"}, []string{"a", "-b", "--json"}, false, ""},
		{nil, nil, false, ""},
	} {
		e := &env{getenv: func(string) string { return "" }}
		fs := newFlags(e, "show")
		asJSON := fs.Bool("json", false, "")
		got, err := parseFlags(e, fs, tc.args)
		if err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		if !slices.Equal(got, tc.wantArgs) || *asJSON != tc.wantJSON || e.user != tc.wantUser {
			t.Errorf("%q: args %q json %v user %q, want %q %v %q", tc.args, got, *asJSON, e.user, tc.wantArgs, tc.wantJSON, tc.wantUser)
		}
	}
	e := &env{getenv: func(string) string { return "" }}
	if _, err := parseFlags(e, newFlags(e, "show"), []string{"--nope"}); exitCode(err) != exitUsage {
		t.Errorf("unknown flag: %v, want a usage error", err)
	}
}

func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, 0},
		{errors.New("disk full"), 1},
		{fmt.Errorf("delete: %w", store.ErrForbidden), 1},
		{usagef("want one record id"), 2},
		{fmt.Errorf("open workspace /x: %w", store.ErrWrongPassphrase), 3},
		{fmt.Errorf("open workspace /x: %w", store.ErrInUse), 4},
	} {
		if got := exitCode(tc.err); got != tc.want {
			t.Errorf("exitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
	if got := errorLine(fmt.Errorf("open workspace /x: %w", store.ErrInUse)); got != "fieldctl: workspace in use by another process" {
		t.Errorf("in-use message: %q", got)
	}
	if got := errorLine(errors.New("first\n  second\n")); got != "fieldctl: first; second" {
		t.Errorf("a multi-line error is not one line: %q", got)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 9812: "9,812", 1234567: "1,234,567", -2004: "-2,004"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
	if got := plural(1, "household"); got != "1 household" {
		t.Error(got)
	}
	if got := plural(2004, "household"); got != "2,004 households" {
		t.Error(got)
	}
}

func TestParseAssignments(t *testing.T) {
	got, err := parseAssignments([]string{"phone=+1 555", "notes=a=b", "origin="}, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []assignment{{field: "phone", value: "+1 555"}, {field: "notes", value: "a=b"}, {field: "origin", value: ""}}
	if !slices.Equal(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got, err := parseAssignments([]string{"phone"}, true); err != nil || !got[0].keep {
		t.Errorf("FIELD alone with --resolve: %+v, %v", got, err)
	}
	for _, bad := range [][]string{{"phone"}, {"=x"}, {"Phone=1"}, {"a=1", "a=2"}, {"given name=Secretvalue"}} {
		_, err := parseAssignments(bad, false)
		if exitCode(err) != exitUsage {
			t.Errorf("%q: %v, want a usage error", bad, err)
		}
		if err != nil && strings.Contains(err.Error(), "Secretvalue") {
			t.Errorf("%q: the error quotes the value: %v", bad, err)
		}
	}
}

func FuzzParseAssignments(f *testing.F) {
	f.Add("phone=+1 555", "given_name=", true)
	f.Add("=", "a==b", false)
	f.Fuzz(func(t *testing.T, a, b string, resolve bool) {
		got, err := parseAssignments([]string{a, b}, resolve)
		if err != nil {
			return
		}
		for _, as := range got {
			if !validFieldName(as.field) {
				t.Errorf("accepted field name %q", as.field)
			}
		}
	})
}

func TestPassphraseFile(t *testing.T) {
	dir := t.TempDir()
	for content, want := range map[string]string{
		"secret pass\n":           "secret pass",
		"secret pass\r\nsecond\n": "secret pass",
		"no newline":              "no newline",
	} {
		name := filepath.Join(dir, "p")
		if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := readPassphraseFile(name)
		if err != nil || string(got) != want {
			t.Errorf("%q: %q, %v; want %q", content, got, err, want)
		}
	}
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("\nsecond line\n"), 0o600)
	if _, err := readPassphraseFile(empty); err == nil {
		t.Error("an empty first line was taken as a passphrase")
	}
}

func TestNewPassphraseLength(t *testing.T) {
	for p, ok := range map[string]bool{"123456789": false, "1234567890": true, "ééééééééé": false, "éééééééééé": true, "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6": false} {
		if err := checkNewPassphrase([]byte(p)); (err == nil) != ok {
			t.Errorf("%q: %v", p, err)
		}
	}
}

func TestDefaultWorkspaceDir(t *testing.T) {
	lookup := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	for _, tc := range []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{"HOME": "/home/amina"}, "/home/amina/.local/share/fieldreg"},
		{map[string]string{"HOME": "/home/amina", "XDG_DATA_HOME": "/data"}, "/data/fieldreg"},
		{map[string]string{"HOME": "/home/amina", "XDG_DATA_HOME": "relative"}, "/home/amina/.local/share/fieldreg"},
	} {
		got, err := defaultWorkspaceDir("linux", lookup(tc.vars))
		if err != nil || got != filepath.FromSlash(tc.want) {
			t.Errorf("%v: %q, %v; want %q", tc.vars, got, err, tc.want)
		}
	}
	if _, err := defaultWorkspaceDir("linux", lookup(nil)); err == nil {
		t.Error("no HOME and no XDG_DATA_HOME gave a directory")
	}
	e := &env{getenv: lookup(map[string]string{"FIELDREG_WORKSPACE": "/from/env", "FIELDREG_USER": "sam"})}
	if d, _ := e.workspaceDir(); d != "/from/env" || e.userName() != "sam" {
		t.Errorf("environment ignored: %q %q", d, e.userName())
	}
	e.dir, e.user = "/from/flag", "lea"
	if d, _ := e.workspaceDir(); d != "/from/flag" || e.userName() != "lea" {
		t.Errorf("flags do not win over the environment: %q %q", d, e.userName())
	}
}

// The command table is what other engineers add lines to: every command has
// a usage line and a run function, and names are unique.
func TestCommandTable(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range commandTable() {
		if c.name == "" || c.summary == "" || c.run == nil || seen[c.name] {
			t.Errorf("bad command entry %+v", c.name)
		}
		seen[c.name] = true
	}
}

// An export that fails halfway leaves neither a partial file nor its
// temporary; one that succeeds replaces the old file whole.
func TestWriteAtomically(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "export.csv")
	if err := os.WriteFile(out, []byte("old export\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	failed := errors.New("disk full")
	err := writeAtomically(out, func(w io.Writer) error {
		io.WriteString(w, "half a file")
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("err = %v", err)
	}
	if got := readFile(t, out); got != "old export\n" {
		t.Errorf("a failed export changed the file: %q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left: %v", entries)
	}
	if err := writeAtomically(out, func(w io.Writer) error { _, err := io.WriteString(w, "new export\n"); return err }); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, out); got != "new export\n" {
		t.Errorf("export: %q", got)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 && runtime.GOOS != "windows" {
		t.Errorf("export file mode: %v %v", fi.Mode(), err)
	}
}

func FuzzSplitHouseholds(f *testing.F) {
	f.Add([]byte(`[{"fields": {"site": "camp_north"}, "members": []}, {"fields": {}}]`))
	f.Add([]byte(`{"fields": {}}`))
	f.Add([]byte("\xef\xbb\xbf [1, \"x\", null]"))
	f.Add([]byte(`[{"fields": {"site": "Secretvalue`))
	f.Fuzz(func(t *testing.T, data []byte) {
		elements, err := splitHouseholds(data)
		if err != nil {
			return
		}
		for _, el := range elements {
			if !json.Valid(el) {
				t.Errorf("element %q is not JSON", el)
			}
		}
	})
}

// At a terminal a new passphrase is asked twice, and two different answers
// change nothing.
func TestNewPassphrasePrompt(t *testing.T) {
	prompts := func(answers ...string) func(string) ([]byte, error) {
		return func(string) ([]byte, error) {
			a := answers[0]
			answers = answers[1:]
			return []byte(a), nil
		}
	}
	e := &env{getenv: func(string) string { return "" }}
	e.askSecret = prompts("long enough pass", "long enough pass")
	if p, err := e.newPassphrase("amina", "", false); err != nil || string(p) != "long enough pass" {
		t.Errorf("same twice: %q, %v", p, err)
	}
	e.askSecret = prompts("long enough pass", "long enough pasS")
	if _, err := e.newPassphrase("amina", "", false); err == nil || !strings.Contains(err.Error(), "differ") {
		t.Errorf("different answers: %v", err)
	}
	e.askSecret = prompts("short", "short")
	if _, err := e.newPassphrase("amina", "", false); err == nil || !strings.Contains(err.Error(), "too short") {
		t.Errorf("short: %v", err)
	}
	e.askSecret = nil
	if _, err := e.newPassphrase("amina", "", false); exitCode(err) != exitUsage {
		t.Errorf("no terminal and no variable: %v", err)
	}
}

func TestParseEditGroups(t *testing.T) {
	const a, b = "0190c8a4-0000-7000-8000-00000000000a", "0190c8a4-0000-7000-8000-00000000000b"
	groups, err := parseEditGroups([]string{a, "relationship=parent", "notes=" + b, b, "relationship=head"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 2 || groups[0].id.String() != a || len(groups[0].assignments) != 2 || groups[0].assignments[1].value != b ||
		groups[1].id.String() != b || len(groups[1].assignments) != 1 {
		t.Errorf("groups: %+v", groups)
	}
	for _, bad := range [][]string{nil, {a}, {a, "x=1", b}, {a, "x=1", a, "y=2"}, {"x=1", a, "y=2"}} {
		if _, err := parseEditGroups(bad, false); exitCode(err) != exitUsage {
			t.Errorf("%q: %v, want a usage error", bad, err)
		}
	}
}

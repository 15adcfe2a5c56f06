package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/hq"
	"fieldreg/registry"
)

// TestEraseEverywhere: markers planted in a household's fields, synced to
// HQ and to a second tablet, are found nowhere after the household is
// erased on the first — not by search, show, list or any export, not in
// HQ's records, history, change log or quarantine, not in any file — and
// neither an offline edit made on the second tablet before it heard of the
// erasure, nor an old bundle of that edit brings them back.
func TestEraseEverywhere(t *testing.T) {
	s, _ := startHQ(t)
	ctx := context.Background()
	enroll := func(name string) *testWorkspace {
		w := newWorkspace(t)
		code, err := s.NewEnrollment(ctx, hq.Enrollment{Name: name, Team: "north", Sites: []string{"camp_north"}})
		if err != nil {
			t.Fatal(err)
		}
		w.ok("enroll", code.String())
		return w
	}
	a, b := enroll("tablet-a"), enroll("tablet-b")
	markers := []string{"Zqxerasegiven", "Kwverasefamily", "+99 7911 482399", "ERASEDOC-93817", "Yqeraseedited", "Ujerasechild", "Eraseconsenter", "Wlateerase"}
	input := `[{"fields": {"site": "camp_north", "consent": true, "consent_by": "Eraseconsenter", "phone": "+99 7911 482399"},
	  "members": [
	    {"fields": {"relationship": "head", "given_name": "Zqxerasegiven", "family_name": "Kwverasefamily", "sex": "female",
	                "birth_date": "1980-02-02", "document_type": "passport", "document_number": "ERASEDOC-93817"}},
	    {"fields": {"relationship": "child", "given_name": "Ujerasechild", "sex": "male", "birth_date": "2010-02-02"}}]}]`
	ids := parseRegistered(t, a.ok("register", "--file", writeFile(t, "erase.json", input)))
	a.ok("register", "--file", filepath.Join("testdata", "households.json")) // others, which stay
	hh, head := ids["household"][0], ids["person"][0]
	a.ok("edit", head, "given_name=Yqeraseedited")
	a.ok("edit", head, "given_name=Zqxerasegiven")
	a.ok("sync")
	b.ok("sync")
	if len(lines(b.ok("search", "Zqxerasegiven"))) == 0 {
		t.Fatal("the second tablet does not have the household: the test would prove nothing")
	}
	others := map[*testWorkspace]int{a: a.count("household") - 1, b: b.count("household") - 1}
	othersHQ := s.Workspace().Count(registry.KindHousehold) - 1

	// The second tablet edits it offline and writes a bundle of that.
	b.ok("edit", head, "given_name=Wlateerase")
	oldBundle := filepath.Join(t.TempDir(), "old.bundle")
	b.ok("bundle", "export", "--out", oldBundle)

	if out := a.ok("erase", hh); !strings.Contains(out, "erased household "+hh+" with 2 other records") {
		t.Errorf("erase said %q", out)
	}
	a.ok("sync")
	b.ok("sync")
	if _, err := s.ImportBundleFile(ctx, oldBundle); err != nil {
		t.Fatal(err)
	}
	b.ok("sync")
	a.ok("sync")

	leaks := func(where, text string) {
		t.Helper()
		lower := strings.ToLower(text)
		for _, m := range markers {
			if strings.Contains(lower, strings.ToLower(m)) {
				t.Errorf("%s holds the marker %q", where, m)
			}
		}
	}
	files := func(dir string) {
		t.Helper()
		err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(path)
			if err == nil {
				leaks(path, string(data))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for name, w := range map[string]*testWorkspace{"tablet a": a, "tablet b": b} {
		for _, m := range markers {
			leaks(name+": search", w.ok("search", m))
		}
		leaks(name+": list", w.ok("list", "--names", "--json"))
		for _, id := range append(ids["person"], hh) {
			res := w.run("show", id, "--json")
			leaks(name+": show", res.stdout+res.stderr)
		}
		for _, format := range []string{"csv", "json", "hxl"} {
			leaks(name+": export "+format, w.ok("export", "--format", format, "--out", "-"))
		}
		leaks(name+": duplicates", w.ok("duplicates", "--json"))
		if got := w.count("household"); got != others[w] {
			t.Errorf("%s lists %d households, want the %d others", name, got, others[w])
		}
		if strings.Contains(w.ok("verify"), "problem") {
			t.Errorf("%s: verify found problems", name)
		}
		files(w.dir)
	}

	// HQ.
	ws := s.Workspace()
	for _, id := range append(ids["person"], hh) {
		rec, err := ws.Get(uuid.MustParse(id))
		if err != nil || !rec.Erased() {
			t.Errorf("HQ's record %s: %+v %v, want a tombstone", id, rec, err)
		}
		leaks("HQ's record", dump(rec))
		if h, ok := ws.(interface {
			History(uuid.UUID) ([]change.Change, error)
		}); ok {
			hist, err := h.History(uuid.MustParse(id))
			if err != nil {
				t.Fatal(err)
			}
			leaks("HQ's history", dump(hist))
		}
	}
	log, err := ws.ChangesAfter(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	leaks("HQ's change log", dump(log))
	q, err := ws.Quarantined()
	if err != nil {
		t.Fatal(err)
	}
	leaks("HQ's quarantine", dump(q))
	for _, format := range []string{hq.FormatCSV, hq.FormatJSON, hq.FormatHXL} {
		path := filepath.Join(t.TempDir(), "export."+format)
		if _, err := s.ExportFile(ctx, format, path); err != nil {
			t.Fatal(err)
		}
		leaks("HQ's export "+format, readFile(t, path))
	}
	if d, ok := ws.(interface{ Dir() string }); ok {
		files(d.Dir())
	}
	if got := ws.Count(registry.KindHousehold); got != othersHQ {
		t.Errorf("HQ counts %d households, want the %d others", got, othersHQ)
	}
}

// TestEraseIsForSupervisors: an enumerator is refused, and nothing is erased.
func TestEraseIsForSupervisors(t *testing.T) {
	w := newWorkspace(t)
	ids := parseRegistered(t, w.ok("register", "--file", filepath.Join("testdata", "households.json")))
	w.withEnv("FIELDREG_NEW_PASSPHRASE", "enumerator passphrase").ok(append([]string{"user", "add", "eve", "--role", "enumerator"}, cheapKDF...)...)
	eve := w.as("eve", "enumerator passphrase")
	eve.fails(exitFailure, []string{"only supervisors and admins erase"}, "erase", ids["household"][0])
	if w.count("household") != len(ids["household"]) {
		t.Error("a refused erase removed a household")
	}
	w.fails(exitUsage, []string{"want one record id"}, "erase")
}

func dump(v any) string { return fmt.Sprintf("%+v", v) }

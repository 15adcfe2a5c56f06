package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fieldreg/hq"
	"fieldreg/registry"
)

// Hostile inputs: what the field does to a workspace — files saved by the
// wrong program, damaged copies, lists imported again after work was done
// on them — run through fieldctl as a user would. Each promise is the same:
// nothing typed is lost, and bad input gets an error naming what is wrong,
// with nothing already stored harmed.

const hostileHeader = "household_id,site,relationship,given_name,family_name,sex,birth_date,consent\n"

// A list saved by an old Mac Excel ends its lines with a carriage return
// alone: it is read line by line, not as one line of unknown columns.
func TestHostileCROnlyLineEnds(t *testing.T) {
	w := newWorkspace(t)
	list := strings.ReplaceAll(hostileHeader+
		"K1,camp_north,head,Ali,Omar,male,1980-01-01,true\n"+
		"K2,camp_north,head,Sara,Omar,female,1982-01-01,true\n", "\n", "\r")
	w.ok("import", "--csv", writeFile(t, "mac.csv", list))
	if n := w.count("person"); n != 2 {
		t.Fatalf("%d persons after importing a list of two with CR line ends", n)
	}
}

// A file of zeros — a copy cut off on a USB stick — or UTF-16 saved without
// a byte-order mark holds NUL bytes: refused before anything is stored, by
// what it is, not read as one endless line (a file of zeros has no line end
// and once grew fieldctl past 3 GB).
func TestHostileNULBytes(t *testing.T) {
	w := newWorkspace(t)
	w.ok("import", "--csv", writeFile(t, "good.csv", hostileHeader+"K1,camp_north,head,Ali,Omar,male,1980-01-01,true\n"))
	before := fileHashes(t, w.dir)

	zeros := filepath.Join(t.TempDir(), "zeros.csv")
	if err := os.WriteFile(zeros, make([]byte, 8<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	cut := writeFile(t, "cut.csv", hostileHeader+"K2,camp_north,head,Sara,Omar,female,1982-01-01,true\n"+strings.Repeat("\x00", 4096))
	var utf16 strings.Builder
	for _, b := range []byte(hostileHeader + "K3,camp_north,head,Ali,Omar,male,1980-01-01,true\n") {
		utf16.WriteByte(b)
		utf16.WriteByte(0)
	}
	noBOM := writeFile(t, "utf16.csv", utf16.String())
	for _, c := range []struct{ file, line string }{{zeros, "line 1"}, {cut, "line 3"}, {noBOM, "line 1"}} {
		res := w.fails(1, []string{c.line, "NUL bytes", "--encoding utf-16le"}, "import", "--csv", c.file)
		if res.took > 20e9 {
			t.Errorf("%s: took %v", c.file, res.took)
		}
	}
	if after := fileHashes(t, w.dir); !maps.Equal(before, after) {
		t.Error("a refused file changed the workspace")
	}
	w.ok("import", "--csv", noBOM, "--encoding", "utf-16le")
	if n := w.count("person"); n != 2 {
		t.Fatalf("%d persons, want 2 (the UTF-16 list given its encoding)", n)
	}
}

// Another agency's list, keyed by its household numbers, imported again
// after an enumerator corrected a member here: the corrected member is the
// row read again, left as corrected — neither a second child nor, for the
// head, a household refused for having two heads.
func TestHostileReimportAfterCorrection(t *testing.T) {
	w := newWorkspace(t)
	list := writeFile(t, "agency.csv", hostileHeader+
		"K1,camp_north,head,Ali,Omar,male,1980-01-01,true\n"+
		"K1,camp_north,child,Baby,Omar,male,2020-01-01,true\n")
	w.ok("import", "--csv", list)
	for _, c := range []struct{ name, corrected string }{{"Baby", "Bebe"}, {"Ali", "Alim"}} {
		id := personNamed(t, w, c.name)
		w.ok("edit", id, "given_name="+c.corrected)
		out := w.ok("import", "--csv", list)
		if !strings.Contains(out, "nothing new") {
			t.Errorf("after correcting %s, importing the list again: %s", c.name, out)
		}
		names := w.ok("list", "--kind", "person", "--names")
		if n := len(lines(names)); n != 2 {
			t.Fatalf("after correcting %s and importing again, %d persons:\n%s", c.name, n, names)
		}
		if !strings.Contains(names, c.corrected+" Omar") {
			t.Errorf("the correction of %s was undone:\n%s", c.name, names)
		}
	}
}

// personNamed returns the id of the one person whose name starts with given.
func personNamed(t *testing.T, w *testWorkspace, given string) string {
	t.Helper()
	for _, l := range lines(w.ok("list", "--kind", "person", "--names")) {
		if f := strings.Split(l, "\t"); strings.HasPrefix(f[len(f)-1], given+" ") {
			return f[0]
		}
	}
	t.Fatalf("no person named %s", given)
	return ""
}

// A quote opened in a cell and never closed takes every line after it into
// that cell. The import said "line 7: given_name: must be at most 100
// characters … the others were imported" while 194 rows were never read;
// it names the runaway quote and the lines it swallowed.
func TestHostileUnclosedQuote(t *testing.T) {
	w := newWorkspace(t)
	var list strings.Builder
	list.WriteString(hostileHeader)
	for i := range 20 {
		quote := ""
		if i == 5 {
			quote = `"`
		}
		fmt.Fprintf(&list, "K%d,camp_north,head,%sName%d,Omar,male,1980-01-01,true\n", i, quote, i)
	}
	w.fails(1, []string{"line 7: given_name:", `quote (")`, "lines 8 to 21"}, "import", "--csv", writeFile(t, "quote.csv", list.String()))
}

// Passphrase files as editors save them: with a line end (LF or CRLF), and
// from Windows Notepad with a byte-order mark first — which made the right
// passphrase "wrong user name or passphrase". An empty file is named.
func TestHostilePassphraseFiles(t *testing.T) {
	w := newWorkspace(t).withEnv("FIELDREG_PASSPHRASE", "")
	for _, content := range []string{adminPass, adminPass + "\n", adminPass + "\r\n", "\xef\xbb\xbf" + adminPass + "\r\n"} {
		if res := w.run("--passphrase-file", writeFile(t, "pass.txt", content), "list"); res.code != 0 {
			t.Errorf("passphrase file %q: exit %d: %s", content, res.code, res.stderr)
		}
	}
	w.fails(1, []string{"first line is empty"}, "--passphrase-file", writeFile(t, "empty.txt", ""), "list")
}

// Names pasted from a phone or a web page carry invisible characters: a
// zero-width space, a soft hyphen, a byte-order mark. Typed values lose the
// zero-width space and the mark on the way in (registry.CanonicalValue);
// the soft hyphen stays, and search folds it away: before, it missed the
// person ("Moh\u200bammed" was two words, "moh" and "ammed").
func TestHostileInvisibleCharactersInNames(t *testing.T) {
	w := newWorkspace(t)
	w.ok("register", "--file", writeFile(t, "h.json", `[{"fields":{"site":"camp_north","consent":true},"members":[
		{"fields":{"relationship":"head","given_name":"Moh\u200bammed","family_name":"Hass\u00adan","sex":"male","birth_date":"1985-03-12"}},
		{"fields":{"relationship":"child","given_name":"\ufeffAwa","family_name":"Hassan","sex":"female","birth_date":"2016-06-01"}}]}]`))
	for _, q := range []string{"Mohammed", "Mohammed Hassan", "Awa"} {
		if hits := lines(w.ok("search", q)); len(hits) == 0 {
			t.Errorf("search %q finds nobody", q)
		}
	}
}

// A tablet's workspace is restored from a backup made before its last
// sync, and an enumerator registers as many changes as the backup lacks.
// Their change numbers are those HQ already holds: sync said "sent 8" and
// HQ dropped all eight as resends, for ever, while the tablet marked them
// sent. Sync and bundle export must stop, say why, and keep the work.
func TestHostileRestoredBackup(t *testing.T) {
	s, _ := startHQ(t)
	w := newWorkspace(t)
	code, err := s.NewEnrollment(context.Background(), hq.Enrollment{Name: "tablet", Team: "north", Sites: []string{"camp_north", "camp_south"}})
	if err != nil {
		t.Fatal(err)
	}
	w.ok("enroll", code.String())
	w.ok("register", "--file", "testdata/households.json") // 8 changes
	w.ok("sync")
	backup := filepath.Join(t.TempDir(), "backup")
	copyFiles(t, w.dir, backup)
	households := readFile(t, "testdata/households.json")
	w.ok("register", "--file", writeFile(t, "lost.json", strings.ReplaceAll(households, `"admin1": "Nord"`, `"admin1": "Centre-Nord"`)))
	w.ok("sync") // HQ now holds changes 1..16 of this device

	copyFiles(t, backup, w.dir)
	w.ok("register", "--file", writeFile(t, "new.json", strings.ReplaceAll(households, `"admin1": "Nord"`, `"admin1": "Sahel"`))) // 9..16 again
	for range 2 {
		res := w.run("sync")
		if res.code != 1 || !strings.Contains(res.stderr, "older copy") || strings.Contains(res.stdout, "sent 8") {
			t.Errorf("sync of the restored copy: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
		}
	}
	// By USB stick, HQ refuses the bundle the same way.
	bundle := filepath.Join(t.TempDir(), "to-hq.bundle")
	w.ok("bundle", "export", "--out", bundle)
	f, err := os.Open(bundle)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := s.ImportBundle(context.Background(), f); err == nil || !strings.Contains(err.Error(), "older copy") {
		t.Errorf("HQ import of the restored copy's bundle: %v", err)
	}
	if got := s.Workspace().Count(registry.KindPerson); got != 10 {
		t.Errorf("HQ holds %d persons, want the 10 of the first two syncs", got)
	}
	if n := w.count("person"); n != 10 {
		t.Errorf("the restored copy holds %d persons, want its 5 and the 5 registered on it", n)
	}
}

// copyFiles copies the files of a workspace directory over another's.
func copyFiles(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o700); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

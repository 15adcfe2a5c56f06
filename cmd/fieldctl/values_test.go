package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// TestEditRefusesBytesThatAreNotUTF8: a name typed in a Latin-1 terminal
// (René with the é as the single byte 0xE9) is refused naming the field,
// and the workspace still opens and lists.
func TestEditRefusesBytesThatAreNotUTF8(t *testing.T) {
	w := newWorkspace(t)
	ids := parseRegistered(t, w.ok("register", "--file", "testdata/households.json"))
	person := ids["person"][0]
	before := w.ok("show", person)
	for _, arg := range []string{"given_name=Ren\xe9", "given_name=Ren\x1be", "given_name=abc\u202edcba"} {
		w.fails(exitFailure, []string{"given_name"}, "edit", person, arg)
	}
	if got := w.ok("show", person); got != before {
		t.Errorf("the refused edits changed the person:\n%s\nwas\n%s", got, before)
	}
	if n := w.count("person"); n != len(ids["person"]) {
		t.Errorf("list shows %d persons, want %d", n, len(ids["person"]))
	}
	// A name typed decomposed (e + combining acute) is stored composed.
	w.ok("edit", person, "given_name=Rene\u0301")
	if got := w.ok("show", person); !strings.Contains(got, "Ren\u00e9") {
		t.Errorf("a decomposed name was not stored in NFC:\n%s", got)
	}
}

// The same list in the encodings Excel saves.
const latinList = "given_name,family_name,sex,birth_date,site,consent\n" +
	"Amina,Yusuf,female,1990-01-01,camp_north,true\n" +
	"René,Müller,male,1985-05-05,camp_north,true\n"

// TestImportWindows1252: a list Excel saved as Windows-1252 is refused with
// the line and the way out, nothing imported; with --encoding it imports,
// é as é.
func TestImportWindows1252(t *testing.T) {
	w := newWorkspace(t)
	data, err := charmap.Windows1252.NewEncoder().Bytes([]byte(latinList))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "list.csv")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	w.fails(exitFailure, []string{"line 3: not UTF-8 — save it as UTF-8, or pass --encoding windows-1252"}, "import", "--csv", path)
	if n := w.count("person"); n != 0 {
		t.Fatalf("a refused list imported %d persons", n)
	}
	out := w.ok("import", "--csv", path, "--encoding", "windows-1252")
	if !strings.Contains(out, "imported 2 persons") {
		t.Errorf("import --encoding windows-1252: %q", out)
	}
	if hits := lines(w.ok("search", "René Müller")); len(hits) != 1 || !strings.Contains(hits[0], "René Müller") {
		t.Errorf("search René Müller: %q", hits)
	}
	if !strings.Contains(w.ok("verify"), "ok") {
		t.Error("verify after the import")
	}
	w.fails(exitFailure, []string{`unknown encoding "klingon"`}, "import", "--csv", path, "--encoding", "klingon")
}

// TestImportUTF16: Excel's "Unicode text" is UTF-16LE with a byte-order mark
// and tabs between cells.
func TestImportUTF16(t *testing.T) {
	w := newWorkspace(t)
	tsv := strings.ReplaceAll(latinList, ",", "\t")
	data, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(tsv))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte{0xff, 0xfe}) {
		t.Fatal("no byte-order mark")
	}
	path := filepath.Join(t.TempDir(), "list.txt")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if out := w.ok("import", "--csv", path); !strings.Contains(out, "imported 2 persons") {
		t.Errorf("import of UTF-16: %q", out)
	}
	if hits := lines(w.ok("search", "René Müller")); len(hits) != 1 {
		t.Errorf("search René Müller: %q", hits)
	}
}

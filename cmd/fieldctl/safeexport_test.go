package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// An export writes through a fresh owner-only temporary file: a file or
// symlink planted at the old fixed name NAME.tmp is not written through,
// and the partial plaintext exports a crash left in the directory are
// removed, with a warning, at the next export there.
func TestExportTempIsExclusiveAndCrashLeftoversGo(t *testing.T) {
	w := newWorkspace(t)
	w.ok("register", "--file", "testdata/households.json")
	dir := t.TempDir()
	out := filepath.Join(dir, "persons.csv")
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, out+".tmp"); err != nil {
		t.Skip("no symlinks here:", err)
	}
	crashed := filepath.Join(dir, ".fieldreg-export-0123abcd")
	if err := os.WriteFile(crashed, []byte("half an export"), 0o600); err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-3 * time.Hour)
	if err := os.Chtimes(crashed, past, past); err != nil {
		t.Fatal(err)
	}
	r := w.run("export", "--format", "csv", "--out", out)
	if r.code != 0 {
		t.Fatalf("export: %d %s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("the export was written through a symlink at %s.tmp: %q", out, b)
	}
	if _, err := os.Stat(crashed); !os.IsNotExist(err) {
		t.Errorf("a crashed export's temporary file is still there: %v", err)
	}
	if !strings.Contains(r.stderr, "partial export") {
		t.Errorf("no warning about the removed partial export: %q", r.stderr)
	}
}

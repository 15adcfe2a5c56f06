package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `fieldctl import` of a CSV without a header says the header is missing
// and prints none of the first row's names or phone numbers.
func TestImportWithoutHeaderPrintsNoValues(t *testing.T) {
	w := newWorkspace(t)
	sheet := filepath.Join(t.TempDir(), "list.csv")
	if err := os.WriteFile(sheet, []byte("Zqxamina,Zqxyusuf,+99 7911 482317\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := w.fails(exitFailure, []string{"header"}, "import", "--csv", sheet)
	for _, v := range []string{"Zqxamina", "Zqxyusuf", "7911"} {
		if strings.Contains(r.stdout+r.stderr, v) {
			t.Errorf("the error prints %q: %s", v, r.stderr)
		}
	}
}

// `--kdf-memory 1` is refused: the floor is store.MinKDF, and only the
// tests' own variable goes under it.
func TestKDFFloorAtTheCLI(t *testing.T) {
	w := emptyWorkspace(t).withEnv(insecureKDFVar, "").withEnv("FIELDREG_NEW_PASSPHRASE", adminPass)
	w.fails(exitUsage, []string{"--kdf-memory must be between 19"}, "init", "--kdf-time", "3", "--kdf-memory", "1")
	w.fails(exitUsage, []string{"--kdf-time must be between 2"}, "init", "--kdf-time", "1", "--kdf-memory", "64")
}

// The aggregate export suppresses small cells by default, and --min-cell 1
// shows them all.
func TestAggregateSuppressesSmallCells(t *testing.T) {
	w := newWorkspace(t)
	w.ok("register", "--file", "testdata/households.json")
	suppressed := w.ok("export", "--format", "csv", "--aggregate", "--out", "-")
	if !strings.Contains(suppressed, "<5") {
		t.Errorf("no small cell suppressed:\n%s", suppressed)
	}
	all := w.ok("export", "--format", "csv", "--aggregate", "--min-cell", "1", "--out", "-")
	if strings.Contains(all, "<") {
		t.Errorf("--min-cell 1 still suppresses:\n%s", all)
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A --workspace that names a file (the key file, an export) is a different
// mistake from a directory where no workspace was made: the error says which.
func TestWorkspaceThatIsAFile(t *testing.T) {
	w := newWorkspace(t)
	file := filepath.Join(t.TempDir(), "households.csv")
	if err := os.WriteFile(file, []byte("id\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--workspace", file, "list"},
		{"--workspace", file, "wipe", "--yes"},
		{"--workspace", file, "init"},
	} {
		res := w.withEnv("FIELDREG_NEW_PASSPHRASE", adminPass).fails(1, []string{file + " is a file, not a", "directory"}, args...)
		if strings.Contains(res.stderr, "no workspace") {
			t.Errorf("fieldctl %v says \"no workspace\": %s", args, res.stderr)
		}
	}
	missing := filepath.Join(t.TempDir(), "nowhere")
	w.fails(1, []string{"no workspace in " + missing, "does not exist", "fieldctl init"}, "--workspace", missing, "list")
}

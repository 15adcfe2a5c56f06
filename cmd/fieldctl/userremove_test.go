package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Removing a user rotates the master key (store/rotate.go): the command
// says so, and a copy of the key file the user kept, with their
// passphrase, no longer opens the workspace.
func TestUserRemoveRotatesTheKey(t *testing.T) {
	w := newWorkspace(t)
	w.withEnv("FIELDREG_NEW_PASSPHRASE", "enumerator pass").ok(append([]string{"user", "add", "eve", "--role", "enumerator"}, cheapKDF...)...)
	eve := w.as("eve", "enumerator pass")
	eve.ok("list") // eve's first unlock: her slot gets its key pair
	kept, err := os.ReadFile(filepath.Join(w.dir, "workspace.key"))
	if err != nil {
		t.Fatal(err)
	}
	r := w.run("user", "remove", "eve")
	if r.code != 0 {
		t.Fatalf("user remove: %d %s", r.code, r.stderr)
	}
	for _, want := range []string{"key was changed", "copy of the key file"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("user remove does not say %q: %q", want, r.stderr)
		}
	}
	eve.fails(3, []string{"passphrase"}, "list")
	if err := os.WriteFile(filepath.Join(w.dir, "workspace.key"), kept, 0o600); err != nil {
		t.Fatal(err)
	}
	r = eve.run("list")
	if r.code == 0 || !strings.Contains(r.stderr, "master key was changed") {
		t.Errorf("the kept key file with eve's passphrase: exit %d %q, want refused", r.code, r.stderr)
	}
}

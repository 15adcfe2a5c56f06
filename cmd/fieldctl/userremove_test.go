package main

import (
	"strings"
	"testing"
)

// Removing a user does not rotate the master key (store/doc.go): the
// command says so, and what to do to cut the user off completely.
func TestUserRemoveSaysTheKeyStays(t *testing.T) {
	w := newWorkspace(t)
	w.withEnv("FIELDREG_NEW_PASSPHRASE", "enumerator pass").ok(append([]string{"user", "add", "eve", "--role", "enumerator"}, cheapKDF...)...)
	r := w.run("user", "remove", "eve")
	if r.code != 0 {
		t.Fatalf("user remove: %d %s", r.code, r.stderr)
	}
	for _, want := range []string{"key was not changed", "copy of the key file", "new workspace"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("user remove does not say %q: %q", want, r.stderr)
		}
	}
}

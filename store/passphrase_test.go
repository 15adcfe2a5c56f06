package store

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestCheckPassphrase(t *testing.T) {
	for p, ok := range map[string]bool{
		"123456789": false, "1234567890": true, // characters, not bytes:
		"ééééééééé": false, "éééééééééé": true,
		"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6": false, // not text
	} {
		if err := CheckPassphrase([]byte(p)); (err == nil) != ok {
			t.Errorf("%q: %v", p, err)
		}
	}
}

// TestShortPassphraseRefusedEverywhere: no key slot is ever made with a
// passphrase the rule refuses, and nothing is written trying.
func TestShortPassphraseRefusedEverywhere(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ws")
	if _, err := Create(dir, "admin", []byte("short"), testOptions()); !errors.Is(err, ErrWeakPassphrase) {
		t.Fatalf("Create with a short passphrase: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a refused Create left %d files", len(entries))
	}
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.AddUser("enum", RoleEnumerator, []byte("short")); !errors.Is(err, ErrWeakPassphrase) {
		t.Errorf("AddUser with a short passphrase: %v", err)
	}
	if err := w.SetPassphrase("admin", []byte("short")); !errors.Is(err, ErrWeakPassphrase) {
		t.Errorf("SetPassphrase with a short passphrase: %v", err)
	}
	w.Close()
	if _, err := Open(dir, "admin", testPass, testOptions()); err != nil {
		t.Errorf("the old passphrase no longer opens the workspace: %v", err)
	}
}

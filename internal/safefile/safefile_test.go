package safefile_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"fieldreg/internal/safefile"
)

func text(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The old NAME.tmp was opened without O_EXCL: a file (or a symlink to one)
// planted there was written through. Nothing at any name next to the
// destination is reused now, and the old fixed name is not touched.
func TestPlantedTempIsNotFollowed(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "export.csv")
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, out+".tmp"); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if err := safefile.Replace(out, text("names and phones")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, victim); got != "precious" {
		t.Errorf("the export was written through a planted symlink: %q", got)
	}
	if got := read(t, out); got != "names and phones" {
		t.Errorf("export: %q", got)
	}
	if fi, _ := os.Stat(out); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %o, want 600", fi.Mode().Perm())
	}
}

// A failed write leaves nothing but what was there.
func TestFailureLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "export.csv")
	failed := errors.New("disk full")
	for _, write := range []func(string, func(io.Writer) error) error{safefile.Replace, safefile.Create} {
		err := write(out, func(w io.Writer) error { io.WriteString(w, "half"); return failed })
		if !errors.Is(err, failed) {
			t.Fatalf("err = %v", err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("files left: %v", entries)
		}
	}
}

// Create never replaces a file, whether it was there first or appeared
// while the new one was being written.
func TestCreateDoesNotReplace(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "export.csv")
	if err := os.WriteFile(out, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := safefile.Create(out, text("new")); !errors.Is(err, fs.ErrExist) {
		t.Errorf("create over a file: %v", err)
	}
	late := filepath.Join(dir, "late.csv")
	err := safefile.Create(late, func(w io.Writer) error {
		io.WriteString(w, "new")
		return os.WriteFile(late, []byte("theirs"), 0o600)
	})
	if !errors.Is(err, fs.ErrExist) || read(t, late) != "theirs" {
		t.Errorf("create over a file that appeared meanwhile: %v, %q", err, read(t, late))
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("files: %v", entries)
	}
}

// What a crash leaves is found at the next run once it has gone unwritten
// for an hour; a younger one (another export still running) is left alone.
func TestStale(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, safefile.TempPrefix+"0123")
	young := filepath.Join(dir, safefile.TempPrefix+"4567")
	other := filepath.Join(dir, "notes.txt")
	for _, p := range []string{old, young, other} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	past := now.Add(-2 * time.Hour)
	os.Chtimes(old, past, past)
	os.Chtimes(other, past, past)
	removed, err := safefile.RemoveStale(dir, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 1 || !strings.HasSuffix(removed[0], "0123") {
		t.Errorf("removed %v, want only the old temporary file", removed)
	}
	for _, p := range []string{young, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

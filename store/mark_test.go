package store

import (
	"errors"
	"os"
	"testing"

	"fieldreg/store/kv"
)

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// rollbackSetup makes a workspace with one household, copies its files
// aside, commits more (a second household, a meta entry), closes it and
// returns the directory and the saved copies.
func rollbackSetup(t *testing.T) (dir, oldDB, oldKey string) {
	t.Helper()
	dir = t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	_, edits := household("camp-a", "Amina")
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	w.Close()
	save := t.TempDir()
	oldDB, oldKey = save+"/db", save+"/key"
	copyFile(t, dbPath(dir), oldDB)
	copyFile(t, keyPath(dir), oldKey)
	w, err = Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	_, edits = household("camp-b", "Yusuf")
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	if err := w.PutMeta("hq/state", []byte("revoked")); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return dir, oldDB, oldKey
}

func TestOpenRefusesAnOlderDatabaseWithTheNewKeyFile(t *testing.T) {
	dir, oldDB, _ := rollbackSetup(t)
	copyFile(t, oldDB, dbPath(dir))
	_, err := Open(dir, "admin", testPass, testOptions())
	if !errors.Is(err, ErrRolledBack) {
		t.Fatalf("open after putting the old database back: %v, want ErrRolledBack", err)
	}
}

func TestOpenRefusesAMetaOnlyRollback(t *testing.T) {
	// HQ keeps its devices (revocations) in meta: a write that logs no
	// change and audits nothing must not be undone unnoticed either.
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.PutMeta("hq/state", []byte("serving")); err != nil {
		t.Fatal(err)
	}
	w.Close()
	old := t.TempDir() + "/db"
	copyFile(t, dbPath(dir), old)
	w, err = Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.PutMeta("hq/state", []byte("revoked")); err != nil {
		t.Fatal(err)
	}
	w.Close()
	copyFile(t, old, dbPath(dir))
	if _, err := Open(dir, "admin", testPass, testOptions()); !errors.Is(err, ErrRolledBack) {
		t.Fatalf("open after undoing a meta write: %v, want ErrRolledBack", err)
	}
}

func TestOpenAcceptsADatabaseAheadOfTheMark(t *testing.T) {
	// A crash after bbolt committed and before the key file's mark was
	// written: the previous key file is what is on disk.
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	prev := t.TempDir() + "/key"
	copyFile(t, keyPath(dir), prev)
	_, edits := household("camp-a", "Amina")
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	w.Close()
	copyFile(t, prev, keyPath(dir))
	w, err = Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatalf("open with the key file one commit behind: %v", err)
	}
	defer w.Close()
	if rep, err := w.Verify(); err != nil {
		t.Fatalf("verify: %v %v", err, rep.Problems)
	}
	// And it goes on: the next commit moves the mark past it.
	_, edits = household("camp-b", "Yusuf")
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
}

func TestOpenAcceptsABackupOfBothFiles(t *testing.T) {
	// Restoring a backup whole is consistent, and no file can tell it
	// from the present: that is what HQ's audit anchor is for.
	dir, oldDB, oldKey := rollbackSetup(t)
	copyFile(t, oldDB, dbPath(dir))
	copyFile(t, oldKey, keyPath(dir))
	w, err := Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatalf("open a restored backup: %v", err)
	}
	w.Close()
}

func TestOpenRefusesAKeyFileWithItsMarkCut(t *testing.T) {
	dir, oldDB, _ := rollbackSetup(t)
	copyFile(t, oldDB, dbPath(dir))
	b, err := os.ReadFile(keyPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	clear(b[keyFileSize : keyFileSize+markSectionSize]) // the seals after it stay
	if err := os.WriteFile(keyPath(dir), b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, "admin", testPass, testOptions()); !errors.Is(err, ErrRolledBack) {
		t.Fatalf("open with the mark cut off the key file: %v, want ErrRolledBack", err)
	}
}

func TestOpenSurvivesATornMarkCopy(t *testing.T) {
	dir, _, _ := rollbackSetup(t)
	b, err := os.ReadFile(keyPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	// Damage one copy (either may be the newest): the other, at most one
	// transaction behind, holds.
	for i := range markCopySize {
		b[keyFileSize+i] ^= 0xff // copy A
	}
	if err := os.WriteFile(keyPath(dir), b, 0o600); err != nil {
		t.Fatal(err)
	}
	w2, err := Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatalf("open with one mark copy torn: %v", err)
	}
	w2.Close()
}

func TestOpenWritesAMarkForAnOldWorkspace(t *testing.T) {
	// A workspace from before marks: its key file ends after the slots and
	// its database has no commit seq. It opens, and from then on is kept.
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	toOldFormat(t, dir, "admin", testPass, true) // slots from before marks
	b, _ := os.ReadFile(keyPath(dir))
	os.WriteFile(keyPath(dir), b[:keyFileSize], 0o600)
	if _, err := Open(dir, "admin", testPass, testOptions()); !errors.Is(err, ErrRolledBack) {
		t.Fatalf("a key file without its mark next to a database with a commit seq: %v, want ErrRolledBack", err)
	}
	// The database of an old workspace has no commit seq either.
	dir = t.TempDir()
	w, err = Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.db.Update(func(tx kv.Tx) error { return tx.Bucket(bucketState).Delete(stateCommits) }); err != nil {
		t.Fatal(err)
	}
	w.Close()
	toOldFormat(t, dir, "admin", testPass, true)
	b, _ = os.ReadFile(keyPath(dir))
	os.WriteFile(keyPath(dir), b[:keyFileSize], 0o600)
	w, err = Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatalf("open an old workspace: %v", err)
	}
	w.Close()
	if fi, _ := os.Stat(keyPath(dir)); fi.Size() < keyFileSize+markSectionSize {
		t.Errorf("key file is %d bytes after opening an old workspace, want the mark added", fi.Size())
	}
}

func TestVerifyReportsARollback(t *testing.T) {
	dir, oldDB, _ := rollbackSetup(t)
	w, err := Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// Older pages put back under an open workspace: verify reads the file.
	w.mu.Lock()
	w.db.Close()
	copyFile(t, oldDB, dbPath(dir))
	if err := w.openDB(); err != nil {
		t.Fatal(err)
	}
	w.mu.Unlock()
	rep, err := w.Verify()
	if !errors.Is(err, ErrRolledBack) || !rep.RolledBack {
		t.Fatalf("verify of a rolled-back database: %v %+v", err, rep)
	}
}

func TestOpenRefusesADatabaseFromAnotherHistory(t *testing.T) {
	// Same counts, other audit head: the database is not the one the key
	// file's mark was written for (a fork from a copy, put next to the
	// key file of the other branch).
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	saved := t.TempDir()
	copyFile(t, dbPath(dir), saved+"/db")
	copyFile(t, keyPath(dir), saved+"/key")
	branch := func(detail string) {
		w, err := Open(dir, "admin", testPass, testOptions())
		if err != nil {
			t.Fatal(err)
		}
		if err := w.AuditEvent("export", detail); err != nil {
			t.Fatal(err)
		}
		w.Close()
	}
	branch("a.csv")
	keyA := t.TempDir() + "/key"
	copyFile(t, keyPath(dir), keyA)
	copyFile(t, saved+"/db", dbPath(dir))
	copyFile(t, saved+"/key", keyPath(dir))
	branch("b.csv")
	copyFile(t, keyA, keyPath(dir))
	if _, err := Open(dir, "admin", testPass, testOptions()); !errors.Is(err, ErrRolledBack) {
		t.Fatalf("open with the key file of another branch: %v, want ErrRolledBack", err)
	}
}

package store

import (
	"errors"
	"testing"
	"time"
)

// TestSyncLockRefusesNewWorkUntilHQIsReached: an enrolled device that has
// not reached HQ for longer than its limit takes no new record, edit or
// deletion, yet still stores what a sync brings; the sync lifts the lock.
// Only an admin changes the limit.
func TestSyncLockRefusesNewWorkUntilHQIsReached(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	opts := testOptions()
	opts.Now = func() time.Time { return now }
	w, err := Create(dir, "admin", testPass, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { w.Close() }()
	h, edits := household("camp_north", "Amina")
	// Not enrolled: never locked.
	now = now.Add(400 * 24 * time.Hour)
	if _, err := w.Commit(edits...); err != nil {
		t.Fatalf("commit on a device never enrolled: %v", err)
	}
	if err := w.PutMeta(MetaEnrollment, []byte("enrolled")); err != nil {
		t.Fatal(err)
	}
	if days, set, err := w.SyncLock(); err != nil || set || days != DefaultSyncLockDays {
		t.Fatalf("SyncLock = %d, %v, %v; want the default, unset", days, set, err)
	}
	if err := w.SetSyncLock(7); err != nil {
		t.Fatal(err)
	}
	now = now.Add(8 * 24 * time.Hour)
	_, more := household("camp_north", "Amina")
	if _, err := w.Commit(more...); !errors.Is(err, ErrSyncOverdue) {
		t.Fatalf("commit 8 days after reaching HQ with a 7-day lock: %v, want ErrSyncOverdue", err)
	}
	if _, err := w.Delete(h); !errors.Is(err, ErrSyncOverdue) {
		t.Fatalf("delete while overdue: %v, want ErrSyncOverdue", err)
	}
	// What a sync needs stays open.
	if _, err := w.Get(h); err != nil {
		t.Errorf("read while overdue: %v", err)
	}
	if _, err := w.ApplyRemote(nil, map[string][]byte{"sync/cursor": {0, 0, 0, 0, 0, 0, 0, 1}}); err != nil {
		t.Errorf("ApplyRemote while overdue: %v", err)
	}

	// An enumerator cannot lift it.
	if err := w.AddUser("eve", RoleEnumerator, []byte("enumerator passphrase")); err != nil {
		t.Fatal(err)
	}
	w.Close()
	w, err = Open(dir, "eve", []byte("enumerator passphrase"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.SetSyncLock(365); !errors.Is(err, ErrForbidden) {
		t.Errorf("an enumerator set the sync lock: %v, want ErrForbidden", err)
	}
	if _, err := w.Commit(more...); !errors.Is(err, ErrSyncOverdue) {
		t.Fatalf("commit after reopening: %v, want ErrSyncOverdue", err)
	}
	// A finished sync lifts it.
	if _, err := w.ApplyRemote(nil, map[string][]byte{MetaLastSync: {1}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Commit(more...); err != nil {
		t.Fatalf("commit after a sync: %v", err)
	}
	if got := w.Members(more[0].Record); len(got) != 1 {
		t.Errorf("the household committed after the sync has %d members", len(got))
	}
}

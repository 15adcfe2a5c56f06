package store

import (
	"errors"
	"fmt"
	"time"

	"fieldreg/store/kv"
)

// The lock after days without reaching HQ (DESIGN.md, Sync): a device lost
// in the field stops taking new work, whatever front end runs it. The
// limit is a sealed entry of the state bucket that only an admin sets, not
// a preference of the app; the store refuses Commit and Delete once the
// limit has passed since the device last reached HQ. Everything a sync
// needs (reads, ApplyRemote, meta, drafts) stays open: a sync is how the
// lock lifts.
//
// "Reached HQ" is the store's own record (stateContact), written whenever
// sync/client stores its enrollment or a finished sync (the meta names
// below), at the store's clock. A workspace never enrolled is never locked.

// ErrSyncOverdue is returned by writes while the device has gone longer
// than its sync lock without reaching HQ.
var ErrSyncOverdue = errors.New("too long without reaching HQ: sync this device first")

// DefaultSyncLockDays applies until an admin sets another limit.
const DefaultSyncLockDays = 30

// Meta names sync/client writes when the device has reached HQ.
const (
	MetaEnrollment = "sync/enrollment"
	MetaLastSync   = "sync/last"
)

var (
	stateSyncLock = []byte("sync-lock")
	stateContact  = []byte("hq-contact")
)

type storedSyncLock struct {
	Days int `cbor:"1,keyasint"`
}

type storedContact struct {
	Ms int64 `cbor:"1,keyasint"` // Unix ms the device last reached HQ
}

// SetSyncLock sets how many days the device may go without reaching HQ
// before it refuses new work. Admins only; 1 to 365 days.
func (w *Workspace) SetSyncLock(days int) error {
	if !w.role.atLeast(RoleAdmin) {
		return fmt.Errorf("set the sync lock: %w", ErrForbidden)
	}
	if days < 1 || days > 365 {
		return fmt.Errorf("set the sync lock to %d days: %w", days, ErrInvalidSyncLock)
	}
	if err := w.lock(); err != nil {
		return err
	}
	defer w.mu.Unlock()
	_, err := w.update(func(tx kv.Tx, st *txState) error {
		w.put(tx, st, bucketState, stateSyncLock, encode(storedSyncLock{Days: days}))
		w.appendAudit(tx, st, "sync-lock", [16]byte{}, "", nil, fmt.Sprintf("%d days", days))
		return nil
	})
	if err != nil {
		return fmt.Errorf("set the sync lock: %w", err)
	}
	return nil
}

// ErrInvalidSyncLock is a limit out of range.
var ErrInvalidSyncLock = errors.New("the sync lock must be 1 to 365 days")

// SyncLock returns the limit in days, and whether an admin set it (else
// DefaultSyncLockDays applies).
func (w *Workspace) SyncLock() (days int, set bool, err error) {
	if err := w.rlock(); err != nil {
		return 0, false, err
	}
	defer w.mu.RUnlock()
	err = w.view(func(tx kv.Tx) error {
		days, set, err = w.syncLock(tx)
		return err
	})
	return days, set, err
}

func (w *Workspace) syncLock(tx kv.Tx) (int, bool, error) {
	plain, err := w.get(tx, bucketState, stateSyncLock)
	if err != nil || plain == nil {
		return DefaultSyncLockDays, false, err
	}
	var l storedSyncLock
	if err := decode(plain, &l); err != nil {
		return 0, false, fmt.Errorf("sync lock: %w", err)
	}
	return l.Days, true, nil
}

// checkSyncLock refuses a write once the lock is due.
func (w *Workspace) checkSyncLock(tx kv.Tx) error {
	plain, err := w.get(tx, bucketState, stateContact)
	if err != nil || plain == nil {
		return err // never reached HQ: not enrolled, not locked
	}
	var c storedContact
	if err := decode(plain, &c); err != nil {
		return fmt.Errorf("last contact with HQ: %w", err)
	}
	days, _, err := w.syncLock(tx)
	if err != nil {
		return err
	}
	since := w.opts.Now().Sub(time.UnixMilli(c.Ms))
	if since > time.Duration(days)*24*time.Hour {
		return fmt.Errorf("%d days since this device last reached HQ, the limit is %d: %w", int(since/(24*time.Hour)), days, ErrSyncOverdue)
	}
	return nil
}

// noteContact records that the device reached HQ when a meta entry named
// so is put.
func (w *Workspace) noteContact(tx kv.Tx, st *txState, name string) {
	if name == MetaEnrollment || name == MetaLastSync {
		w.put(tx, st, bucketState, stateContact, encode(storedContact{Ms: w.opts.Now().UnixMilli()}))
	}
}

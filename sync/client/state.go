package client

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"fieldreg/store"
)

// Meta names of the sync state in the device's workspace.
const (
	metaEnrollment = store.MetaEnrollment // the store counts its put as reaching HQ (store/synclock.go)
	metaCursor     = "sync/cursor"
	metaAcked      = "sync/acked"
	metaLastSync   = store.MetaLastSync // so does this one
	metaScope      = "sync/scope"       // the generation of the device's sites it applied (wire.SyncRequest.Scope)
	metaForms      = "sync/forms"       // HQ's publish seq of the last form stored (wire.SyncRequest.FormsAfter)
)

func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

// readU64 reads a counter from the meta, 0 when absent.
func readU64(w Workspace, name string) (uint64, error) {
	b, err := w.Meta(name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return 0, nil
	case err != nil:
		return 0, err
	case len(b) != 8:
		return 0, fmt.Errorf("meta %q: %d bytes, want 8: %w", name, len(b), store.ErrCorrupt)
	}
	return binary.BigEndian.Uint64(b), nil
}

// Pending returns how many of this device's changes HQ has not confirmed.
func Pending(w Workspace) (int, error) {
	acked, err := readU64(w, metaAcked)
	if err != nil {
		return 0, fmt.Errorf("pending changes: %w", err)
	}
	if seq := w.DeviceSeq(); seq > acked {
		return int(seq - acked), nil
	}
	return 0, nil
}

// LastSync returns when the device last finished a sync with HQ.
func LastSync(w Workspace) (time.Time, bool) {
	ms, err := readU64(w, metaLastSync)
	if err != nil || ms == 0 {
		return time.Time{}, false
	}
	return time.UnixMilli(int64(ms)), true
}

// Overdue reports whether an enrolled device has gone longer than limit
// without a successful sync (counting from enrollment if it never synced):
// the app locks itself then, so a device lost in the field does not stay
// usable forever. A device that is not enrolled is never overdue.
func Overdue(w Workspace, now time.Time, limit time.Duration) (bool, error) {
	enr, ok, err := Enrolled(w)
	if err != nil || !ok {
		return false, err
	}
	since := enr.Enrolled
	if last, ok := LastSync(w); ok {
		since = last
	}
	return now.Sub(since) > limit, nil
}

package store

import (
	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/store/kv"
)

// SeenChange returns the change stored under a replica's device seq, and
// whether there is one. A receiver that is sent a device seq it holds can
// then tell a resend (the same change) from a different change under a
// number used before: a device whose workspace was restored from a backup
// numbers its new work like changes it had already sent, and taking those
// for resends would drop the new work without a word.
func (w *Workspace) SeenChange(device uuid.UUID, deviceSeq uint64) (change.Change, bool, error) {
	if err := w.rlock(); err != nil {
		return change.Change{}, false, err
	}
	defer w.mu.RUnlock()
	var c change.Change
	var ok bool
	err := w.view(func(tx kv.Tx) error {
		seq, err := w.seenLogSeq(tx, change.Change{Device: device, DeviceSeq: deviceSeq})
		if err != nil || seq == 0 {
			return err
		}
		c, err = w.readChange(tx, seq)
		ok = err == nil
		return err
	})
	return c, ok, err
}

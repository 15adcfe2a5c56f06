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

// SeenChanges is SeenChange for many changes at once, in one read
// transaction: for each of asked, the change stored under its device and
// device seq (held[i]) and whether there is one (seen[i]). A receiver checks
// a whole push so, instead of a transaction (on PostgreSQL, three round
// trips) per change.
func (w *Workspace) SeenChanges(asked []change.Change) (held []change.Change, seen []bool, err error) {
	if err := w.rlock(); err != nil {
		return nil, nil, err
	}
	defer w.mu.RUnlock()
	held = make([]change.Change, len(asked))
	seen = make([]bool, len(asked))
	err = w.view(func(tx kv.Tx) error {
		keys := make([][]byte, len(asked))
		for i, c := range asked {
			keys[i] = w.seenKey(c.Device, c.DeviceSeq)
		}
		if b := tx.Bucket(bucketSeen); b != nil {
			kv.Prefetch(b, keys)
		}
		seqs := make([]uint64, len(asked))
		var logKeys [][]byte
		for i, c := range asked {
			seq, err := w.seenLogSeq(tx, c)
			if err != nil {
				return err
			}
			if seqs[i] = seq; seq != 0 {
				logKeys = append(logKeys, seqKey(seq))
			}
		}
		if b := tx.Bucket(bucketChanges); b != nil {
			kv.Prefetch(b, logKeys)
		}
		for i, seq := range seqs {
			if seq == 0 {
				continue
			}
			c, err := w.readChange(tx, seq)
			if err != nil {
				return err
			}
			held[i], seen[i] = c, true
		}
		return nil
	})
	return held, seen, err
}

package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"fieldreg/store/kv"
)

// stateKeyFormat is the key, in the state bucket, of the database's key
// format (keys.go). A database without it was written before keyed keys:
// record ids and device ids in clear.
var stateKeyFormat = []byte("key-format")

// storedKeyFormat is the key format and whether the move to it still has to
// be compacted away (bbolt's free pages keep the old keys until then).
type storedKeyFormat struct {
	Version    int  `cbor:"1,keyasint"`
	CompactDue bool `cbor:"2,keyasint,omitempty"`
}

// ErrNewerFormat is returned by Open for a database written by a newer
// version of the store, whose keys this one cannot read.
var ErrNewerFormat = errors.New("workspace written by a newer version of fieldreg")

// migrationBatch is how many keys the move reads at a time: what PostgreSQL
// is asked for in one query.
const migrationBatch = 1024

func (w *Workspace) putKeyFormat(tx kv.Tx, f storedKeyFormat) error {
	if err := tx.Bucket(bucketState).Put(stateKeyFormat, w.seal[bucketState].seal(stateKeyFormat, encode(f))); err != nil {
		return fmt.Errorf("record the key format: %w", err)
	}
	return nil
}

func (w *Workspace) readKeyFormat() (storedKeyFormat, error) {
	f := storedKeyFormat{Version: 1}
	err := w.view(func(tx kv.Tx) error {
		if tx.Bucket(bucketState) == nil {
			f.Version = keyFormat // nothing to move: load reports the missing bucket
			return nil
		}
		plain, err := w.get(tx, bucketState, stateKeyFormat)
		if err != nil || plain == nil {
			return err
		}
		return decode(plain, &f)
	})
	if err != nil {
		return f, fmt.Errorf("read the key format: %w", err)
	}
	return f, nil
}

// settleKeyFormat brings a database written with an older key format to the
// current one, at Open before anything is read: every record and seen entry
// is moved to its new key in one transaction, which also records the new
// format, so a crash leaves either the old layout or the new one, never a
// mix. The bbolt file is then compacted, so that its free pages keep no old
// key; a crash before that compacts at the next Open. The move writes no
// commit seq and no audit entry: it changes no value, only where each is
// kept. The caller holds w.mu or has not shared w yet.
func (w *Workspace) settleKeyFormat() error {
	f, err := w.readKeyFormat()
	if err != nil {
		return err
	}
	switch {
	case f.Version > keyFormat:
		return fmt.Errorf("key format %d, this version reads %d: %w", f.Version, keyFormat, ErrNewerFormat)
	case f.Version < keyFormat:
		_, bolt := w.db.(*kv.Bolt)
		f = storedKeyFormat{Version: keyFormat, CompactDue: bolt}
		err := w.db.Update(func(tx kv.Tx) error {
			if err := w.moveRecordKeys(tx); err != nil {
				return err
			}
			if err := w.moveSeenKeys(tx); err != nil {
				return err
			}
			return w.putKeyFormat(tx, f)
		})
		if err != nil {
			return fmt.Errorf("move to key format %d: %w", keyFormat, err)
		}
	}
	if !f.CompactDue {
		return nil
	}
	if err := w.compactLocked(); err != nil {
		return fmt.Errorf("compact after the move to key format %d: %w", keyFormat, err)
	}
	// Only the state bucket's page is left behind by this write: it holds
	// none of the old keys.
	f.CompactDue = false
	return w.db.Update(func(tx kv.Tx) error { return w.putKeyFormat(tx, f) })
}

// bucketKeys lists a bucket's keys (copies, so they outlive the cursor).
func bucketKeys(b kv.Bucket) [][]byte {
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	return keys
}

// moveKeys moves every value of bucket from its old key to newKey(old),
// sealed again for the new key. A value that does not open under its old
// key moves as it is: it stays damaged, and is reported as before. A key
// newKey refuses (nil) stays where it is.
func (w *Workspace) moveKeys(tx kv.Tx, bucket string, newKey func(old []byte) []byte) error {
	b := tx.Bucket(bucket)
	if b == nil {
		return fmt.Errorf("bucket %s missing: %w", bucket, ErrCorrupt)
	}
	s := w.seal[bucket]
	old := bucketKeys(b)
	for len(old) > 0 {
		n := min(migrationBatch, len(old))
		batch := old[:n]
		old = old[n:]
		news := make([][]byte, len(batch))
		want := slices.Clone(batch)
		for i, k := range batch {
			if news[i] = newKey(k); news[i] != nil {
				want = append(want, news[i])
			}
		}
		kv.Prefetch(b, want) // the new keys too: that they are free is checked
		type moved struct{ key, val []byte }
		var out []moved
		for i, k := range batch {
			nk := news[i]
			if nk == nil {
				continue
			}
			v := bytes.Clone(b.Get(k))
			if plain, err := s.open(k, v); err == nil {
				v = s.seal(nk, plain)
				clear(plain)
			}
			out = append(out, moved{nk, v})
			if err := b.Delete(k); err != nil {
				return fmt.Errorf("move %s/%x: %w", bucket, k, err)
			}
		}
		for _, m := range out {
			if b.Get(m.key) != nil {
				return fmt.Errorf("move %s: new key %x is taken: %w", bucket, m.key, ErrCorrupt)
			}
			if err := b.Put(m.key, m.val); err != nil {
				return fmt.Errorf("move %s/%x: %w", bucket, m.key, err)
			}
		}
	}
	return nil
}

// moveRecordKeys: format 1 kept a record under its id.
func (w *Workspace) moveRecordKeys(tx kv.Tx) error {
	return w.moveKeys(tx, bucketRecords, func(old []byte) []byte {
		if len(old) != 16 {
			return nil
		}
		return w.recordKey(uuid.UUID(old))
	})
}

// moveSeenKeys: format 1 kept a seen entry under device id ‖ device seq.
func (w *Workspace) moveSeenKeys(tx kv.Tx) error {
	return w.moveKeys(tx, bucketSeen, func(old []byte) []byte {
		if len(old) != 24 {
			return nil
		}
		return w.seenKey(uuid.UUID(old[:16]), binary.BigEndian.Uint64(old[16:]))
	})
}

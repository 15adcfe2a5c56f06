package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"fieldreg/registry"
	"fieldreg/sync/change"
)

// AuditEvent records something that is not a change, such as an export, in
// the audit chain.
func (w *Workspace) AuditEvent(action string, detail string) error {
	if err := w.lock(); err != nil {
		return err
	}
	defer w.mu.Unlock()
	return w.auditEvent(action, detail)
}

func (w *Workspace) auditEvent(action, detail string) error {
	_, err := w.update(func(tx *bolt.Tx, st *txState) error {
		w.appendAudit(tx, st, action, uuid.Nil, "", nil, detail)
		return nil
	})
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// Audit calls fn with each audit entry, oldest first, and stops at the first
// error fn returns or at a broken link (ErrCorrupt). fn runs under the
// workspace's read lock: it must not write to the workspace.
func (w *Workspace) Audit(fn func(AuditEntry) error) error {
	if err := w.rlock(); err != nil {
		return err
	}
	defer w.mu.RUnlock()
	return w.view(func(tx *bolt.Tx) error {
		_, err := w.walkAudit(tx, func(e AuditEntry, broken error) error {
			if broken != nil {
				return broken
			}
			return fn(e)
		})
		return err
	})
}

// walkAudit decrypts the audit chain in order and checks every link. A
// broken link is passed to fn with the entry; an entry that cannot be
// decrypted ends the walk with ErrCorrupt.
func (w *Workspace) walkAudit(tx *bolt.Tx, fn func(AuditEntry, error) error) (int, error) {
	prev := make([]byte, sha256.Size)
	var want uint64 = 1
	n := 0
	c := tx.Bucket([]byte(bucketAudit)).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		plain, err := w.seal[bucketAudit].open(k, v)
		if err != nil {
			return n, err
		}
		var s storedAudit
		if err := decode(plain, &s); err != nil {
			return n, fmt.Errorf("audit %x: %w", k, err)
		}
		var broken error
		switch {
		case len(k) != 8 || binary.BigEndian.Uint64(k) != s.Seq:
			broken = fmt.Errorf("audit entry %x holds seq %d: %w", k, s.Seq, ErrCorrupt)
		case s.Seq != want:
			broken = fmt.Errorf("audit entry %d follows %d: %w", s.Seq, want-1, ErrCorrupt)
		case !bytes.Equal(s.Prev, prev):
			broken = fmt.Errorf("audit entry %d does not chain to the one before: %w", s.Seq, ErrCorrupt)
		}
		n++
		if err := fn(s.entry(), broken); err != nil {
			return n, err
		}
		prev = chainHash(s.Prev, plain)
		want = s.Seq + 1
	}
	plain, err := w.get(tx, bucketState, stateAuditHead)
	if err != nil {
		return n, err
	}
	var head storedAuditHead
	if plain == nil || decode(plain, &head) != nil {
		return n, fmt.Errorf("audit head unreadable: %w", ErrCorrupt)
	}
	if head.Seq != want-1 || !bytes.Equal(head.Hash, prev) {
		return n, fmt.Errorf("audit chain ends at %d but its head says %d: %w", want-1, head.Seq, ErrCorrupt)
	}
	return n, nil
}

// Verify decrypts every value, checks the audit chain, and checks that each
// record equals the replay of its changes from the log. Problems are listed
// in the report; the error wraps ErrCorrupt when there are any.
func (w *Workspace) Verify() (rep VerifyReport, err error) {
	if err := w.rlock(); err != nil {
		return VerifyReport{}, err
	}
	defer w.mu.RUnlock()
	problem := func(err error) { rep.Problems = append(rep.Problems, err.Error()) }
	err = w.view(func(tx *bolt.Tx) error {
		// Replay the change log per record.
		replay := make(map[uuid.UUID]registry.Record)
		logs := make(map[uuid.UUID][]uint64)
		c := tx.Bucket([]byte(bucketChanges)).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			plain, err := w.seal[bucketChanges].open(k, v)
			if err != nil {
				problem(err)
				continue
			}
			var s storedChange
			if err := decode(plain, &s); err != nil {
				problem(fmt.Errorf("change %x: %w", k, err))
				continue
			}
			rep.Changes++
			ch := s.change()
			r, ok := replay[ch.Record]
			if !ok {
				r = registry.Record{ID: ch.Record, Kind: ch.Kind, Fields: map[string]change.Field{}}
			}
			change.Apply(r.Fields, ch)
			replay[ch.Record] = r
			logs[ch.Record] = append(logs[ch.Record], binary.BigEndian.Uint64(k))
			if seq, err := w.seenLogSeq(tx, ch); err != nil {
				problem(err)
			} else if seq != binary.BigEndian.Uint64(k) {
				problem(fmt.Errorf("change %d (%s#%d) not in the seen table: %w", binary.BigEndian.Uint64(k), ch.Device, ch.Seq, ErrCorrupt))
			}
		}
		// Compare with the stored records.
		rc := tx.Bucket([]byte(bucketRecords)).Cursor()
		stored := 0
		for k, v := rc.First(); k != nil; k, v = rc.Next() {
			stored++
			plain, err := w.seal[bucketRecords].open(k, v)
			if err != nil {
				problem(err)
				continue
			}
			var s storedRecord
			if err := decode(plain, &s); err != nil {
				problem(fmt.Errorf("record %x: %w", k, err))
				continue
			}
			if len(k) != 16 {
				problem(fmt.Errorf("record key %x: %w", k, ErrCorrupt))
				continue
			}
			id := uuid.UUID(k)
			rep.Records++
			want, ok := replay[id]
			switch {
			case !ok:
				problem(fmt.Errorf("record %s has no changes in the log: %w", id, ErrCorrupt))
			case !sameRecord(s.record(id), want):
				problem(fmt.Errorf("record %s differs from the replay of its changes: %w", id, ErrCorrupt))
			case !slices.Equal(s.Log, logs[id]):
				problem(fmt.Errorf("record %s lists changes %v, the log has %v: %w", id, s.Log, logs[id], ErrCorrupt))
			}
			delete(replay, id)
		}
		for _, id := range slices.SortedFunc(maps.Keys(replay), cmpID) {
			problem(fmt.Errorf("record %s is in the change log but not stored: %w", id, ErrCorrupt))
		}
		// Every other sealed value must open.
		for _, b := range []string{bucketSeen, bucketMeta, bucketDrafts, bucketQuarantine, bucketState} {
			s := w.seal[b]
			tx.Bucket([]byte(b)).ForEach(func(k, v []byte) error {
				if _, err := s.open(k, v); err != nil {
					problem(err)
				}
				return nil
			})
		}
		n, err := w.walkAudit(tx, func(_ AuditEntry, broken error) error {
			if broken != nil {
				problem(broken)
			}
			return nil
		})
		rep.AuditEntries = n
		if err != nil {
			problem(err)
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("verify: %w", err)
	}
	if len(rep.Problems) > 0 {
		return rep, fmt.Errorf("verify: %d problems, first: %s: %w", len(rep.Problems), rep.Problems[0], ErrCorrupt)
	}
	return rep, nil
}

// sameRecord compares two records field by field, version by version.
func sameRecord(a, b registry.Record) bool {
	if a.Kind != b.Kind || len(a.Fields) != len(b.Fields) {
		return false
	}
	for name, fa := range a.Fields {
		fb, ok := b.Fields[name]
		if !ok || len(fa.Versions) != len(fb.Versions) {
			return false
		}
		for i := range fa.Versions {
			va, vb := fa.Versions[i], fb.Versions[i]
			if va.Value != vb.Value || va.Stamp != vb.Stamp || va.Base != vb.Base || !slices.Equal(va.Resolves, vb.Resolves) {
				return false
			}
		}
	}
	return true
}

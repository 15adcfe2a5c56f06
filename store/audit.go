package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store/kv"
)

// AuditEvent records something that is not a change in the audit chain, in
// free text. Supervisors and admins only: an enumerator's entries are the
// store's own (changes, reads, aggregate exports), so the chain cannot be
// padded with what they choose to write.
func (w *Workspace) AuditEvent(action string, detail string) error {
	if !w.role.MaySupervise() {
		return fmt.Errorf("audit %s: %w", action, ErrForbidden)
	}
	if err := w.lock(); err != nil {
		return err
	}
	defer w.mu.Unlock()
	return w.auditEvent(action, detail)
}

// BeginExport is the exporters' door: it refuses an enumerator a
// person-level export (ErrForbidden) and audits the export, "export" with
// what (e.g. "person-level csv"), before any record is written out. The store
// cannot see the file an exporter writes, so exporters call this first.
func (w *Workspace) BeginExport(personLevel bool, what string) error {
	if personLevel && !w.role.MaySupervise() {
		return fmt.Errorf("export %s: person-level exports need a supervisor or admin: %w", what, ErrForbidden)
	}
	if err := w.lock(); err != nil {
		return err
	}
	defer w.mu.Unlock()
	return w.auditEvent("export", what)
}

// AuditRead records that the unlocking user was shown the listed person
// records (fieldctl show, list --json, search): one "read" entry per record,
// with its id and never its values, in one transaction. Only enumerators'
// reads are audited; supervisors and admins may read everything anyway and
// their person-level exports are audited by BeginExport.
func (w *Workspace) AuditRead(how string, ids []uuid.UUID) error {
	if w.role.MaySupervise() || len(ids) == 0 {
		return nil
	}
	if err := w.lock(); err != nil {
		return err
	}
	defer w.mu.Unlock()
	_, err := w.update(func(tx kv.Tx, st *txState) error {
		for _, id := range ids {
			w.appendAudit(tx, st, "read", id, registry.KindPerson, nil, how)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("audit read: %w", err)
	}
	return nil
}

func (w *Workspace) auditEvent(action, detail string) error {
	_, err := w.update(func(tx kv.Tx, st *txState) error {
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
	return w.view(func(tx kv.Tx) error {
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
func (w *Workspace) walkAudit(tx kv.Tx, fn func(AuditEntry, error) error) (int, error) {
	prev := make([]byte, sha256.Size)
	var want uint64 = 1
	n := 0
	c := tx.Bucket(bucketAudit).Cursor()
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
		case len(k) != 8 || binary.BigEndian.Uint64(k) != s.AuditSeq:
			broken = fmt.Errorf("audit entry %x holds seq %d: %w", k, s.AuditSeq, ErrCorrupt)
		case s.AuditSeq != want:
			broken = fmt.Errorf("audit entry %d follows %d: %w", s.AuditSeq, want-1, ErrCorrupt)
		case !bytes.Equal(s.Prev, prev):
			broken = fmt.Errorf("audit entry %d does not chain to the one before: %w", s.AuditSeq, ErrCorrupt)
		}
		n++
		if err := fn(s.entry(), broken); err != nil {
			return n, err
		}
		prev = chainHash(s.Prev, plain)
		want = s.AuditSeq + 1
	}
	plain, err := w.get(tx, bucketState, stateAuditHead)
	if err != nil {
		return n, err
	}
	var head storedAuditHead
	if plain == nil || decode(plain, &head) != nil {
		return n, fmt.Errorf("audit head unreadable: %w", ErrCorrupt)
	}
	if head.AuditSeq != want-1 || !bytes.Equal(head.Hash, prev) {
		return n, fmt.Errorf("audit chain ends at %d but its head says %d: %w", want-1, head.AuditSeq, ErrCorrupt)
	}
	return n, nil
}

// Verify decrypts every value, checks the audit chain, and checks that each
// record equals the replay of its changes from the log, and compares the
// database with the key file's rollback mark. Problems are listed in the
// report; the error wraps ErrRolledBack when the database is behind the
// mark, else ErrCorrupt when there are any.
func (w *Workspace) Verify() (rep VerifyReport, err error) {
	if err := w.rlock(); err != nil {
		return VerifyReport{}, err
	}
	defer w.mu.RUnlock()
	problem := func(err error) { rep.Problems = append(rep.Problems, err.Error()) }
	// Key slots whose role did not verify at unlock (rolebind.go): a rewritten
	// role byte, as far as this user's secret can tell.
	rep.Problems = append(rep.Problems, w.roleProblems...)
	err = w.view(func(tx kv.Tx) error {
		// Which changes the log holds for each record. Only seqs are kept,
		// so verifying a large workspace does not hold it all in memory.
		logs := make(map[uuid.UUID][]uint64)
		evicted, err := w.evictedSet(tx)
		if err != nil {
			problem(err)
		}
		c := tx.Bucket(bucketChanges).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var s storedChange
			if err := w.openValue(bucketChanges, k, v, &s, "change "+seqName(k)); err != nil {
				problem(err)
				continue
			}
			if len(k) != 8 {
				problem(fmt.Errorf("change key %x: %w", k, ErrCorrupt))
				continue
			}
			rep.Changes++
			seq := binary.BigEndian.Uint64(k)
			logs[s.Record] = append(logs[s.Record], seq)
			ch := s.change()
			if got, err := w.seenLogSeq(tx, ch); err != nil {
				problem(err)
			} else if got != seq {
				problem(fmt.Errorf("change %d (%s#%d) not in the seen table: %w", seq, ch.Device, ch.DeviceSeq, ErrCorrupt))
			}
		}
		// Each stored record must list exactly those changes and equal
		// their replay.
		rc := tx.Bucket(bucketRecords).Cursor()
		for k, v := rc.First(); k != nil; k, v = rc.Next() {
			var s storedRecord
			err := w.openValue(bucketRecords, k, v, &s, "record "+w.recordName(k))
			if err == nil && len(k) != 16 {
				err = fmt.Errorf("record key %x: %w", k, ErrCorrupt)
			}
			if err != nil {
				problem(err)
				delete(logs, w.recordID(k)) // its changes are not a second problem
				continue
			}
			id := w.recordID(k)
			rep.Records++
			want, ok := logs[id]
			delete(logs, id)
			if !ok {
				problem(fmt.Errorf("record %s has no changes in the log: %w", id, ErrCorrupt))
				continue
			}
			if !slices.Equal(s.Log, want) {
				problem(fmt.Errorf("record %s lists changes %v, the log has %v: %w", id, s.Log, want, ErrCorrupt))
				continue
			}
			replay := registry.Record{ID: id, Kind: s.Kind, Fields: map[string]change.Field{}}
			for _, seq := range want {
				ch, err := w.readChange(tx, seq)
				if err != nil {
					problem(err)
					break
				}
				if ch.Kind != s.Kind {
					problem(fmt.Errorf("record %s is a %s but change %d says %s: %w", id, s.Kind, seq, ch.Kind, ErrCorrupt))
				}
				replay.Apply(ch)
			}
			if !sameRecord(s.record(id), replay) && !isTombstoneOf(s.record(id), replay) {
				problem(fmt.Errorf("record %s differs from the replay of its changes: %w", id, ErrCorrupt))
			}
		}
		for _, id := range slices.SortedFunc(maps.Keys(logs), cmpID) {
			if evicted[id] {
				continue // evicted (store/evict.go): only this device's own changes stay
			}
			problem(fmt.Errorf("record %s is in the change log but not stored: %w", id, ErrCorrupt))
		}
		// Every other sealed value must open.
		for _, b := range []string{bucketSeen, bucketMeta, bucketDrafts, bucketQuarantine, bucketState, bucketForms} {
			s := w.seal[b]
			if tx.Bucket(b) == nil {
				continue // a late bucket (lateBuckets) not written yet
			}
			tx.Bucket(b).ForEach(func(k, v []byte) error {
				if _, err := s.open(k, v); err != nil {
					problem(err)
				}
				return nil
			})
		}
		if err := w.verifyMark(tx); err != nil {
			problem(err)
			rep.RolledBack = errors.Is(err, ErrRolledBack)
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
	if rep.RolledBack {
		// The one sentinel that says what to do about it (errors.go).
		return rep, fmt.Errorf("verify: %d problems, first: %s: %w", len(rep.Problems), rep.Problems[0], ErrRolledBack)
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
	// A record stored before records kept their form has none, while its
	// changes may name one: that is no damage.
	keptForm := a.Form != "" || !a.FormStamp.IsZero()
	if keptForm && (a.Form != b.Form || a.FormStamp != b.FormStamp) {
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

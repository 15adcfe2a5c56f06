package store

import (
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store/kv"
)

func unixMilli(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// GetMany returns the records of ids, in order, read in one transaction —
// one query on PostgreSQL instead of a round trip each: what an export
// reads a few hundred households at a time with. A missing id is an error
// wrapping ErrNotFound, as for Get.
func (w *Workspace) GetMany(ids []uuid.UUID) ([]registry.Record, error) {
	if err := w.rlock(); err != nil {
		return nil, err
	}
	defer w.mu.RUnlock()
	out := make([]registry.Record, 0, len(ids))
	err := w.view(func(tx kv.Tx) error {
		keys := make([][]byte, len(ids))
		for i, id := range ids {
			keys[i] = w.recordKey(id)
		}
		kv.Prefetch(tx.Bucket(bucketRecords), keys)
		for _, id := range ids {
			r, _, found, err := w.readRecord(tx, id)
			if err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("record %s: %w", id, ErrNotFound)
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("get records: %w", err)
	}
	return out, nil
}

// Get decrypts one record, deleted or not.
func (w *Workspace) Get(id uuid.UUID) (registry.Record, error) {
	if err := w.rlock(); err != nil {
		return registry.Record{}, err
	}
	defer w.mu.RUnlock()
	var rec registry.Record
	err := w.view(func(tx kv.Tx) error {
		r, _, found, err := w.readRecord(tx, id)
		if err != nil {
			return err
		}
		if !found {
			return ErrNotFound
		}
		rec = r
		return nil
	})
	if damageOf(err) != "" {
		return registry.Record{}, fmt.Errorf("get %w", err) // it names the record
	}
	if err != nil {
		return registry.Record{}, fmt.Errorf("get record %s: %w", id, err)
	}
	return rec, nil
}

// Kind returns a record's kind from the index; ok is false for an unknown id.
// Deleted records keep their kind.
func (w *Workspace) Kind(id uuid.UUID) (string, bool) {
	if w.rlock() != nil {
		return "", false
	}
	defer w.mu.RUnlock()
	info, ok := w.idx.recs[id]
	return info.kind, ok
}

// IDs lists the live records of a kind, sorted (UUIDv7: creation order).
func (w *Workspace) IDs(kind string) []uuid.UUID {
	if w.rlock() != nil {
		return nil
	}
	defer w.mu.RUnlock()
	return slices.Clone(w.idx.byKind[kind])
}

// Count returns the number of live records of a kind.
func (w *Workspace) Count(kind string) int {
	if w.rlock() != nil {
		return 0
	}
	defer w.mu.RUnlock()
	return len(w.idx.byKind[kind])
}

// Members lists the live persons of a household.
func (w *Workspace) Members(household uuid.UUID) []uuid.UUID {
	if w.rlock() != nil {
		return nil
	}
	defer w.mu.RUnlock()
	return slices.Clone(w.idx.members[household])
}

// DeletedIDs lists the deleted records of a kind, in id order: what an
// import of a list seen before must not bring back.
func (w *Workspace) DeletedIDs(kind string) []uuid.UUID {
	if w.rlock() != nil {
		return nil
	}
	defer w.mu.RUnlock()
	var out []uuid.UUID
	for id, info := range w.idx.recs {
		if info.deleted && info.kind == kind {
			out = append(out, id)
		}
	}
	slices.SortFunc(out, cmpID)
	return out
}

// Assessments lists the live assessments of a household.
func (w *Workspace) Assessments(household uuid.UUID) []uuid.UUID {
	if w.rlock() != nil {
		return nil
	}
	defer w.mu.RUnlock()
	return slices.Clone(w.idx.assess[household])
}

// Conflicted lists live records with open conflicts, sorted.
func (w *Workspace) Conflicted() []uuid.UUID {
	if w.rlock() != nil {
		return nil
	}
	defer w.mu.RUnlock()
	var ids []uuid.UUID
	for id := range w.idx.conflicted {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, cmpID)
	return ids
}

// Search finds persons and households by name words, best first. limit ≤ 0
// means no limit.
func (w *Workspace) Search(query string, limit int) []Hit {
	if w.rlock() != nil {
		return nil
	}
	defer w.mu.RUnlock()
	return w.idx.names.search(query, limit)
}

// Each decrypts the live records of a kind in id order and calls fn with
// each; it stops at the first error fn returns. Records are read in chunks
// and fn runs without the workspace's lock held, so fn may call other
// methods (an export audits itself; a duplicate check searches).
func (w *Workspace) Each(kind string, fn func(registry.Record) error) error {
	if err := w.rlock(); err != nil {
		return err
	}
	ids := slices.Clone(w.idx.byKind[kind])
	w.mu.RUnlock()
	const chunk = 256
	for len(ids) > 0 {
		n := min(chunk, len(ids))
		recs, err := w.getMany(ids[:n])
		if err != nil {
			return fmt.Errorf("read %s records: %w", kind, err)
		}
		for _, rec := range recs {
			if err := fn(rec); err != nil {
				return err
			}
		}
		ids = ids[n:]
	}
	return nil
}

// getMany decrypts records in one read transaction, skipping ids that were
// deleted meanwhile. A record that cannot be read is skipped too, and from
// then on listed as damaged and left out of the index, as unlock does.
func (w *Workspace) getMany(ids []uuid.UUID) ([]registry.Record, error) {
	recs, damaged, err := w.readMany(ids)
	if len(damaged) > 0 {
		w.markDamaged(damaged)
	}
	return recs, err
}

func (w *Workspace) readMany(ids []uuid.UUID) ([]registry.Record, []Damage, error) {
	if err := w.rlock(); err != nil {
		return nil, nil, err
	}
	defer w.mu.RUnlock()
	recs := make([]registry.Record, 0, len(ids))
	var damaged []Damage
	err := w.view(func(tx kv.Tx) error {
		for _, id := range ids {
			rec, _, found, err := w.readRecord(tx, id)
			if reason := damageOf(err); reason != "" {
				damaged = append(damaged, Damage{Bucket: bucketRecords, Key: id.String(), Record: id, Reason: reason})
				continue
			}
			if err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("record %s indexed but not stored: %w", id, ErrCorrupt)
			}
			if !rec.Deleted() {
				recs = append(recs, rec)
			}
		}
		return nil
	})
	return recs, damaged, err
}

// readChange decrypts the change at a log seq.
func (w *Workspace) readChange(tx kv.Tx, seq uint64) (change.Change, error) {
	key := seqKey(seq)
	sealed := tx.Bucket(bucketChanges).Get(key)
	if sealed == nil {
		return change.Change{}, damageError{what: fmt.Sprintf("change %d", seq), reason: "missing from the change log"}
	}
	var s storedChange
	if err := w.openValue(bucketChanges, key, sealed, &s, fmt.Sprintf("change %d", seq)); err != nil {
		return change.Change{}, err
	}
	return s.change(), nil
}

// salvageRecord returns the record a damaged change was about, when its
// bytes authenticate but do not decode (text that is not UTF-8, written
// before the store read back what it wrote); uuid.Nil otherwise.
func (w *Workspace) salvageRecord(tx kv.Tx, seq uint64) uuid.UUID {
	key := seqKey(seq)
	sealed := tx.Bucket(bucketChanges).Get(key)
	if sealed == nil {
		return uuid.Nil
	}
	plain, err := w.seal[bucketChanges].open(key, sealed)
	if err != nil {
		return uuid.Nil
	}
	var s storedChange
	if lenientDecMode.Unmarshal(plain, &s) != nil {
		return uuid.Nil
	}
	return s.Record
}

// History returns a record's changes in log order.
func (w *Workspace) History(id uuid.UUID) ([]change.Change, error) {
	if err := w.rlock(); err != nil {
		return nil, err
	}
	defer w.mu.RUnlock()
	var out []change.Change
	err := w.view(func(tx kv.Tx) error {
		_, log, found, err := w.readRecord(tx, id)
		if err != nil {
			return err
		}
		if !found {
			return ErrNotFound
		}
		for _, seq := range log {
			c, err := w.readChange(tx, seq)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", id, err)
	}
	return out, nil
}

// ChangesAfter returns up to limit changes of the log after logSeq, in order
// (limit ≤ 0: all of them). A change that cannot be read is skipped and
// listed as damaged (Damaged), so one bad entry does not stop whoever
// reads the log (HQ's index and pulls) at that point for ever.
func (w *Workspace) ChangesAfter(logSeq uint64, limit int) ([]Logged, error) {
	out, damaged, err := w.changesAfter(logSeq, limit)
	if len(damaged) > 0 {
		w.markDamaged(damaged)
	}
	if err != nil {
		return nil, fmt.Errorf("read change log: %w", err)
	}
	return out, nil
}

func (w *Workspace) changesAfter(logSeq uint64, limit int) ([]Logged, []Damage, error) {
	if err := w.rlock(); err != nil {
		return nil, nil, err
	}
	defer w.mu.RUnlock()
	var out []Logged
	var damaged []Damage
	err := w.view(func(tx kv.Tx) error {
		c := tx.Bucket(bucketChanges).Cursor()
		for k, v := c.Seek(seqKey(logSeq + 1)); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Next() {
			var s storedChange
			if err := w.openValue(bucketChanges, k, v, &s, "change "+seqName(k)); err != nil || len(k) != 8 {
				reason := damageOf(err)
				if reason == "" {
					reason = "not a log seq"
				}
				damaged = append(damaged, Damage{Bucket: bucketChanges, Key: seqName(k), Reason: reason})
				continue
			}
			out = append(out, Logged{LogSeq: binary.BigEndian.Uint64(k), Change: s.change()})
		}
		return nil
	})
	return out, damaged, err
}

// ReadLogged reads the changes of the log at seqs, in one read transaction
// (its keys fetched together where the engine can). A reader that picks
// its changes from an index of the log — HQ filling a pull — reads a batch
// so, not a transaction per change. A seq not in the log is an error
// wrapping ErrNotFound; a damaged change one wrapping ErrCorrupt, and it is
// listed with the workspace's damage.
func (w *Workspace) ReadLogged(seqs []uint64) ([]change.Change, error) {
	out, damaged, err := w.readLogged(seqs)
	if len(damaged) > 0 {
		w.markDamaged(damaged)
	}
	if err != nil {
		return nil, fmt.Errorf("read change log: %w", err)
	}
	return out, nil
}

func (w *Workspace) readLogged(seqs []uint64) ([]change.Change, []Damage, error) {
	if err := w.rlock(); err != nil {
		return nil, nil, err
	}
	defer w.mu.RUnlock()
	out := make([]change.Change, 0, len(seqs))
	var damaged []Damage
	err := w.view(func(tx kv.Tx) error {
		keys := make([][]byte, len(seqs))
		for i, seq := range seqs {
			keys[i] = seqKey(seq)
		}
		if b := tx.Bucket(bucketChanges); b != nil {
			kv.Prefetch(b, keys)
		}
		for _, seq := range seqs {
			if tx.Bucket(bucketChanges).Get(seqKey(seq)) == nil {
				return fmt.Errorf("change %d: %w", seq, ErrNotFound) // not damage: it may never have been
			}
			c, err := w.readChange(tx, seq)
			if err != nil {
				if reason := damageOf(err); reason != "" {
					damaged = append(damaged, Damage{Bucket: bucketChanges, Key: seqName(seqKey(seq)), Reason: reason})
				}
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	return out, damaged, err
}

// LastLogSeq returns the seq of the last change in the log (0 when empty).
func (w *Workspace) LastLogSeq() uint64 {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.lastLogSeq
}

// DeviceSeq returns the last sequence number this device used.
func (w *Workspace) DeviceSeq() uint64 {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.deviceSeq
}

// OwnChangesAfter returns up to limit of this device's changes after device
// seq deviceSeq, in order (limit ≤ 0: all of them): the outgoing queue.
//
// A change that cannot be read (its log entry or its seen entry is damaged
// or missing) does not block the queue: it is set aside — listed by
// SetAside with the reason, durably — and a placeholder (IsSetAside) takes
// its place, so the run of device seqs has no gap.
func (w *Workspace) OwnChangesAfter(deviceSeq uint64, limit int) ([]change.Change, error) {
	out, damaged, err := w.ownChangesAfter(deviceSeq, limit)
	if err != nil {
		return nil, fmt.Errorf("read own changes: %w", err)
	}
	if len(damaged) > 0 {
		if err := w.setAside(damaged); err != nil {
			return nil, fmt.Errorf("read own changes: %w", err)
		}
	}
	return out, nil
}

func (w *Workspace) ownChangesAfter(deviceSeq uint64, limit int) ([]change.Change, []SetAsideEntry, error) {
	if err := w.rlock(); err != nil {
		return nil, nil, err
	}
	defer w.mu.RUnlock()
	dev := w.keys.device
	var out []change.Change
	var damaged []SetAsideEntry
	full := func() bool { return limit > 0 && len(out) >= limit }
	setAside := func(seq uint64, e SetAsideEntry) {
		e.DeviceSeq = seq
		damaged = append(damaged, e)
		out = append(out, placeholder(dev, seq, e))
	}
	err := w.view(func(tx kv.Tx) error {
		next := deviceSeq + 1
		c := tx.Bucket(bucketSeen).Cursor()
		for k, v := c.Seek(w.seenKey(dev, next)); !full(); k, v = c.Next() {
			seq, ok := w.keyer.ownSeq(k)
			if !ok {
				break
			}
			for ; next < seq && !full(); next++ {
				setAside(next, SetAsideEntry{Reason: "missing from the change log"})
			}
			if full() {
				break
			}
			next = seq + 1
			plain, err := w.seal[bucketSeen].open(k, v)
			if err != nil || len(plain) != 8 {
				setAside(seq, SetAsideEntry{Reason: "its entry in the seen table is damaged"})
				continue
			}
			logSeq := binary.BigEndian.Uint64(plain)
			ch, err := w.readChange(tx, logSeq)
			if reason := damageOf(err); reason != "" {
				setAside(seq, SetAsideEntry{LogSeq: logSeq, Record: w.salvageRecord(tx, logSeq), Reason: reason})
				continue
			}
			if err != nil {
				return err
			}
			if ch.Device != dev || ch.DeviceSeq != seq {
				setAside(seq, SetAsideEntry{LogSeq: logSeq, Reason: fmt.Sprintf("the log holds change %s#%d in its place", ch.Device, ch.DeviceSeq)})
				continue
			}
			out = append(out, ch)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, damaged, nil
}

package store

import (
	"fmt"
	"slices"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store/kv"
)

// Evict removes households that left this replica's sites, each with its
// members and assessments (deleted ones too): their records, the change
// log entries and "seen" entries of other devices' changes to them, and
// what the indexes knew of them. The audit chain keeps an "evict" entry per
// household, without values. HQ still holds everything, so the household
// can come back whole if it enters the sites again.
//
// The replica's own changes stay in its change log: they are what it
// pushes and bundles, and Evict cannot know that HQ holds them all. The
// caller evicts only once it does (sync/client waits for HQ's
// acknowledgement). A household not held here is no error. Evict returns
// how many records it removed and compacts the file when it removed any,
// so that freed pages keep no copy of them.
func (w *Workspace) Evict(households []uuid.UUID) (int, error) {
	removed, err := w.evict(households)
	if err != nil || removed == 0 {
		return removed, err
	}
	if err := w.Compact(); err != nil {
		return removed, fmt.Errorf("evict: %w", err)
	}
	return removed, nil
}

func (w *Workspace) evict(households []uuid.UUID) (int, error) {
	if len(households) == 0 {
		return 0, nil
	}
	if err := w.lock(); err != nil {
		return 0, err
	}
	defer w.mu.Unlock()
	leaving := make(map[uuid.UUID]bool, len(households))
	for _, h := range households {
		leaving[h] = true
	}
	// Deleted members are in no member list: find them by their link.
	var ids []uuid.UUID
	for id, info := range w.idx.recs {
		if leaving[id] || leaving[info.household] {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	_, err := w.update(func(tx kv.Tx, st *txState) error {
		for _, id := range ids {
			if err := w.evictRecord(tx, st, id); err != nil {
				return err
			}
		}
		w.noteEvicted(tx, st, ids)
		for _, h := range households {
			if _, ok := w.idx.recs[h]; ok {
				w.appendAudit(tx, st, "evict", h, registry.KindHousehold, nil, "left this device's sites")
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("evict %d households: %w", len(households), err)
	}
	for _, id := range ids {
		w.forgetRecord(id)
	}
	return len(ids), nil
}

// evictRecord deletes one record and the other devices' changes to it.
func (w *Workspace) evictRecord(tx kv.Tx, st *txState, id uuid.UUID) error {
	rkey := w.recordKey(id)
	sealed := tx.Bucket(bucketRecords).Get(rkey)
	if sealed == nil {
		return nil
	}
	var s storedRecord
	if err := w.openValue(bucketRecords, rkey, sealed, &s, "record "+id.String()); err != nil {
		if damageOf(err) == "" {
			return err
		}
		// A damaged record cannot name its changes; remove it all the same.
	}
	changes := tx.Bucket(bucketChanges)
	seen := tx.Bucket(bucketSeen)
	for _, seq := range s.Log {
		key := seqKey(seq)
		v := changes.Get(key)
		if v == nil {
			continue
		}
		var sc storedChange
		if err := w.openValue(bucketChanges, key, v, &sc, fmt.Sprintf("change %d", seq)); err != nil && damageOf(err) == "" {
			return err
		}
		c := sc.change()
		if c.Device == w.keys.device {
			continue
		}
		if err := changes.Delete(key); err != nil {
			return fmt.Errorf("evict change %d: %w", seq, err)
		}
		if c.Device != uuid.Nil {
			if err := seen.Delete(w.seenKey(c.Device, c.DeviceSeq)); err != nil {
				return fmt.Errorf("evict change %d: %w", seq, err)
			}
		}
	}
	if err := tx.Bucket(bucketRecords).Delete(rkey); err != nil {
		return fmt.Errorf("evict record %s: %w", id, err)
	}
	return nil
}

// forgetRecord removes a record from the in-memory index and tells the
// caller's indexes and watchers it is gone (as deleted). The caller holds w.mu.
func (w *Workspace) forgetRecord(id uuid.UUID) {
	info, ok := w.idx.recs[id]
	if !ok {
		return
	}
	if !info.deleted {
		w.idx.unlink(id, info)
	}
	delete(w.idx.recs, id)
	delete(w.idx.conflicted, id)
	w.idx.names.remove(id)
	gone := registry.Record{ID: id, Kind: info.kind, Fields: map[string]change.Field{
		change.DeletedField: {Versions: []change.Version{{Value: "true"}}},
	}}
	for _, ix := range w.opts.Indexes {
		ix.Index(gone)
	}
	w.watch.tell(gone)
}

// stateEvicted is the key, in the state bucket, of the ids of every record
// evicted: Verify accepts their own changes in the log without the record.
// One sealed value, so the file's keys do not list them.
var stateEvicted = []byte("evicted")

type storedEvicted struct {
	IDs []uuid.UUID `cbor:"1,keyasint"`
}

func (w *Workspace) evictedSet(tx kv.Tx) (map[uuid.UUID]bool, error) {
	plain, err := w.get(tx, bucketState, stateEvicted)
	if err != nil || plain == nil {
		return map[uuid.UUID]bool{}, err
	}
	var e storedEvicted
	if err := decode(plain, &e); err != nil {
		return map[uuid.UUID]bool{}, fmt.Errorf("evicted records: %w", err)
	}
	set := make(map[uuid.UUID]bool, len(e.IDs))
	for _, id := range e.IDs {
		set[id] = true
	}
	return set, nil
}

func (w *Workspace) noteEvicted(tx kv.Tx, st *txState, ids []uuid.UUID) {
	set, err := w.evictedSet(tx)
	if err != nil {
		w.fail(st, err)
		return
	}
	var e storedEvicted
	for id := range set {
		e.IDs = append(e.IDs, id)
	}
	for _, id := range ids {
		if !set[id] {
			e.IDs = append(e.IDs, id)
		}
	}
	slices.SortFunc(e.IDs, cmpID)
	w.put(tx, st, bucketState, stateEvicted, encode(e))
}

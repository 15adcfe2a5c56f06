package store

import (
	"encoding/binary"
	"errors"
	"fmt"

	"fieldreg/change"
	"fieldreg/store/kv"
)

// ApplyRemote merges changes from other replicas (sync pull or HQ ingest).
// It is idempotent by (Device, DeviceSeq). Each change is checked with
// change.Validate, against the byte caps (limits.go), for clock skew
// (Options.MaxAhead), against the kind of the record it edits (which must
// be readable here), by the deletion rule, and with Options.ValidateChange
// on its own — or, without it, Options.Validate on the merged record (a
// deleted one as if it were live, unless the change only deletes); a change
// that fails — a set-aside placeholder always does — is
// quarantined with the reason and the rest of the batch goes on. meta
// entries (e.g. the sync cursor) are written in the same transaction, so a
// cursor never gets ahead of the changes it covers. The clock observes every
// accepted stamp.
func (w *Workspace) ApplyRemote(changes []change.Change, meta map[string][]byte) ([]Result, error) {
	return w.ApplyRemoteUnits(changes, nil, meta)
}

// ApplyRemoteUnits is ApplyRemote where units[i] names the unit change i
// belongs to (0: none; nil: no units): the new changes of one unit are
// applied all together or quarantined all together, so that, say, a
// household is never stored without the head of household it came with.
func (w *Workspace) ApplyRemoteUnits(changes []change.Change, units []uint64, meta map[string][]byte) ([]Result, error) {
	if err := w.lock(); err != nil {
		return nil, err
	}
	defer w.mu.Unlock()
	results := make([]Result, len(changes))
	var accepted []change.Stamp
	held := map[int]string{} // changes held with the refused change of their unit, with why
	err := errSplitUnit
	for errors.Is(err, errSplitUnit) {
		accepted, err = w.applyPass(changes, units, held, results, meta)
	}
	if err != nil {
		return nil, fmt.Errorf("apply remote changes: %w", err)
	}
	for _, s := range accepted {
		w.clock.Observe(s) // skew was checked before accepting
	}
	// The changes are stored whatever compaction does; a failed one is
	// tried again after the next write that applies changes.
	_ = w.compactIfDue()
	return results, nil
}

// applyPass is one try at ApplyRemoteUnits in one transaction. When it
// splits a unit it rolls back with errSplitUnit, having added the unit's
// changes to held.
func (w *Workspace) applyPass(changes []change.Change, units []uint64, held map[int]string, results []Result, meta map[string][]byte) ([]change.Stamp, error) {
	var accepted []change.Stamp
	_, err := w.update(func(tx kv.Tx, st *txState) error {
		w.prefetchRemote(tx, changes)
		accepted = accepted[:0]
		unitSeqs := map[uint64]uint64{}
		for i, c := range changes {
			var r Result
			var err error
			if reason, ok := held[i]; ok {
				r = w.holdInUnit(tx, st, c, reason, unitSeqs, unitOf(units, i))
			} else {
				r, err = w.applyOne(tx, st, c)
			}
			if err != nil {
				return err
			}
			results[i] = r
			if r.Outcome == Applied {
				accepted = append(accepted, c.Stamp)
			}
		}
		if holdUnits(changes, units, results, held) || w.holdBrokenUnits(st, changes, units, results, held) {
			return errSplitUnit
		}
		for name, value := range meta {
			w.putNamed(tx, st, bucketMeta, name, value)
			w.noteContact(tx, st, name)
		}
		return nil
	})
	return accepted, err
}

func (w *Workspace) applyOne(tx kv.Tx, st *txState, c change.Change) (Result, error) {
	seen, err := w.seenLogSeq(tx, c)
	if damageOf(err) != "" {
		// Whether c was received before cannot be read: take it as new.
		// Merging is idempotent, and its new seen entry replaces the
		// damaged one, so the pull goes on instead of failing for ever.
		seen, err = 0, nil
	}
	if err != nil || seen != 0 {
		return Result{Outcome: Duplicate, LogSeq: seen}, err
	}
	if w.quarSeen[devSeq{c.Device, c.DeviceSeq}] || st.quarantinedNow(c) {
		return w.resent(tx, st, c)
	}
	c = w.strippedIfErased(tx, st, c)
	reason, err := w.refusal(tx, st, c)
	if err != nil {
		return Result{}, err
	}
	if reason != "" {
		w.quarantine(tx, st, c, reason)
		return Result{Outcome: Quarantined, Reason: reason}, nil
	}
	p := st.records[c.Record]
	seq := w.logChange(tx, st, p, c, "remote")
	if c.Device == w.keys.device && c.DeviceSeq > st.deviceSeq {
		// Our own changes coming back (say, after a restore): never reuse their numbers.
		st.deviceSeq = c.DeviceSeq
	}
	return Result{Outcome: Applied, LogSeq: seq}, nil
}

// refusal says why c cannot be applied, or "" when it can.
func (w *Workspace) refusal(tx kv.Tx, st *txState, c change.Change) (string, error) {
	if IsSetAside(c) {
		return setAsideReason(c), nil
	}
	if err := c.Validate(); err != nil {
		return err.Error(), nil
	}
	if err := storable(c); err != nil {
		return err.Error(), nil
	}
	if err := checkChangeSize(c); err != nil {
		return err.Error(), nil
	}
	if err := checkAhead(c.Stamp, w.opts.Now(), w.opts.MaxAhead); err != nil {
		return err.Error(), nil
	}
	p, err := w.pending(tx, st, c.Record, c.Kind)
	if reason := damageOf(err); reason != "" {
		// The record here cannot be read: merging into it would lose it.
		return fmt.Sprintf("%s %s is damaged on this replica (%s)", readable(c.Kind), c.Record, reason), nil
	}
	if err != nil {
		return "", err
	}
	p.merged = nil
	if p.isNew && !p.dirty {
		p.rec.Kind = c.Kind // a record nobody has written yet takes the kind of its first change
	}
	if p.rec.Kind != c.Kind {
		return fmt.Sprintf("record %s is a %s, change says %s", c.Record, p.rec.Kind, c.Kind), nil
	}
	if erases(c) {
		return "", nil // it writes no value and leaves a tombstone: nothing to check
	}
	if len(p.rec.Fields)+len(c.Writes) > maxRecordFields {
		return fmt.Sprintf("%s %s: more than %d fields: %v", c.Kind, c.Record, maxRecordFields, ErrUnstorable), nil
	}
	merged := p.rec.Clone()
	merged.Apply(c)
	p.merged, p.mergedBy = &merged, mergeKeyOf(c)
	if err := checkWritten(merged.Fields, c); err != nil {
		return fmt.Sprintf("%s %s: %v", c.Kind, c.Record, err), nil
	}
	switch {
	case w.opts.ValidateChange != nil:
		if err := w.opts.ValidateChange(c); err != nil {
			return err.Error(), nil // it names the record and field
		}
	case merged.Deleted():
		if err := validateDeleted(w.opts.Validate, merged, c); err != nil {
			return fmt.Sprintf("%s %s: %v", c.Kind, c.Record, err), nil
		}
	case w.opts.Validate != nil:
		if err := w.opts.Validate(merged); err != nil {
			return fmt.Sprintf("%s %s: %v", c.Kind, c.Record, err), nil
		}
	}
	return "", nil
}

func (w *Workspace) seenLogSeq(tx kv.Tx, c change.Change) (uint64, error) {
	plain, err := w.get(tx, bucketSeen, w.seenKey(c.Device, c.DeviceSeq))
	if err != nil || plain == nil {
		return 0, err
	}
	if len(plain) != 8 {
		return 0, fmt.Errorf("seen %s#%d: %w", c.Device, c.DeviceSeq, ErrCorrupt)
	}
	return binary.BigEndian.Uint64(plain), nil
}

func (st *txState) quarantinedNow(c change.Change) bool {
	for _, k := range st.quarSeen {
		if k == (devSeq{c.Device, c.DeviceSeq}) {
			return true
		}
	}
	return false
}

// maxReasonBytes bounds the reason a quarantine entry keeps: a change
// breaking a rule in each of a thousand fields says so in far less.
const maxReasonBytes = 2 << 10

func (w *Workspace) quarantine(tx kv.Tx, st *txState, c change.Change, reason string) {
	w.quarantineInUnit(tx, st, c, reason, 0)
}

// quarantineInUnit keeps c in the quarantine; unit is the quarantine seq of
// the first change of its unit (0: none), itself included.
func (w *Workspace) quarantineInUnit(tx kv.Tx, st *txState, c change.Change, reason string, unit uint64) {
	st.quarSeq++
	st.quarSeen = append(st.quarSeen, devSeq{c.Device, c.DeviceSeq})
	// What is kept of a refused change must read back, whatever it held,
	// and must not be the junk it was refused for (quarantinable).
	kept := quarantinable(c)
	if len(reason) > maxReasonBytes {
		reason = reason[:maxReasonBytes] + "…"
	}
	q := storedQuarantine{Time: w.opts.Now().UnixMilli(), Change: toStoredChange(kept), Reason: readable(reason), Unit: unit}
	packQuarantined(&q)
	w.put(tx, st, bucketQuarantine, seqKey(st.quarSeq), encode(q))
	w.appendAuditAs(tx, st, c.Author, "quarantine", c.Record, c.Kind, kept.FieldNames(), fmt.Sprintf("from device %s #%d", c.Device, c.DeviceSeq))
}

// Quarantined lists the received changes that were refused and are held
// (neither released nor dropped), oldest first.
func (w *Workspace) Quarantined() ([]QuarantineEntry, error) {
	if err := w.rlock(); err != nil {
		return nil, err
	}
	defer w.mu.RUnlock()
	var out []QuarantineEntry
	err := w.view(func(tx kv.Tx) error {
		return tx.Bucket(bucketQuarantine).ForEach(func(k, v []byte) error {
			plain, err := w.seal[bucketQuarantine].open(k, v)
			if err != nil {
				return err
			}
			var q storedQuarantine
			if err := decode(plain, &q); err != nil {
				return fmt.Errorf("quarantine %x: %w", k, err)
			}
			if q.Resolved != 0 {
				return nil
			}
			if err := unpackQuarantined(&q); err != nil {
				return fmt.Errorf("quarantine %x: %w", k, err)
			}
			out = append(out, QuarantineEntry{
				QuarantineSeq: binary.BigEndian.Uint64(k), Time: unixMilli(q.Time), Change: q.Change.change(), Reason: q.Reason, Unit: q.Unit,
			})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read quarantine: %w", err)
	}
	return out, nil
}

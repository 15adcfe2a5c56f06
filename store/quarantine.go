package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	"fieldreg/change"
	"fieldreg/store/kv"
)

// A quarantined change is held until a supervisor acts on it: released
// (validated again and, once its cause is fixed, applied as if it had just
// arrived) or dropped (discarded for good). Either way its entry is kept,
// marked, so that a resend is still recognized, and the act is audited.
// Changes held as a unit (ApplyRemoteUnits) are released or dropped as one.

// reasonAlreadyQuarantined is the reason given for a resend of a held
// change: an earlier verdict, not a new refusal, so it never splits a unit.
const reasonAlreadyQuarantined = "already quarantined"

// errSplitUnit rolls back a pass of ApplyRemoteUnits that applied part of
// a unit: the next pass holds the whole unit.
var errSplitUnit = errors.New("a unit was split")

// resolution is what became of a quarantined change.
type resolution uint8

const (
	held     resolution = 0
	released resolution = 1
	dropped  resolution = 2
)

// checkAhead refuses a stamp more than limit ahead of now (zero limit:
// change.MaxSkew).
func checkAhead(s change.Stamp, now time.Time, limit time.Duration) error {
	if limit <= 0 || limit >= change.MaxSkew {
		return change.CheckSkew(s, now)
	}
	if s.Millis() > now.Add(limit).UnixMilli() {
		return aheadError{stamp: s.Time(), now: now, limit: limit}
	}
	return nil
}

// aheadError is change.ErrClockAhead with the bound that was passed.
type aheadError struct {
	stamp, now time.Time
	limit      time.Duration
}

func (e aheadError) Error() string {
	return fmt.Sprintf("stamp %s is more than %s ahead of this clock (%s)",
		e.stamp.UTC().Format(time.RFC3339), e.limit, e.now.UTC().Format(time.RFC3339))
}

func (e aheadError) Unwrap() error { return change.ErrClockAhead }

func unitOf(units []uint64, i int) uint64 {
	if i < len(units) {
		return units[i]
	}
	return 0
}

// isNew says a result is this call's verdict on a change not seen before.
func isNew(r Result) bool {
	return r.Outcome == Applied || r.Outcome == Quarantined && r.Reason != reasonAlreadyQuarantined
}

// holdUnits finds the units a pass split — a new change refused while
// another new change of its unit was applied, or refused alone while others
// were refused too — and adds every new change of them to held, with its
// reason. It reports whether held grew: the pass must then be run again.
func holdUnits(changes []change.Change, units []uint64, results []Result, held map[int]string) bool {
	if units == nil {
		return false
	}
	members := map[uint64][]int{}
	var order []uint64
	for i := range changes {
		u := unitOf(units, i)
		if u == 0 || !isNew(results[i]) {
			continue
		}
		if members[u] == nil {
			order = append(order, u)
		}
		members[u] = append(members[u], i)
	}
	grew := false
	for _, u := range order {
		idx := members[u]
		refused := -1
		for _, i := range idx {
			if _, ok := held[i]; !ok && results[i].Outcome == Quarantined {
				refused = i
				break
			}
		}
		if len(idx) < 2 || refused < 0 {
			continue
		}
		c := changes[refused]
		for _, i := range idx {
			if _, ok := held[i]; ok {
				continue
			}
			if results[i].Outcome == Quarantined {
				held[i] = results[i].Reason
			} else {
				held[i] = fmt.Sprintf("held with its household: %s %s was refused", readable(c.Kind), c.Record)
			}
			grew = true
		}
	}
	return grew
}

// holdInUnit quarantines c as part of unit u; unitSeqs maps each unit held
// in this transaction to the quarantine seq of its first change.
func (w *Workspace) holdInUnit(tx kv.Tx, st *txState, c change.Change, reason string, unitSeqs map[uint64]uint64, u uint64) Result {
	first := unitSeqs[u]
	if first == 0 {
		first = st.quarSeq + 1
		unitSeqs[u] = first
	}
	w.quarantineInUnit(tx, st, c, reason, first)
	return Result{Outcome: Quarantined, Reason: reason}
}

// heldUnit reads the held entries of the unit of quarantine entry seq, in
// quarantine order, with their stored forms.
func (w *Workspace) heldUnit(tx kv.Tx, seq uint64) ([]QuarantineEntry, []storedQuarantine, error) {
	read := func(k []byte) (storedQuarantine, bool, error) {
		v := tx.Bucket(bucketQuarantine).Get(k)
		if v == nil {
			return storedQuarantine{}, false, nil
		}
		plain, err := w.seal[bucketQuarantine].open(k, v)
		if err != nil {
			return storedQuarantine{}, false, err
		}
		var q storedQuarantine
		if err := decode(plain, &q); err != nil {
			return storedQuarantine{}, false, fmt.Errorf("quarantine %d: %w", binary.BigEndian.Uint64(k), err)
		}
		if err := unpackQuarantined(&q); err != nil {
			return storedQuarantine{}, false, fmt.Errorf("quarantine %d: %w", binary.BigEndian.Uint64(k), err)
		}
		return q, true, nil
	}
	q, ok, err := read(seqKey(seq))
	switch {
	case err != nil:
		return nil, nil, err
	case !ok:
		return nil, nil, fmt.Errorf("quarantine entry %d: %w", seq, ErrNotFound)
	case q.Resolved == released:
		return nil, nil, fmt.Errorf("quarantine entry %d was released already: %w", seq, ErrNotFound)
	case q.Resolved == dropped:
		return nil, nil, fmt.Errorf("quarantine entry %d was dropped already: %w", seq, ErrNotFound)
	}
	if q.Unit == 0 {
		return []QuarantineEntry{{QuarantineSeq: seq, Time: unixMilli(q.Time), Change: q.Change.change(), Reason: q.Reason}}, []storedQuarantine{q}, nil
	}
	// A unit's entries were written in one transaction, from its first on;
	// other entries of that transaction may stand between them.
	var entries []QuarantineEntry
	var stored []storedQuarantine
	cur := tx.Bucket(bucketQuarantine).Cursor()
	for k, _ := cur.Seek(seqKey(q.Unit)); k != nil; k, _ = cur.Next() {
		e, _, err := read(k)
		if err != nil {
			return nil, nil, err
		}
		if e.Unit == q.Unit && e.Resolved == held {
			n := binary.BigEndian.Uint64(k)
			entries = append(entries, QuarantineEntry{QuarantineSeq: n, Time: unixMilli(e.Time), Change: e.Change.change(), Reason: e.Reason, Unit: e.Unit})
			stored = append(stored, e)
		}
	}
	return entries, stored, nil
}

// resolve marks the entries of a unit and audits what was done.
func (w *Workspace) resolve(tx kv.Tx, st *txState, entries []QuarantineEntry, stored []storedQuarantine, how resolution) {
	action := map[resolution]string{released: "quarantine release", dropped: "quarantine drop"}[how]
	for i, e := range entries {
		q := stored[i]
		q.Resolved, q.ResolvedAt = how, w.opts.Now().UnixMilli()
		packQuarantined(&q) // kept as small as when it was refused
		w.put(tx, st, bucketQuarantine, seqKey(e.QuarantineSeq), encode(q))
		c := e.Change
		w.appendAudit(tx, st, action, c.Record, c.Kind, c.FieldNames(),
			fmt.Sprintf("quarantine entry %d, from device %s #%d", e.QuarantineSeq, c.Device, c.DeviceSeq))
	}
}

// ReleaseQuarantined validates the held changes of quarantine entry seq's
// unit again, as if they had just arrived, and applies them all, or none:
// when one is still refused, the error says why and wraps ErrStillRefused.
// It returns the released entries and one Result per entry (Applied, or
// Duplicate for a change the log holds already). meta is written in the same
// transaction. An entry not held (unknown, released or dropped) is an error
// wrapping ErrNotFound.
func (w *Workspace) ReleaseQuarantined(seq uint64, meta map[string][]byte) ([]QuarantineEntry, []Result, error) {
	if !w.role.MaySupervise() {
		return nil, nil, fmt.Errorf("release quarantine entry %d: %w", seq, ErrForbidden)
	}
	if err := w.lock(); err != nil {
		return nil, nil, err
	}
	defer w.mu.Unlock()
	var entries []QuarantineEntry
	var results []Result
	var accepted []change.Stamp
	_, err := w.update(func(tx kv.Tx, st *txState) error {
		var stored []storedQuarantine
		var err error
		if entries, stored, err = w.heldUnit(tx, seq); err != nil {
			return err
		}
		results = make([]Result, len(entries))
		for i, e := range entries {
			c := e.Change
			logSeq, err := w.seenLogSeq(tx, c)
			if err != nil {
				return err
			}
			if logSeq != 0 {
				results[i] = Result{Outcome: Duplicate, LogSeq: logSeq}
				continue
			}
			reason, err := w.refusal(tx, st, c)
			if err != nil {
				return err
			}
			if reason != "" {
				return fmt.Errorf("quarantine entry %d: %s: %w", e.QuarantineSeq, reason, ErrStillRefused)
			}
			results[i] = Result{Outcome: Applied, LogSeq: w.logChange(tx, st, st.records[c.Record], c, "remote")}
			accepted = append(accepted, c.Stamp)
		}
		w.resolve(tx, st, entries, stored, released)
		for name, value := range meta {
			w.putNamed(tx, st, bucketMeta, name, value)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("release quarantine entry %d: %w", seq, err)
	}
	for _, s := range accepted {
		w.clock.Observe(s)
	}
	return entries, results, nil
}

// DropQuarantined discards the held changes of quarantine entry seq's unit
// for good and returns them. meta is written in the same transaction. An
// entry not held is an error wrapping ErrNotFound.
func (w *Workspace) DropQuarantined(seq uint64, meta map[string][]byte) ([]QuarantineEntry, error) {
	if !w.role.MaySupervise() {
		return nil, fmt.Errorf("drop quarantine entry %d: %w", seq, ErrForbidden)
	}
	if err := w.lock(); err != nil {
		return nil, err
	}
	defer w.mu.Unlock()
	var entries []QuarantineEntry
	_, err := w.update(func(tx kv.Tx, st *txState) error {
		var stored []storedQuarantine
		var err error
		if entries, stored, err = w.heldUnit(tx, seq); err != nil {
			return err
		}
		w.resolve(tx, st, entries, stored, dropped)
		for name, value := range meta {
			w.putNamed(tx, st, bucketMeta, name, value)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("drop quarantine entry %d: %w", seq, err)
	}
	return entries, nil
}

// resent answers a quarantined change received again. Held alone (not in a
// unit, not dropped, not quarantined in this same transaction), unchanged,
// and passing now — the receiving clock has caught up with its stamp, a
// form was fixed — it is applied and its entry marked released: no
// quarantine lasts for the order clocks put things in. Otherwise it is
// refused again, without a new entry. Finding the entry reads the
// quarantine, which resends of held changes (a cursor started over) make
// rare enough.
func (w *Workspace) resent(tx kv.Tx, st *txState, c change.Change) (Result, error) {
	again := Result{Outcome: Quarantined, Reason: reasonAlreadyQuarantined}
	if st.quarantinedNow(c) {
		return again, nil
	}
	key, q, err := w.heldAloneEntry(tx, c)
	if err != nil || key == nil {
		return again, err
	}
	if !bytes.Equal(encode(q.Change), encode(toStoredChange(readableChange(c)))) {
		return again, nil // another change under the same number: not this one
	}
	reason, err := w.refusal(tx, st, c)
	if err != nil || reason != "" {
		return again, err
	}
	logSeq := w.logChange(tx, st, st.records[c.Record], c, "remote")
	seq := binary.BigEndian.Uint64(key)
	w.resolve(tx, st, []QuarantineEntry{{QuarantineSeq: seq, Change: c}}, []storedQuarantine{q}, released)
	return Result{Outcome: Applied, LogSeq: logSeq}, nil
}

// heldAloneEntry finds the held entry of c's (device, device seq) that was
// quarantined alone; a nil key when there is none.
func (w *Workspace) heldAloneEntry(tx kv.Tx, c change.Change) ([]byte, storedQuarantine, error) {
	var found []byte
	var entry storedQuarantine
	err := tx.Bucket(bucketQuarantine).ForEach(func(k, v []byte) error {
		plain, err := w.seal[bucketQuarantine].open(k, v)
		if err != nil {
			return err
		}
		var q storedQuarantine
		if err := decode(plain, &q); err != nil {
			return fmt.Errorf("quarantine %x: %w", k, err)
		}
		if err := unpackQuarantined(&q); err != nil {
			return fmt.Errorf("quarantine %x: %w", k, err)
		}
		if q.Change.Device == c.Device && q.Change.DeviceSeq == c.DeviceSeq && q.Resolved == held && q.Unit == 0 {
			found, entry = slices.Clone(k), q
		}
		return nil
	})
	return found, entry, err
}

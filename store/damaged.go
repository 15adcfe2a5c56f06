package store

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/store/kv"
)

// One damaged value never takes the workspace down. Unlock leaves a record,
// draft or quarantine entry it cannot read out of the index and lists it
// (Damaged); Get of that record returns ErrCorrupt; everything else works.
// A change of this device that cannot be read is set aside (SetAside): the
// outgoing queue sends a placeholder in its place, which HQ quarantines
// with the reason, so HQ's acknowledged run of this device's changes goes
// on past it instead of stopping there for ever.

// Damage is one stored value that could not be read. It names where the
// value is and what failed, never what it held.
type Damage struct {
	Bucket string    // "records", "changes", "drafts", "quarantine", …
	Key    string    // which value: a record id, a log seq, a device seq
	Record uuid.UUID // the damaged record; uuid.Nil for anything else
	Reason string    // what failed: "authentication failed: …", "does not decode: …"
}

func (d Damage) String() string {
	if d.Bucket == bucketRecords {
		return fmt.Sprintf("record %s: %s", d.Key, d.Reason)
	}
	return fmt.Sprintf("%s %s: %s", d.Bucket, d.Key, d.Reason)
}

// Damaged lists the values found damaged, in the order found: at unlock
// records (left out of the index, so lists, searches and exports go on
// without them), drafts and quarantine entries; later, records Each could
// not read and log entries ChangesAfter skipped. Verify finds them all.
func (w *Workspace) Damaged() []Damage {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return slices.Clone(w.damaged)
}

// markDamaged lists values found damaged after unlock and takes damaged
// records out of the index, so lists and exports go on without them.
func (w *Workspace) markDamaged(damaged []Damage) {
	if w.lock() != nil {
		return
	}
	defer w.mu.Unlock()
	for _, d := range damaged {
		if slices.ContainsFunc(w.damaged, func(x Damage) bool { return x.Bucket == d.Bucket && x.Key == d.Key }) {
			continue
		}
		w.damaged = append(w.damaged, d)
		if d.Bucket != bucketRecords {
			continue
		}
		if info, ok := w.idx.recs[d.Record]; ok && !info.deleted {
			// As if deleted: out of every list and of name search.
			w.idx.apply(indexEntry{id: d.Record, info: recInfo{kind: info.kind, household: info.household, deleted: true}})
		}
	}
}

// damageOf turns an error from opening or decoding a value into the reason
// a Damage gives. Errors that are not damage (nil, a bbolt failure) give "".
func damageOf(err error) string {
	var d damageError
	if errors.As(err, &d) {
		return d.reason
	}
	if errors.Is(err, ErrCorrupt) {
		return "unreadable"
	}
	return ""
}

// damageError is a value that did not open or decode. It wraps ErrCorrupt.
type damageError struct {
	what   string // "records/0190…", "change 10"
	reason string
}

func (e damageError) Error() string { return e.what + ": " + e.reason + ": " + ErrCorrupt.Error() }
func (e damageError) Unwrap() error { return ErrCorrupt }

// openValue opens and decodes the sealed value under key into v. Damage
// comes back as a damageError naming bucket and key.
func (w *Workspace) openValue(bucket string, key, sealed []byte, v any, what string) error {
	plain, err := w.seal[bucket].open(key, sealed)
	if err != nil {
		return damageError{what: what, reason: "authentication failed: the stored bytes were changed"}
	}
	if err := decMode.Unmarshal(plain, v); err != nil {
		return damageError{what: what, reason: fmt.Sprintf("does not decode: %v", err)}
	}
	return nil
}

// SetAsideKind is the kind of the placeholder the outgoing queue holds in
// place of a change of this device that could not be read. Its record id is
// nil, so change.Validate refuses it everywhere: no replica can apply it,
// and every replica quarantines it (HQ with the reason it carries), which
// counts as received in the device's acknowledged run.
const SetAsideKind = "_set_aside"

// Fields of a placeholder's writes: what the device knows of the change.
const (
	setAsideRecordField = "record"
	setAsideReasonField = "reason"
)

// IsSetAside reports whether c is a placeholder for a change set aside on
// its device.
func IsSetAside(c change.Change) bool { return c.Kind == SetAsideKind && c.Record == uuid.Nil }

// placeholder is what the queue sends for a set-aside change. Its stamp is
// fixed (the lowest there is), so sending it again sends the same change.
func placeholder(device uuid.UUID, seq uint64, e SetAsideEntry) change.Change {
	c := change.Change{Device: device, DeviceSeq: seq, Kind: SetAsideKind, Stamp: change.Stamp{HLC: 1, Device: device},
		Writes: []change.Write{{Field: setAsideReasonField, Value: readable(e.Reason)}}}
	if e.Record != uuid.Nil {
		c.Writes = append(c.Writes, change.Write{Field: setAsideRecordField, Value: e.Record.String()})
	}
	return c
}

// setAsideReason is why a replica refuses a placeholder: what its device said.
func setAsideReason(c change.Change) string {
	reason, rec := "", ""
	for _, wr := range c.Writes {
		switch wr.Field {
		case setAsideReasonField:
			reason = wr.Value
		case setAsideRecordField:
			rec = " of record " + wr.Value
		}
	}
	return readable(fmt.Sprintf("set aside on device %s: its change %d%s could not be read there (%s)", c.Device, c.DeviceSeq, rec, reason))
}

// SetAsideEntry is a change of this device that could not be read and was
// set aside: the queue sends a placeholder in its place.
type SetAsideEntry struct {
	DeviceSeq uint64
	LogSeq    uint64    // 0 when unknown (its seen entry is damaged or missing)
	Record    uuid.UUID // uuid.Nil when unknown
	Reason    string
	Time      time.Time // when it was set aside
}

func (e SetAsideEntry) String() string {
	rec := ""
	if e.Record != uuid.Nil {
		rec = " of record " + e.Record.String()
	}
	return fmt.Sprintf("change %d%s could not be read (%s) and was set aside", e.DeviceSeq, rec, e.Reason)
}

// metaSetAside is the meta entry listing the set-aside changes.
const metaSetAside = "store/set-aside"

type storedSetAside struct {
	_         struct{} `cbor:",toarray"`
	DeviceSeq uint64
	LogSeq    uint64
	Record    uuid.UUID
	Reason    string
	Time      int64 // Unix milliseconds
}

// SetAside lists this device's changes that were set aside, by device seq.
func (w *Workspace) SetAside() ([]SetAsideEntry, error) {
	if err := w.rlock(); err != nil {
		return nil, err
	}
	defer w.mu.RUnlock()
	var out []SetAsideEntry
	err := w.view(func(tx kv.Tx) error {
		var err error
		out, err = w.readSetAside(tx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read set-aside changes: %w", err)
	}
	return out, nil
}

func (w *Workspace) readSetAside(tx kv.Tx) ([]SetAsideEntry, error) {
	b, err := w.getNamed(tx, bucketMeta, metaSetAside)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var stored []storedSetAside
	if err := decode(b, &stored); err != nil {
		return nil, fmt.Errorf("set-aside list: %w", err)
	}
	out := make([]SetAsideEntry, len(stored))
	for i, s := range stored {
		out[i] = SetAsideEntry{DeviceSeq: s.DeviceSeq, LogSeq: s.LogSeq, Record: s.Record, Reason: s.Reason, Time: unixMilli(s.Time)}
	}
	return out, nil
}

// setAside adds entries (not yet listed) to the set-aside list, durably.
func (w *Workspace) setAside(entries []SetAsideEntry) error {
	if err := w.lock(); err != nil {
		return err
	}
	defer w.mu.Unlock()
	_, err := w.update(func(tx kv.Tx, st *txState) error {
		have, err := w.readSetAside(tx)
		if err != nil {
			// The list itself is damaged: start it again rather than block
			// the queue on it (Verify reports the damaged entry).
			have = nil
		}
		listed := make(map[uint64]bool, len(have))
		for _, e := range have {
			listed[e.DeviceSeq] = true
		}
		stored := make([]storedSetAside, 0, len(have)+len(entries))
		for _, e := range have {
			stored = append(stored, storedSetAside{DeviceSeq: e.DeviceSeq, LogSeq: e.LogSeq, Record: e.Record, Reason: e.Reason, Time: e.Time.UnixMilli()})
		}
		added := 0
		for _, e := range entries {
			if listed[e.DeviceSeq] {
				continue
			}
			listed[e.DeviceSeq] = true
			added++
			stored = append(stored, storedSetAside{DeviceSeq: e.DeviceSeq, LogSeq: e.LogSeq, Record: e.Record, Reason: readable(e.Reason), Time: w.opts.Now().UnixMilli()})
			w.appendAudit(tx, st, "set-aside", e.Record, "", nil, fmt.Sprintf("own change #%d: %s", e.DeviceSeq, e.Reason))
		}
		if added == 0 {
			return nil
		}
		slices.SortFunc(stored, func(a, b storedSetAside) int { return cmp.Compare(a.DeviceSeq, b.DeviceSeq) })
		w.putNamed(tx, st, bucketMeta, metaSetAside, encode(stored))
		return nil
	})
	if err != nil {
		return fmt.Errorf("set aside damaged changes: %w", err)
	}
	return nil
}

// lenientDecMode decodes text that is not UTF-8, only to learn what a
// damaged value was about; nothing decoded with it is kept.
var lenientDecMode = func() cbor.DecMode {
	m, err := cbor.DecOptions{
		DupMapKey: cbor.DupMapKeyEnforcedAPF, MaxArrayElements: 1 << 20, MaxMapPairs: 1 << 16,
		IndefLength: cbor.IndefLengthForbidden, UTF8: cbor.UTF8DecodeInvalid,
	}.DecMode()
	if err != nil {
		panic(err) // static options: cannot fail
	}
	return m
}()

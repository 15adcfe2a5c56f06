package store

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store/kv"
)

// Erasure keeps the consent promise "you can ask to delete your
// information": deletion keeps every version, erasure keeps none.
//
// An erasure is a change that writes registry.FieldErased = "true". It syncs
// and bundles like any change, and every replica that logs it (local
// commit, ApplyRemote, a released or re-sent change) does the same:
//   - the record becomes a tombstone: kind, id, the erasure ("_erased" and
//     "_deleted" = "true") and, so that HQ still knows which devices to send
//     the erasure to, the field that places it (a household's site, a
//     person's or assessment's household id), its current version only;
//   - every change-log entry of the record is rewritten in place as an
//     erasure: same device, device seq, record, kind, author and stamp, one
//     write "_erased" = "true" and nothing else. Log seqs and device seqs
//     stay as they were, so sync cursors, HQ's log index and the outgoing
//     queue are undisturbed, and whoever pulls or bundles the old entries
//     receives erasures, never values;
//   - quarantine entries of the record are dropped and stripped likewise
//     (their reason too: it may quote a value);
//   - drafts whose bytes mention the record's id are deleted (a draft is
//     opaque to the store: that is all it can tell);
//   - the in-memory index and every Indexer are given the tombstone, which
//     is deleted: lists, search and the duplicate index drop the record;
//   - after the transaction commits the file is compacted (Compact), so that
//     bbolt's free pages keep no old copy of a value.
//
// Any change of an erased record that arrives later — an old bundle, a
// device that edited it offline, a re-sent push — is logged stripped the
// same way (applied, so that the sender's run of device seqs goes on), and
// a local edit of it is refused with ErrErased. What stays: the audit chain
// (who did what to which record id, field names, never values), the seen
// table, and the record id and kind.
//
// What erasure cannot reach: copies outside this file (exports and bundles
// already written, backups), and the old blocks of the file replaced by
// compaction, which the file system frees but may not overwrite.

// ErrErased refuses an edit of an erased record.
var ErrErased = errors.New("record erased")

// Erase erases a record on request: a household with its members and
// assessments, deleted or not, in one transaction, then compacts the file.
// It returns the erasures logged, with their log seqs (none when the record
// was erased already). Supervisors and admins only.
func (w *Workspace) Erase(id uuid.UUID) ([]Logged, error) {
	if !w.role.atLeast(RoleSupervisor) {
		return nil, fmt.Errorf("erase record %s: %w", id, ErrForbidden)
	}
	if err := w.lock(); err != nil {
		return nil, err
	}
	defer w.mu.Unlock()
	info, ok := w.idx.recs[id]
	if !ok {
		return nil, fmt.Errorf("erase record %s: %w", id, ErrNotFound)
	}
	ids := []uuid.UUID{id}
	if info.kind == registry.KindHousehold {
		// Deleted members too: the index lists only live ones.
		for other, oi := range w.idx.recs {
			if oi.household == id && (oi.kind == registry.KindPerson || oi.kind == registry.KindAssessment) {
				ids = append(ids, other)
			}
		}
	}
	var made []Logged
	_, err := w.update(func(tx kv.Tx, st *txState) error {
		for _, rid := range ids {
			kind := w.idx.recs[rid].kind
			p, err := w.pending(tx, st, rid, kind)
			if err != nil {
				return err
			}
			if p.rec.Erased() {
				continue
			}
			c, ok, err := w.commitEdit(tx, st, Edit{Record: rid, Kind: kind, Set: map[string]string{registry.FieldErased: "true"}})
			if err != nil {
				return err
			}
			if ok {
				made = append(made, Logged{LogSeq: st.logSeq, Change: c})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("erase record %s: %w", id, err)
	}
	if err := w.compactIfDue(); err != nil {
		return made, fmt.Errorf("erase record %s: erased, but %w", id, err)
	}
	return made, nil
}

// erases reports whether c erases its record.
func erases(c change.Change) bool {
	for _, wr := range c.Writes {
		if wr.Field == registry.FieldErased && wr.Value == "true" {
			return true
		}
	}
	return false
}

// erasedForm is c as an erased record keeps it: its identity and stamp, and
// the erasure as its only write.
func erasedForm(c change.Change) change.Change {
	c.Writes = []change.Write{{Field: registry.FieldErased, Value: "true"}}
	return c
}

// strippedIfErased is what ApplyRemote checks and logs of c: c, or its erased
// form when c erases or its record is erased here, so that neither the log
// nor the quarantine ever takes a value of an erased record.
func (w *Workspace) strippedIfErased(tx kv.Tx, st *txState, c change.Change) change.Change {
	if erases(c) {
		return erasedForm(c)
	}
	p, err := w.pending(tx, st, c.Record, c.Kind)
	if err == nil && p.rec.Erased() {
		return erasedForm(c)
	}
	return c
}

// refuseErased refuses a local edit of an erased record.
func refuseErased(p *pendingRecord) error {
	if p.rec.Erased() {
		return fmt.Errorf("%s %s: %w", readable(p.rec.Kind), p.rec.ID, ErrErased)
	}
	return nil
}

// logErasing is logChange's hook: it returns what to log of c (its erased
// form when the record is or becomes erased) and whether logging it erases
// the record now.
func logErasing(p *pendingRecord, c change.Change) (change.Change, bool) {
	switch {
	case p.rec.Erased():
		return erasedForm(c), false
	case erases(c):
		return erasedForm(c), true
	}
	return c, false
}

// erase makes p, just erased by the change logged last, a tombstone, and
// strips every trace of its values from the log, the quarantine and the
// drafts.
func (w *Workspace) erase(tx kv.Tx, st *txState, p *pendingRecord, by change.Change) {
	id := p.rec.ID
	for _, seq := range p.log[:len(p.log)-1] { // the last is the erasure itself
		old, err := w.readChange(tx, seq)
		if err != nil {
			// Unreadable (damaged, Damaged lists it): nobody can read its
			// values either, and what it was cannot be told to rewrite it.
			continue
		}
		w.put(tx, st, bucketChanges, seqKey(seq), encode(toStoredChange(erasedForm(old))))
	}
	p.rec = tombstone(p.rec, by)
	p.dirty = true
	st.erased = true
	w.eraseQuarantined(tx, st, id)
	w.eraseDrafts(tx, st, id)
}

// placingFields are the fields a tombstone keeps: where the record belongs,
// which HQ needs to send the erasure to the devices that hold the record.
var placingFields = []string{registry.FieldSite, registry.FieldHouseholdID}

func tombstone(rec registry.Record, by change.Change) registry.Record {
	t := registry.Record{ID: rec.ID, Kind: rec.Kind, Fields: map[string]change.Field{}}
	mark := change.Field{Versions: []change.Version{{Value: "true", Stamp: by.Stamp}}}
	t.Fields[registry.FieldErased] = mark
	t.Fields[change.DeletedField] = mark
	for _, name := range placingFields {
		if f, ok := rec.Fields[name]; ok && f.Value() != "" {
			t.Fields[name] = change.Field{Versions: []change.Version{{Value: f.Value(), Stamp: f.Stamp()}}}
		}
	}
	return t
}

// isTombstoneOf reports whether stored is the tombstone that replaying an
// erased record's log gives: the log holds only erasures, and the tombstone
// nothing but what tombstone keeps. (The replay cannot rebuild the placing
// fields: the log no longer has their values.)
func isTombstoneOf(stored, replay registry.Record) bool {
	if !stored.Erased() || !replay.Erased() || !stored.Deleted() {
		return false
	}
	for name := range replay.Fields {
		if name != registry.FieldErased {
			return false
		}
	}
	for name := range stored.Fields {
		if name != registry.FieldErased && name != change.DeletedField && !slices.Contains(placingFields, name) {
			return false
		}
	}
	return true
}

// eraseQuarantined drops, stripped of values and reason, every quarantine
// entry of record id. The entries stay (a resend is still recognized).
func (w *Workspace) eraseQuarantined(tx kv.Tx, st *txState, id uuid.UUID) {
	b := tx.Bucket(bucketQuarantine)
	type entry struct {
		key []byte
		q   storedQuarantine
	}
	var found []entry
	err := b.ForEach(func(k, v []byte) error {
		plain, err := w.seal[bucketQuarantine].open(k, v)
		if err != nil {
			return nil // damaged: not readable by anyone
		}
		var q storedQuarantine
		if decode(plain, &q) != nil || q.Change.Record != id {
			return nil
		}
		found = append(found, entry{append([]byte(nil), k...), q})
		return nil
	})
	if err != nil {
		w.fail(st, fmt.Errorf("erase quarantine entries of %s: %w", id, err))
		return
	}
	for _, e := range found {
		q := e.q
		q.Packed = nil // the packed writes, values and all
		q.Change = toStoredChange(erasedForm(q.Change.change()))
		q.Reason = "erased"
		if q.Resolved == held {
			q.Resolved, q.ResolvedAt = dropped, w.opts.Now().UnixMilli()
		}
		w.put(tx, st, bucketQuarantine, e.key, encode(q))
	}
}

// eraseDrafts deletes the drafts that mention record id.
func (w *Workspace) eraseDrafts(tx kv.Tx, st *txState, id uuid.UUID) {
	b := tx.Bucket(bucketDrafts)
	text := []byte(id.String())
	var keys [][]byte
	var names []string
	err := b.ForEach(func(k, v []byte) error {
		plain, err := w.seal[bucketDrafts].open(k, v)
		if err != nil {
			return nil
		}
		var n storedNamed
		if decode(plain, &n) != nil {
			return nil
		}
		if bytes.Contains(n.Value, text) || bytes.Contains(n.Value, id[:]) {
			keys = append(keys, append([]byte(nil), k...))
			names = append(names, n.Name)
		}
		return nil
	})
	if err == nil {
		for _, k := range keys {
			if err = b.Delete(k); err != nil {
				break
			}
		}
	}
	if err != nil {
		w.fail(st, fmt.Errorf("erase drafts of %s: %w", id, err))
		return
	}
	for _, n := range names {
		st.drafts[n] = false
	}
}

// compactIfDue compacts the file when an erasure committed since the last
// compaction. The caller holds w.mu.
func (w *Workspace) compactIfDue() error {
	if !w.compactDue {
		return nil
	}
	if err := w.compactLocked(); err != nil {
		return err
	}
	w.compactDue = false
	return nil
}

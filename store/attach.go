package store

import (
	"fmt"
	"slices"

	"github.com/google/uuid"

	"fieldreg/registry"
	"fieldreg/store/kv"
)

// Attach adds an indexer to the open workspace, as if it had been given in
// Options.Indexes: ix hears every record once (every kind, deleted ones
// too, in no order a caller may rely on), and from then on every change,
// exactly like those.
//
// It is for an index the caller can do without at first: unlock with
// Options.Indexes that need whole records decodes every record whole, where
// without them most are only summarized; Attach lets the caller unlock fast
// and build such an index afterwards, off its UI goroutine. Reading every
// record takes as long as it would have at unlock (about a second at 100k
// records); meanwhile reads go on, and commits and received changes wait
// (the read lock is held). A change that slips in between the pass and the
// registration is caught up from the change log, so ix hears every change
// once: none is lost, none is seen twice.
//
// On an error (ErrLocked, ErrCorrupt…) ix is not registered; it may have
// heard some records.
func (w *Workspace) Attach(ix Indexer) error {
	if err := w.rlock(); err != nil {
		return fmt.Errorf("attach index: %w", err)
	}
	seen := w.lastLogSeq
	err := w.view(func(tx kv.Tx) error {
		// Damaged records were listed at unlock; ix does without them.
		_, err := w.scanRecords(tx, recordNeeds{whole: true}, func(rec registry.Record, _ indexEntry) {
			ix.Index(rec)
		})
		return err
	})
	if err == nil {
		releaseMapped(w.db) // the pass read the whole file, as unlock did
	}
	w.mu.RUnlock()
	if err != nil {
		return fmt.Errorf("attach index: %w", err)
	}

	// A sync.RWMutex cannot be upgraded: a writer waiting for the pass to
	// end goes first. What it changed is in the log after seen.
	if err := w.lock(); err != nil {
		return fmt.Errorf("attach index: %w", err)
	}
	defer w.mu.Unlock()
	err = w.view(func(tx kv.Tx) error {
		return w.catchUp(tx, seen, ix)
	})
	if err != nil {
		return fmt.Errorf("attach index: %w", err)
	}
	// Clip: never append into the backing array of the caller's Options.
	w.opts.Indexes = append(slices.Clip(w.opts.Indexes), ix)
	return nil
}

// catchUp gives ix the current state of every record changed after log
// seq since, once each, in the order they were first changed. The caller
// holds w.mu.
func (w *Workspace) catchUp(tx kv.Tx, since uint64, ix Indexer) error {
	var ids []uuid.UUID
	done := make(map[uuid.UUID]bool)
	for seq := since + 1; seq <= w.lastLogSeq; seq++ {
		c, err := w.readChange(tx, seq)
		if err != nil {
			return err
		}
		if !done[c.Record] {
			done[c.Record] = true
			ids = append(ids, c.Record)
		}
	}
	for _, id := range ids {
		rec, _, found, err := w.readRecord(tx, id)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("record %s changed but not stored: %w", id, ErrCorrupt)
		}
		ix.Index(rec)
	}
	return nil
}

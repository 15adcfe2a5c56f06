package main

import (
	"errors"

	"fieldreg/registry"
	"fieldreg/store"
)

// batchRecords is about how many records one commit holds when households
// are registered in bulk: one fsync per batch instead of one per household is
// what makes a bulk import fast, and a thousand records keep a commit short
// (some 30 ms) and its memory small. Measured on a 73,000-person list, 1,000
// saves about 3% of the import time over 500; 2,000 and 5,000 save little
// more and hold 20 and 80 MB more.
const batchRecords = 1000

// batcher commits planned households in batches. Each household is all or
// nothing; a batch the store refuses is retried household by household, so
// one bad household never costs the good ones around it.
type batcher struct {
	ws       *store.Workspace
	stored   func(p planned)            // called once a household is durable
	refused  func(p planned, err error) // called for a household the store refused
	pending  []planned
	nrecords int
}

func (b *batcher) add(p planned) error {
	b.pending = append(b.pending, p)
	b.nrecords += len(p.edits)
	if b.nrecords >= batchRecords {
		return b.flush()
	}
	return nil
}

// flush commits what is pending. It returns an error only when the store
// cannot take any more (disk, size limit, a closed workspace): refused
// households are reported through refused.
func (b *batcher) flush() error {
	batch := b.pending
	b.pending, b.nrecords = nil, 0
	if len(batch) == 0 {
		return nil
	}
	var edits []store.Edit
	for _, p := range batch {
		edits = append(edits, p.edits...)
	}
	if len(edits) == 0 {
		// All there already (a list imported again): nothing to commit.
		for _, p := range batch {
			b.stored(p)
		}
		return nil
	}
	_, err := b.ws.Commit(edits...)
	switch {
	case err == nil:
		for _, p := range batch {
			b.stored(p)
		}
		return nil
	case !isRefusal(err):
		return err
	case len(batch) == 1:
		b.refused(batch[0], err)
		return nil
	}
	for _, p := range batch {
		if _, err := b.ws.Commit(p.edits...); err != nil {
			if !isRefusal(err) {
				return err
			}
			b.refused(p, err)
			continue
		}
		b.stored(p)
	}
	return nil
}

// isRefusal tells a record the rules refuse from a store that cannot write.
func isRefusal(err error) bool {
	_, invalid := registry.AsValidation(err)
	var fe registry.FieldError
	return invalid || errors.As(err, &fe) || errors.Is(err, store.ErrForbidden)
}

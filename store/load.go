package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/google/uuid"

	"fieldreg/registry"
	"fieldreg/store/kv"
)

// load decrypts the workspace once at unlock and builds the in-memory state:
// sequence counters, the audit head, the clock's high-water mark, draft
// names and the record index.
func (w *Workspace) load() error {
	return w.view(func(tx kv.Tx) error {
		for _, name := range allBuckets {
			if tx.Bucket(name) == nil {
				return fmt.Errorf("bucket %s missing: %w", name, ErrCorrupt)
			}
		}
		if k, _ := tx.Bucket(bucketChanges).Cursor().Last(); k != nil {
			w.lastLogSeq = binary.BigEndian.Uint64(k)
		}
		if k, _ := tx.Bucket(bucketQuarantine).Cursor().Last(); k != nil {
			w.quarSeq = binary.BigEndian.Uint64(k)
		}
		if err := w.loadDeviceSeq(tx); err != nil {
			return err
		}
		if err := w.loadAuditHead(tx); err != nil {
			return err
		}
		if err := w.loadClockHigh(tx); err != nil {
			return err
		}
		if err := w.loadQuarantine(tx); err != nil {
			return err
		}
		if err := w.loadDrafts(tx); err != nil {
			return err
		}
		return w.loadRecords(tx)
	})
}

// loadDeviceSeq finds this device's last sequence number: the last seen key
// with the device's prefix.
func (w *Workspace) loadDeviceSeq(tx kv.Tx) error {
	dev := w.keys.device
	c := tx.Bucket(bucketSeen).Cursor()
	k, _ := c.Seek(seenKey(dev, ^uint64(0)))
	if k == nil || !bytes.Equal(k, seenKey(dev, ^uint64(0))) {
		k, _ = c.Prev()
	}
	if len(k) == 24 && bytes.Equal(k[:16], dev[:]) {
		w.deviceSeq = binary.BigEndian.Uint64(k[16:])
	}
	return nil
}

func (w *Workspace) loadAuditHead(tx kv.Tx) error {
	plain, err := w.get(tx, bucketState, stateAuditHead)
	if err != nil {
		return err
	}
	if plain == nil {
		return fmt.Errorf("audit head missing: %w", ErrCorrupt)
	}
	var h storedAuditHead
	if err := decode(plain, &h); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	w.auditSeq, w.auditHash = h.AuditSeq, h.Hash
	return nil
}

// loadQuarantine learns which changes were refused. An entry that cannot be
// read is listed as damaged: the change it held is refused again as new if
// it comes back.
func (w *Workspace) loadQuarantine(tx kv.Tx) error {
	return tx.Bucket(bucketQuarantine).ForEach(func(k, v []byte) error {
		var q storedQuarantine
		if err := w.openValue(bucketQuarantine, k, v, &q, fmt.Sprintf("quarantine %x", k)); err != nil {
			w.damaged = append(w.damaged, Damage{Bucket: bucketQuarantine, Key: seqName(k), Reason: damageOf(err)})
			return nil
		}
		w.quarSeen[devSeq{q.Change.Device, q.Change.DeviceSeq}] = true
		return nil
	})
}

// loadDrafts learns the drafts' names. A draft that cannot be read is
// listed as damaged and left out.
func (w *Workspace) loadDrafts(tx kv.Tx) error {
	return tx.Bucket(bucketDrafts).ForEach(func(k, v []byte) error {
		var d storedNamed
		if err := w.openValue(bucketDrafts, k, v, &d, fmt.Sprintf("draft %x", k)); err != nil {
			w.damaged = append(w.damaged, Damage{Bucket: bucketDrafts, Key: fmt.Sprintf("%x", k), Reason: damageOf(err)})
			return nil
		}
		w.drafts[d.Name] = true
		return nil
	})
}

// seqName is a sequence-number key as people read it.
func seqName(k []byte) string {
	if len(k) != 8 {
		return fmt.Sprintf("%x", k)
	}
	return fmt.Sprint(binary.BigEndian.Uint64(k))
}

// loadRecords decrypts every record and feeds it to the index and the
// caller's indexers in id order. Without indexers, most records are only
// summarized, not decoded whole (see summarize). A record that cannot be
// read is left out of the index and listed as damaged.
func (w *Workspace) loadRecords(tx kv.Tx) error {
	records := tx.Bucket(bucketRecords)
	// Sizing the index maps up front saves rehashing them while they fill;
	// counting walks page headers only.
	w.idx.reserve(records.Len())
	need := recordNeeds{whole: len(w.opts.Indexes) > 0, entry: true}
	damaged, err := w.scanRecords(tx, need, func(rec registry.Record, e indexEntry) {
		w.idx.apply(e)
		for _, ix := range w.opts.Indexes {
			ix.Index(rec)
		}
	})
	w.damaged = append(w.damaged, damaged...)
	if err != nil {
		return err
	}
	w.idx.finish()
	return nil
}

// recordNeeds says what a pass over the records needs of each one: the
// whole record (else, where a summary gives the index entry, rec is left
// zero), and the index entry.
type recordNeeds struct{ whole, entry bool }

// scanRecords decrypts every record, in parallel batches, and calls fn with
// each in id order, from one goroutine. Unlock (loadRecords) and Attach share
// it. Records that cannot be read are not given to fn but returned.
func (w *Workspace) scanRecords(tx kv.Tx, need recordNeeds, fn func(rec registry.Record, e indexEntry)) ([]Damage, error) {
	const batch = 4096
	type item struct {
		key, val []byte
		rec      registry.Record
		entry    indexEntry
		err      error
		name     string    // of a damaged record: its key read by the worker
		id       uuid.UUID // the same
	}
	workers := runtime.GOMAXPROCS(0)
	s := w.seal[bucketRecords]
	// buf is the worker's plaintext buffer: summaries and decoded records
	// copy what they keep out of it.
	prepare := func(it *item, buf *[]byte) error {
		if len(it.key) != 16 {
			return damageError{what: fmt.Sprintf("record key %x", it.key), reason: "not a record id"}
		}
		id := uuid.UUID(it.key)
		plain, err := s.openTo((*buf)[:0], it.key, it.val)
		if err != nil {
			return damageError{what: "record " + id.String(), reason: "authentication failed: the stored bytes were changed"}
		}
		*buf = plain
		if !need.whole {
			sum, err := summarize(plain)
			if err != nil {
				return damageError{what: "record " + id.String(), reason: fmt.Sprintf("does not decode: %v", err)}
			}
			if !sum.multi {
				it.entry = newEntry(id, sum.kind, sum.value, false)
				return nil
			}
		}
		var sr storedRecord
		if err := decMode.Unmarshal(plain, &sr); err != nil {
			return damageError{what: "record " + id.String(), reason: fmt.Sprintf("does not decode: %v", err)}
		}
		it.rec = sr.record(id)
		if need.entry {
			it.entry = entryOf(it.rec)
		}
		return nil
	}
	// Batches flow through a pipeline: this goroutine reads the cursor and
	// starts workers on each batch; one consumer hands finished batches to
	// fn in order while the next batch decrypts.
	type batchWork struct {
		items []item
		done  *sync.WaitGroup
	}
	queue := make(chan batchWork, 2)
	queueOpen := true
	defer func() {
		if queueOpen { // a bbolt panic unwinding: let the consumer end
			close(queue)
		}
	}()
	consumed := make(chan error, 1)
	var damaged []Damage // written by the consumer, read after consumed
	go func() {
		var err error
		for b := range queue {
			b.done.Wait()
			if err != nil {
				continue // drain
			}
			for i := range b.items {
				it := &b.items[i]
				if it.err != nil {
					reason := damageOf(it.err)
					if reason == "" {
						err = it.err
						break
					}
					damaged = append(damaged, Damage{Bucket: bucketRecords, Key: it.name, Record: it.id, Reason: reason})
					continue
				}
				fn(it.rec, it.entry)
			}
		}
		consumed <- err
	}()
	dispatch := func(items []item) {
		done := &sync.WaitGroup{}
		for g := range workers {
			done.Add(1)
			go func() {
				defer done.Done()
				// Keys and values point into bbolt's mapping: see guard.go.
				defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
				var buf []byte
				for i := g; i < len(items); i += workers {
					func() {
						defer recoverCorrupt(&items[i].err, "load record")
						items[i].err = prepare(&items[i], &buf)
					}()
					if items[i].err != nil {
						items[i].name, items[i].id = damagedKey(items[i].key)
					}
				}
			}()
		}
		queue <- batchWork{items: items, done: done}
	}
	c := tx.Bucket(bucketRecords).Cursor()
	items := make([]item, 0, batch)
	for k, v := c.First(); k != nil; k, v = c.Next() {
		items = append(items, item{key: k, val: v})
		if len(items) == batch {
			dispatch(items)
			items = make([]item, 0, batch)
		}
	}
	dispatch(items)
	close(queue)
	queueOpen = false
	err := <-consumed
	return damaged, err
}

// recordName is a record key as people read it: the id, or hex when the
// key is not one.
func recordName(k []byte) string {
	if len(k) != 16 {
		return fmt.Sprintf("%x", k)
	}
	return uuid.UUID(k).String()
}

// damagedKey is recordName and recordID of the key of a record that did
// not load, read where a fault is a panic (the key may point outside the
// mapping of a damaged file): the consumer of scanRecords reads neither.
func damagedKey(k []byte) (name string, id uuid.UUID) {
	defer func() {
		if recover() != nil {
			name, id = "(unreadable key)", uuid.Nil
		}
	}()
	return recordName(k), recordID(k)
}

func recordID(k []byte) uuid.UUID {
	if len(k) != 16 {
		return uuid.Nil
	}
	return uuid.UUID(k)
}

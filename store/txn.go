package store

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store/kv"
)

// txState is what a write transaction will change in memory once it commits.
// Nothing in the Workspace moves until bbolt has synced, so a failed or
// rolled-back transaction leaves the in-memory state as it was.
type txState struct {
	logSeq    uint64
	deviceSeq uint64
	clockHigh uint64
	ownWall   int64 // see clock.go
	auditSeq  uint64
	auditHash []byte
	quarSeq   uint64
	commits   uint64 // the commit seq this transaction stores: see mark.go
	quarSeen  []devSeq
	records   map[uuid.UUID]*pendingRecord
	order     []uuid.UUID // records in the order they were first touched
	drafts    map[string]bool
	erased    bool // a record was erased: compact once committed (erase.go)
	written   int  // bytes put, for the size limit
	err       error
}

type pendingRecord struct {
	rec   registry.Record
	log   []uint64
	isNew bool
	dirty bool
	// merged is rec with the change mergedBy names applied, as refusal
	// merged it to check it: logChange, which comes right after, takes it
	// instead of merging the same change again.
	merged   *registry.Record
	mergedBy mergeKey
}

// mergeKey names a change: a device numbers its changes once.
type mergeKey struct {
	dev   devSeq
	stamp change.Stamp
}

func mergeKeyOf(c change.Change) mergeKey {
	return mergeKey{devSeq{c.Device, c.DeviceSeq}, c.Stamp}
}

func (w *Workspace) begin() *txState {
	return &txState{
		logSeq: w.lastLogSeq, deviceSeq: w.deviceSeq, clockHigh: w.clockHigh, ownWall: w.ownWall, auditSeq: w.auditSeq,
		auditHash: w.auditHash, quarSeq: w.quarSeq, commits: w.commits + 1,
		records: make(map[uuid.UUID]*pendingRecord), drafts: make(map[string]bool),
	}
}

func seqKey(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// put seals value under key in bucket.
func (w *Workspace) put(tx kv.Tx, st *txState, bucket string, key, plain []byte) {
	if st.err != nil {
		return
	}
	sealed := w.seal[bucket].seal(key, plain)
	st.written += len(key) + len(sealed)
	if err := tx.Bucket(bucket).Put(key, sealed); err != nil {
		st.err = fmt.Errorf("write %s: %w", bucket, err)
	}
}

// get opens the sealed value under key in bucket; nil, nil when absent.
func (w *Workspace) get(tx kv.Tx, bucket string, key []byte) ([]byte, error) {
	b := tx.Bucket(bucket)
	if b == nil {
		return nil, fmt.Errorf("bucket %s missing: %w", bucket, ErrCorrupt)
	}
	v := b.Get(key)
	if v == nil {
		return nil, nil
	}
	return w.seal[bucket].open(key, v)
}

// readRecord decrypts one record; found is false when there is none.
func (w *Workspace) readRecord(tx kv.Tx, id uuid.UUID) (rec registry.Record, log []uint64, found bool, err error) {
	key := w.recordKey(id)
	sealed := tx.Bucket(bucketRecords).Get(key)
	if sealed == nil {
		return registry.Record{}, nil, false, nil
	}
	var s storedRecord
	if err := w.openValue(bucketRecords, key, sealed, &s, "record "+id.String()); err != nil {
		return registry.Record{}, nil, false, err
	}
	return s.record(id), s.Log, true, nil
}

// pending returns the record as this transaction sees it, loading it once.
func (w *Workspace) pending(tx kv.Tx, st *txState, id uuid.UUID, kind string) (*pendingRecord, error) {
	if p, ok := st.records[id]; ok {
		return p, nil
	}
	rec, log, found, err := w.readRecord(tx, id)
	if err != nil {
		return nil, err
	}
	p := &pendingRecord{rec: rec, log: log}
	if !found {
		p.rec = registry.Record{ID: id, Kind: kind, Fields: map[string]change.Field{}}
		p.isNew = true
	}
	st.records[id] = p
	st.order = append(st.order, id)
	return p, nil
}

// logChange applies c to its pending record and appends it to the change
// log, the seen table and the audit chain.
func (w *Workspace) logChange(tx kv.Tx, st *txState, p *pendingRecord, c change.Change, action string) uint64 {
	merged := p.merged
	p.merged = nil
	c, erasing := logErasing(p, c)
	if merged != nil && p.mergedBy == mergeKeyOf(c) && !erasing && !p.rec.Erased() {
		p.rec = *merged
	} else {
		p.rec.Apply(c)
	}
	st.logSeq++
	p.log = append(p.log, st.logSeq)
	p.dirty = true
	st.clockHigh = max(st.clockHigh, c.Stamp.HLC)
	w.noteOwnWrite(st, c)
	enc := appendChange(nil, c)
	if err := storable(c); err != nil {
		w.fail(st, fmt.Errorf("%s %s: %w", readable(c.Kind), c.Record, err))
	} else if err := readBack[storedChange](enc); err != nil {
		w.fail(st, fmt.Errorf("%s %s: change: %w", readable(c.Kind), c.Record, err))
	}
	w.put(tx, st, bucketChanges, seqKey(st.logSeq), enc)
	w.put(tx, st, bucketSeen, w.seenKey(c.Device, c.DeviceSeq), seqKey(st.logSeq))
	detail := ""
	if c.Device != w.keys.device {
		detail = fmt.Sprintf("from device %s #%d", c.Device, c.DeviceSeq)
	}
	w.appendAuditAs(tx, st, c.Author, action, c.Record, c.Kind, c.FieldNames(), detail)
	if erasing {
		w.erase(tx, st, p, c)
	}
	return st.logSeq
}

// flush writes every record the transaction changed, the new head of the
// audit chain and the clock's new high-water mark.
func (w *Workspace) flush(tx kv.Tx, st *txState) {
	for _, id := range st.order {
		p := st.records[id]
		if p.dirty {
			enc := appendRecord(nil, p.rec, p.log)
			if err := readBack[storedRecord](enc); err != nil {
				w.fail(st, fmt.Errorf("%s %s: %w", readable(p.rec.Kind), id, err))
			}
			w.put(tx, st, bucketRecords, w.recordKey(id), enc)
		}
	}
	if st.auditSeq != w.auditSeq {
		w.put(tx, st, bucketState, stateAuditHead, encode(storedAuditHead{AuditSeq: st.auditSeq, Hash: st.auditHash}))
	}
	w.flushClock(tx, st)
	// Every write transaction counts, so that the rollback mark covers
	// writes that log nothing (HQ's device state, meta, drafts). Its few
	// bytes are not counted for the size limit, so a transaction that only
	// deletes is still always allowed.
	written := st.written
	w.put(tx, st, bucketState, stateCommits, encode(storedCommits{N: st.commits}))
	st.written = written
}

// fail records the transaction's first error: nothing more is put, and
// update rolls the transaction back.
func (w *Workspace) fail(st *txState, err error) {
	if st.err == nil {
		st.err = err
	}
}

func (w *Workspace) appendAudit(tx kv.Tx, st *txState, action string, rec uuid.UUID, kind string, fields []string, detail string) {
	w.appendAuditAs(tx, st, w.user, action, rec, kind, fields, detail)
}

// appendAuditAs adds a link to the audit chain: each entry holds the hash of
// the previous link. flush stores the new head (last seq and hash) in the
// state bucket, so a cut-off tail is noticed too.
func (w *Workspace) appendAuditAs(tx kv.Tx, st *txState, user, action string, rec uuid.UUID, kind string, fields []string, detail string) {
	st.auditSeq++
	e := storedAudit{
		AuditSeq: st.auditSeq, Time: w.opts.Now().UnixMilli(), User: readable(user), Action: action,
		Record: rec, Kind: readable(kind), Detail: readable(detail), Prev: st.auditHash,
	}
	for _, f := range fields { // a refused change's names are audited too: they must read back
		e.Fields = append(e.Fields, readable(f))
	}
	if e.Prev == nil {
		e.Prev = make([]byte, sha256.Size)
	}
	enc := appendAudit(nil, &e)
	st.auditHash = chainHash(e.Prev, enc)
	w.put(tx, st, bucketAudit, seqKey(e.AuditSeq), enc)
}

func chainHash(prev, entry []byte) []byte {
	h := sha256.New()
	h.Write(prev)
	h.Write(entry)
	return h.Sum(nil)
}

// checkSize refuses a transaction that would take the file past MaxSize.
// bbolt's copy-on-write can need about twice the bytes written, and the
// file can be larger than the data in it (it grows in steps). A transaction
// that only deletes is always allowed: it is how space comes back.
func (w *Workspace) checkSize(tx kv.Tx, st *txState) {
	if st.err != nil || st.written == 0 {
		return
	}
	size := max(tx.Size(), w.fileSize())
	if size+2*int64(st.written)+2*int64(tx.PageSize()) > w.opts.MaxSize {
		st.err = fmt.Errorf("database is %d bytes, limit %d: %w", size, w.opts.MaxSize, ErrTooLarge)
	}
}

// update runs fn in one fsynced write transaction and, once it committed,
// moves the in-memory state forward. The caller holds w.mu.
func (w *Workspace) update(fn func(tx kv.Tx, st *txState) error) (*txState, error) {
	st := w.begin()
	err := w.guardedUpdate(func(tx kv.Tx) error {
		if err := fn(tx, st); err != nil {
			return err
		}
		w.flush(tx, st)
		w.checkSize(tx, st)
		return st.err
	})
	if err != nil {
		return nil, err
	}
	w.commitState(st)
	w.afterCommit()
	return st, nil
}

func (w *Workspace) commitState(st *txState) {
	w.lastLogSeq, w.deviceSeq, w.clockHigh, w.ownWall = st.logSeq, st.deviceSeq, st.clockHigh, st.ownWall
	w.auditSeq, w.auditHash = st.auditSeq, st.auditHash
	w.quarSeq, w.commits = st.quarSeq, st.commits
	w.compactDue = w.compactDue || st.erased
	for _, k := range st.quarSeen {
		w.quarSeen[k] = true
	}
	for name, present := range st.drafts {
		if present {
			w.drafts[name] = true
		} else {
			delete(w.drafts, name)
		}
	}
	for _, id := range st.order {
		p := st.records[id]
		if !p.dirty {
			continue
		}
		w.idx.update(p.rec)
		for _, ix := range w.opts.Indexes {
			ix.Index(p.rec)
		}
		w.watch.tell(p.rec)
	}
}

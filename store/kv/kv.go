// Package kv is the floor under the store: a transactional, ordered
// key-value engine of named buckets. The store seals every value before it
// gets here and keeps every rule (merge, idempotency, quarantine, audit,
// rollback anchors, erasure) above it, so an engine only stores bytes in key
// order, all or nothing per transaction.
//
// Two engines: bbolt (Bolt, the embedded default: one file, nothing to
// install) and PostgreSQL (Postgres, for an HQ that outgrows one machine or
// one file: replication, standbys, backups). The store's behaviour must not
// depend on which: TestEngines runs one suite against both.
//
// One writer at a time: Update transactions are serialized by the engine
// (bbolt's lock; on PostgreSQL a session advisory lock held while the
// database is open, plus the store's own mutex), so what a transaction
// numbers is numbered in commit order.
package kv

import "errors"

// DB is an open engine.
type DB interface {
	// View runs fn in a read-only transaction that sees one consistent state.
	View(fn func(Tx) error) error
	// Update runs fn in a read-write transaction, committed (durably) when fn
	// returns nil and rolled back when it returns an error.
	Update(fn func(Tx) error) error
	// Size is the bytes the engine takes for this database, for limits and
	// for the operator.
	Size() int64
	Close() error
}

// Tx is one transaction. Values returned by Get and cursors are valid only
// until the transaction ends, and must not be modified.
type Tx interface {
	// Bucket returns the named bucket, or nil when it does not exist.
	Bucket(name string) Bucket
	// CreateBucket makes a new bucket (an error if it exists); only in Update.
	CreateBucket(name string) (Bucket, error)
	// Size is the database's size as this transaction sees it.
	Size() int64
	// PageSize is the engine's unit of allocation, for headroom estimates.
	PageSize() int
}

// Bucket is an ordered map of byte keys to byte values.
type Bucket interface {
	// Get returns the value under key, nil when absent.
	Get(key []byte) []byte
	Put(key, value []byte) error
	Delete(key []byte) error
	// ForEach calls fn for every pair in key order; an error from fn stops it.
	// fn must not write to the bucket.
	ForEach(fn func(k, v []byte) error) error
	Cursor() Cursor
	// Len counts the keys.
	Len() int
}

// Prefetcher is a Bucket of an engine where each Get is a round trip
// (PostgreSQL): Prefetch reads many keys at once, so that the Gets of them
// that follow in the same transaction cost nothing. It is only a hint.
type Prefetcher interface {
	Prefetch(keys [][]byte)
}

// Prefetch hints b's engine that keys are about to be read, when it can use
// the hint.
func Prefetch(b Bucket, keys [][]byte) {
	if p, ok := b.(Prefetcher); ok && len(keys) > 0 {
		p.Prefetch(keys)
	}
}

// Cursor moves over a bucket in key order. Each method returns the pair it
// lands on, or nil, nil past either end.
type Cursor interface {
	First() (k, v []byte)
	Last() (k, v []byte)
	Next() (k, v []byte)
	Prev() (k, v []byte)
	// Seek lands on the first key ≥ seek.
	Seek(seek []byte) (k, v []byte)
}

// Sentinels an engine's errors wrap, so the store can explain them.
var (
	ErrInUse   = errors.New("database in use by another process")
	ErrCorrupt = errors.New("database damaged")
	ErrClosed  = errors.New("database closed")
)

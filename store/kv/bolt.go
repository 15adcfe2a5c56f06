package kv

import (
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Bolt is the embedded engine: one bbolt file.
type Bolt struct {
	db *bolt.DB
}

// OpenBolt opens (creating when missing) the bbolt file at path, waiting up
// to timeout for another process's lock (ErrInUse after it).
func OpenBolt(path string, timeout time.Duration) (*Bolt, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, FreelistType: bolt.FreelistMapType})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, ErrInUse
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch):
		return nil, fmt.Errorf("open database: %v: %w", err, ErrCorrupt)
	case err != nil:
		return nil, fmt.Errorf("open database: %w", err)
	}
	return &Bolt{db: db}, nil
}

// Raw is the bbolt database, for what only bbolt has (compaction, the
// memory mapping).
func (b *Bolt) Raw() *bolt.DB { return b.db }

func (b *Bolt) View(fn func(Tx) error) error {
	return b.db.View(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

func (b *Bolt) Update(fn func(Tx) error) error {
	return b.db.Update(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

func (b *Bolt) Size() int64 {
	fi, err := os.Stat(b.db.Path())
	if err != nil {
		return 0
	}
	return fi.Size()
}

func (b *Bolt) Close() error { return b.db.Close() }

type boltTx struct{ tx *bolt.Tx }

func (t boltTx) Bucket(name string) Bucket {
	b := t.tx.Bucket([]byte(name))
	if b == nil {
		return nil
	}
	return boltBucket{b}
}

func (t boltTx) CreateBucket(name string) (Bucket, error) {
	b, err := t.tx.CreateBucket([]byte(name))
	if err != nil {
		return nil, err
	}
	return boltBucket{b}, nil
}

func (t boltTx) Size() int64   { return t.tx.Size() }
func (t boltTx) PageSize() int { return t.tx.DB().Info().PageSize }

type boltBucket struct{ b *bolt.Bucket }

func (b boltBucket) Get(key []byte) []byte { return b.b.Get(key) }

func (b boltBucket) Put(key, value []byte) error {
	// Keys mostly arrive in order (sequence numbers, UUIDv7 ids): pack pages
	// full instead of bbolt's half-full default split.
	b.b.FillPercent = 0.9
	return b.b.Put(key, value)
}

func (b boltBucket) Delete(key []byte) error                  { return b.b.Delete(key) }
func (b boltBucket) ForEach(fn func(k, v []byte) error) error { return b.b.ForEach(fn) }
func (b boltBucket) Cursor() Cursor                           { return b.b.Cursor() }
func (b boltBucket) Len() int                                 { return b.b.Stats().KeyN }

package kv_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fieldreg/internal/pgtest"
	"fieldreg/store/kv"
)

var cluster *pgtest.Cluster

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, &cluster)) }

// engine opens the same database again on each call, as a process restart
// would.
type engine struct {
	name string
	open func(t *testing.T) kv.DB
}

func engines(t *testing.T) []engine {
	dir := t.TempDir()
	bolt := engine{"bolt", func(t *testing.T) kv.DB {
		db, err := kv.OpenBolt(filepath.Join(dir, "kv.db"), time.Second)
		if err != nil {
			t.Fatal(err)
		}
		return db
	}}
	out := []engine{bolt}
	if cluster != nil {
		dsn := cluster.NewDB(t)
		out = append(out, engine{"postgres", func(t *testing.T) kv.DB {
			db, err := kv.OpenPostgres(context.Background(), dsn, time.Second)
			if err != nil {
				t.Fatal(err)
			}
			return db
		}})
	}
	return out
}

func key(n int) []byte { return binary.BigEndian.AppendUint64(nil, uint64(n)) }

// TestEngines is the engine contract: both engines must behave the same,
// since the store above them cannot tell which it has.
func TestEngines(t *testing.T) {
	for _, e := range engines(t) {
		t.Run(e.name, func(t *testing.T) { runContract(t, e) })
	}
}

func runContract(t *testing.T, e engine) {
	db := e.open(t)
	const n = 5000 // more than a page, a COPY and a buffer's worth
	err := db.Update(func(tx kv.Tx) error {
		b, err := tx.CreateBucket("things")
		if err != nil {
			return err
		}
		if _, err := tx.CreateBucket("things"); err == nil {
			t.Error("a bucket was created twice")
		}
		for i := n - 1; i >= 0; i-- { // out of order: the engine sorts
			if err := b.Put(key(i), []byte{byte(i), byte(i >> 8)}); err != nil {
				return err
			}
		}
		// The transaction reads its own writes, by Get and by cursor.
		if v := b.Get(key(7)); !bytes.Equal(v, []byte{7, 0}) {
			t.Errorf("own write: got %v", v)
		}
		if k, _ := b.Cursor().Last(); !bytes.Equal(k, key(n-1)) {
			t.Errorf("own writes by cursor: last key %v", k)
		}
		return b.Put(key(n), []byte{}) // an empty value is a value
	})
	if err != nil {
		t.Fatal(err)
	}

	// A failed transaction leaves nothing behind.
	boom := errors.New("boom")
	err = db.Update(func(tx kv.Tx) error {
		b := tx.Bucket("things")
		for i := range 300 {
			b.Put(key(i), []byte("overwritten"))
		}
		b.Delete(key(1))
		if _, err := tx.CreateBucket("other"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("update returned %v", err)
	}
	db.Close()

	db = e.open(t) // what was committed lasts
	defer db.Close()
	err = db.View(func(tx kv.Tx) error {
		if tx.Bucket("other") != nil {
			t.Error("a rolled-back bucket exists")
		}
		if tx.Bucket("missing") != nil {
			t.Error("a missing bucket was found")
		}
		b := tx.Bucket("things")
		if got := b.Len(); got != n+1 {
			t.Errorf("Len = %d, want %d", got, n+1)
		}
		if v := b.Get(key(1)); !bytes.Equal(v, []byte{1, 0}) {
			t.Errorf("rolled-back write visible: %q", v)
		}
		if v := b.Get(key(n)); v == nil || len(v) != 0 {
			t.Errorf("empty value: got %v", v)
		}
		if v := b.Get(key(n + 1)); v != nil {
			t.Errorf("absent key: got %v", v)
		}
		// Forward, in key order, across pages.
		c := b.Cursor()
		i := 0
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if !bytes.Equal(k, key(i)) || (i < n && !bytes.Equal(v, []byte{byte(i), byte(i >> 8)})) {
				t.Fatalf("forward at %d: %v=%v", i, k, v)
			}
			i++
		}
		if i != n+1 {
			t.Errorf("forward saw %d keys", i)
		}
		// Backward.
		i = n
		for k, _ := c.Last(); k != nil; k, _ = c.Prev() {
			if !bytes.Equal(k, key(i)) {
				t.Fatalf("backward at %d: %v", i, k)
			}
			i--
		}
		if i != -1 {
			t.Errorf("backward stopped at %d", i)
		}
		// Seek lands on the first key at or after.
		if k, _ := c.Seek(append(key(41), 0)); !bytes.Equal(k, key(42)) {
			t.Errorf("seek between keys: %v", k)
		}
		if k, _ := c.Seek(key(42)); !bytes.Equal(k, key(42)) {
			t.Errorf("seek on a key: %v", k)
		}
		if k, _ := c.Next(); !bytes.Equal(k, key(43)) {
			t.Errorf("next after seek: %v", k)
		}
		if k, _ := c.Seek(key(n + 5)); k != nil {
			t.Errorf("seek past the end: %v", k)
		}
		count := 0
		b.ForEach(func(k, v []byte) error { count++; return nil })
		if count != n+1 {
			t.Errorf("ForEach saw %d", count)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// Deletes, a large value, and a delete between cursor steps.
	big := bytes.Repeat([]byte("x"), 3<<20)
	err = db.Update(func(tx kv.Tx) error {
		b := tx.Bucket("things")
		c := b.Cursor()
		deleted := 0
		for k, _ := c.First(); k != nil && deleted < 10; k, _ = c.Next() {
			if err := b.Delete(k); err != nil {
				return err
			}
			deleted++
		}
		// A prefetch is only a hint: what Get returns after it is what
		// the bucket holds, written in this transaction or before.
		b.Put(key(30), []byte("mine"))
		kv.Prefetch(b, [][]byte{key(30), key(31), key(n + 7), key(5)})
		if v := b.Get(key(31)); !bytes.Equal(v, []byte{31, 0}) {
			t.Errorf("prefetched key: %v", v)
		}
		if v := b.Get(key(30)); string(v) != "mine" {
			t.Errorf("prefetched key written in the transaction: %q", v)
		}
		if v := b.Get(key(n + 7)); v != nil {
			t.Errorf("prefetched absent key: %v", v)
		}
		if v := b.Get(key(5)); v != nil {
			t.Errorf("prefetched deleted key: %v", v)
		}
		// A key read, then written, then read again after the write went
		// to the engine (Len makes it go) is what was written.
		for _, k := range [][]byte{key(20), key(21), key(n + 9)} {
			b.Get(k)
		}
		b.Put(key(20), []byte("new"))
		b.Delete(key(21))
		b.Put(key(n+9), []byte("late"))
		b.Len()
		if v := b.Get(key(20)); string(v) != "new" {
			t.Errorf("read after write: %q", v)
		}
		if v := b.Get(key(21)); v != nil {
			t.Errorf("read after delete: %q", v)
		}
		if v := b.Get(key(n + 9)); string(v) != "late" {
			t.Errorf("read of a key absent, then written: %q", v)
		}
		return b.Put([]byte("big"), big)
	})
	if err != nil {
		t.Fatal(err)
	}
	db.View(func(tx kv.Tx) error {
		b := tx.Bucket("things")
		if v := b.Get(key(20)); string(v) != "new" {
			t.Errorf("committed write: %q", v)
		}
		if k, _ := b.Cursor().First(); !bytes.Equal(k, key(10)) {
			t.Errorf("after deleting the first ten, first key is %v", k)
		}
		if v := b.Get([]byte("big")); !bytes.Equal(v, big) {
			t.Errorf("large value: %d bytes back", len(v))
		}
		return nil
	})
	if db.Size() <= 0 {
		t.Errorf("Size = %d", db.Size())
	}
}

// A second HQ cannot open a database another holds: one writer, as
// bbolt's file lock gives for a file.
func TestPostgresOneWriter(t *testing.T) {
	dsn := pgtest.Need(t, cluster).NewDB(t)
	db, err := kv.OpenPostgres(context.Background(), dsn, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kv.OpenPostgres(context.Background(), dsn, 200*time.Millisecond); !errors.Is(err, kv.ErrInUse) {
		t.Fatalf("second open: %v, want ErrInUse", err)
	}
	db.Close()
	again, err := kv.OpenPostgres(context.Background(), dsn, time.Second)
	if err != nil {
		t.Fatalf("open after the first closed: %v", err)
	}
	again.Close()
}

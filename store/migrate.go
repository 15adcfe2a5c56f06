package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldreg/store/kv"
)

// BoltBackupSuffix is added to the bbolt file's name when its workspace
// moves to PostgreSQL: the file is kept, not deleted, until the operator
// has checked the move.
const BoltBackupSuffix = ".before-postgres"

// MovedBucket is one bucket copied by MoveToPostgres, with its key count on
// both sides (equal, or the move stops).
type MovedBucket struct {
	Name string
	Keys int
}

// MoveReport says what MoveToPostgres copied and where the bbolt file went.
type MoveReport struct {
	Buckets []MovedBucket
	Backup  string // the bbolt file's new path
}

// ErrNotEmpty is returned by MoveToPostgres for a database that already
// holds buckets: a move never merges into another workspace.
var ErrNotEmpty = errors.New("the database already holds a workspace")

// MoveToPostgres moves the workspace in dir from its bbolt file to the
// empty PostgreSQL database at url. The buckets are copied as they are —
// sealed values, keys, in one PostgreSQL transaction — and need no key:
// the key file stays in dir and still opens them. Each bucket is then read
// back from both engines and compared (key count and a digest of every
// key and value); only when all match does dir switch to the database
// (DatabaseFile), and the bbolt file is renamed with BoltBackupSuffix,
// not deleted. No process may hold the workspace open meanwhile
// (ErrInUse after timeout).
func MoveToPostgres(dir, url string, timeout time.Duration) (MoveReport, error) {
	fail := func(err error) (MoveReport, error) {
		return MoveReport{}, fmt.Errorf("move workspace %q to PostgreSQL: %w", dir, err)
	}
	if !kv.IsPostgresURL(url) {
		return fail(fmt.Errorf("%q is not a postgres:// URL", url))
	}
	if cur, err := (Options{}).database(dir); err != nil {
		return fail(err)
	} else if cur != "" {
		return fail(errors.New("it is on PostgreSQL already"))
	}
	if _, err := os.Stat(dbPath(dir)); err != nil {
		return fail(fmt.Errorf("no bbolt file: %w", err))
	}
	src, err := kv.OpenBolt(dbPath(dir), timeout)
	if errors.Is(err, kv.ErrInUse) {
		return fail(ErrInUse)
	} else if err != nil {
		return fail(err)
	}
	defer src.Close()
	names, err := boltBuckets(src)
	if err != nil {
		return fail(err)
	}
	dst, err := kv.OpenPostgres(context.Background(), kv.PostgresDSN(url), timeout)
	if errors.Is(err, kv.ErrInUse) {
		return fail(ErrInUse)
	} else if err != nil {
		return fail(err)
	}
	defer dst.Close()
	if err := copyBuckets(src, dst, names); err != nil {
		return fail(err)
	}
	var rep MoveReport
	for _, name := range names {
		n, err := sameBucket(src, dst, name)
		if err != nil {
			// Leave nothing half-trusted behind: the bbolt file is still
			// the workspace, and the database goes back to empty.
			if derr := dst.Drop(); derr != nil {
				err = errors.Join(err, derr)
			}
			return fail(err)
		}
		rep.Buckets = append(rep.Buckets, MovedBucket{Name: name, Keys: n})
	}
	dst.Close()
	// The database file first: from here on Open uses the database, and a
	// crash before the rename below leaves only a stale bbolt file.
	if err := recordDatabase(dir, url); err != nil {
		return fail(err)
	}
	src.Close()
	rep.Backup = dbPath(dir) + BoltBackupSuffix
	if err := os.Rename(dbPath(dir), rep.Backup); err != nil {
		return fail(fmt.Errorf("keep the bbolt file as a backup: %w", err))
	}
	return rep, syncDir(dir)
}

// boltBuckets lists the bbolt file's buckets: all of them move, whatever
// this build calls them.
func boltBuckets(b *kv.Bolt) ([]string, error) {
	var names []string
	err := b.Raw().View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			names = append(names, string(name))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list buckets: %w", err)
	}
	return names, nil
}

func copyBuckets(src kv.DB, dst kv.DB, names []string) error {
	return src.View(func(stx kv.Tx) error {
		return dst.Update(func(dtx kv.Tx) error {
			for _, name := range names {
				if dtx.Bucket(name) != nil {
					return fmt.Errorf("bucket %s: %w", name, ErrNotEmpty)
				}
				to, err := dtx.CreateBucket(name)
				if err != nil {
					return err
				}
				err = stx.Bucket(name).ForEach(func(k, v []byte) error {
					if v == nil {
						return fmt.Errorf("bucket %s: a nested bucket under %x", name, k)
					}
					return to.Put(k, v)
				})
				if err != nil {
					return fmt.Errorf("copy bucket %s: %w", name, err)
				}
			}
			return nil
		})
	})
}

// sameBucket compares a bucket on both engines and returns its key count.
func sameBucket(a, b kv.DB, name string) (int, error) {
	na, da, err := digestBucket(a, name)
	if err != nil {
		return 0, err
	}
	nb, db, err := digestBucket(b, name)
	if err != nil {
		return 0, err
	}
	if na != nb {
		return 0, fmt.Errorf("bucket %s: %d keys in the bbolt file, %d in the database", name, na, nb)
	}
	if !bytes.Equal(da, db) {
		return 0, fmt.Errorf("bucket %s: the same %d keys, but not the same bytes", name, na)
	}
	return na, nil
}

// digestBucket counts a bucket's keys and hashes them with their values in
// key order.
func digestBucket(db kv.DB, name string) (int, []byte, error) {
	h := sha256.New()
	n := 0
	err := db.View(func(tx kv.Tx) error {
		b := tx.Bucket(name)
		if b == nil {
			return fmt.Errorf("bucket %s missing", name)
		}
		return b.ForEach(func(k, v []byte) error {
			n++
			h.Write(binary.AppendUvarint(nil, uint64(len(k))))
			h.Write(k)
			h.Write(binary.AppendUvarint(nil, uint64(len(v))))
			h.Write(v)
			return nil
		})
	})
	if err != nil {
		return 0, nil, fmt.Errorf("read back bucket %s: %w", name, err)
	}
	return n, h.Sum(nil), nil
}

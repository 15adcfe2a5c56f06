package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fieldreg/change"
	"fieldreg/store/kv"
)

// DatabaseFile, in a workspace directory, names the PostgreSQL database
// that holds the workspace's buckets. Without it the buckets are the bbolt
// file DBFile beside the key file. The key file always stays in the
// directory: the database holds only sealed values, and cannot be read
// without it.
const DatabaseFile = "database"

func databasePath(dir string) string { return filepath.Join(dir, DatabaseFile) }

// database is where dir's buckets live: Options.Database when set, else what
// dir's DatabaseFile says, else "" (the bbolt file).
func (o Options) database(dir string) (string, error) {
	if o.Database != "" {
		if !kv.IsPostgresURL(o.Database) {
			return "", fmt.Errorf("database %q: not a postgres:// URL", o.Database)
		}
		return o.Database, nil
	}
	b, err := os.ReadFile(databasePath(dir))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", DatabaseFile, err)
	}
	url := strings.TrimSpace(string(b))
	if !kv.IsPostgresURL(url) {
		return "", fmt.Errorf("%s: %q is not a postgres:// URL: %w", databasePath(dir), url, ErrCorrupt)
	}
	return url, nil
}

// DatabaseURL is the PostgreSQL database the workspace in dir keeps its
// buckets in (a postgres:// URL, or "postgres:" for the PG* environment
// variables), or "" when they are its bbolt file.
func DatabaseURL(dir string) (string, error) { return Options{}.database(dir) }

// engine opens dir's buckets.
func (o Options) engine(dir string) (kv.DB, error) {
	url, err := o.database(dir)
	if err != nil {
		return nil, err
	}
	if url == "" {
		return kv.OpenBolt(dbPath(dir), o.Timeout)
	}
	return kv.OpenPostgres(context.Background(), kv.PostgresDSN(url), o.Timeout)
}

// hasDatabase reports whether dir's buckets exist: the bbolt file, or the
// DatabaseFile naming a PostgreSQL database.
func hasDatabase(dir string) (bool, error) {
	for _, p := range []string{dbPath(dir), databasePath(dir)} {
		if _, err := os.Lstat(p); err == nil {
			return true, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return false, err
		}
	}
	return false, nil
}

// recordDatabase writes dir's DatabaseFile for a workspace created on
// PostgreSQL, so that every later Open finds it.
func recordDatabase(dir, url string) error {
	if url == "" {
		return nil
	}
	if err := os.WriteFile(databasePath(dir), []byte(url+"\n"), 0o600); err != nil {
		return fmt.Errorf("record database: %w", err)
	}
	return syncDir(dir)
}

// wipeDatabase empties the PostgreSQL database dir's DatabaseFile names.
// The key file is already noise by then, so what is left could not be read
// anyway; this gives the space back and leaves nothing to find.
func wipeDatabase(dir string) error {
	url, err := Options{}.database(dir)
	if err != nil || url == "" {
		return err
	}
	db, err := kv.OpenPostgres(context.Background(), kv.PostgresDSN(url), 0)
	if err != nil {
		return fmt.Errorf("wipe database: %w", err)
	}
	defer db.Close()
	return db.Drop()
}

// prefetchRemote tells the engine which keys applying changes will read
// first — each change's seen entry and its record — so that PostgreSQL
// answers them in one query instead of one round trip each.
func (w *Workspace) prefetchRemote(tx kv.Tx, changes []change.Change) {
	seen := make([][]byte, 0, len(changes))
	records := make([][]byte, 0, len(changes))
	for _, c := range changes {
		seen = append(seen, w.seenKey(c.Device, c.DeviceSeq))
		records = append(records, w.recordKey(c.Record))
	}
	if b := tx.Bucket(bucketSeen); b != nil {
		kv.Prefetch(b, seen)
	}
	if b := tx.Bucket(bucketRecords); b != nil {
		kv.Prefetch(b, records)
	}
}

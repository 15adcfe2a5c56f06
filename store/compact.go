package store

import (
	"fmt"
	"os"

	bolt "go.etcd.io/bbolt"

	"fieldreg/store/kv"
)

const compactSuffix = ".compact"

// Compact rewrites the database into a fresh file and renames it over the
// old one: bbolt never gives freed pages back to the file system, so after
// large deletions this is the only way to shrink it. Values are copied still
// sealed (their associated data does not change), so the new file holds no
// plaintext either.
func (w *Workspace) Compact() error {
	if err := w.lock(); err != nil {
		return err
	}
	defer w.mu.Unlock()
	return w.compactLocked()
}

// compactLocked is Compact; the caller holds w.mu.
func (w *Workspace) compactLocked() error {
	tmp := dbPath(w.dir) + compactSuffix
	os.Remove(tmp) // a leftover of an interrupted compaction
	src, ok := w.db.(*kv.Bolt)
	if !ok {
		return nil // other engines give freed space back themselves (PostgreSQL's vacuum)
	}
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: w.opts.Timeout, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	err = bolt.Compact(dst, src.Raw(), 16<<20)
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact: %w", err)
	}
	if err := w.db.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact: close old database: %w", err)
	}
	err = os.Rename(tmp, dbPath(w.dir))
	if err == nil {
		err = syncDir(w.dir)
	}
	if oerr := w.openDB(); oerr != nil {
		w.forget()
		return fmt.Errorf("compact: reopen: %w", oerr)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact: %w", err)
	}
	return nil
}

// Package safefile writes files that hold personal data (exports, bundles)
// so that no other user can read them and no reader mistakes a partial one
// for a whole one.
//
// A file is written to a temporary file in the destination's directory,
// named TempPrefix plus a random suffix, created with O_EXCL and mode 0600
// (so nothing planted at that name, not even a symlink, is followed or
// reused), synced, then moved into place. The temporary file is removed on
// every error path; callers that stop on a signal stop through fill's error
// and so remove it too.
//
// What a crash (power loss, SIGKILL) can leave: the temporary file, in
// plaintext, partly written, owner-only. Stale lists such files so that
// the next run can warn about them and remove them.
package safefile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// TempPrefix starts the name of every temporary file this package writes.
const TempPrefix = ".fieldreg-export-"

// Replace writes name through fill, replacing any file already there only
// once the new one is complete and synced.
func Replace(name string, fill func(io.Writer) error) error {
	return write(name, fill, false)
}

// Create writes a new file name through fill; it fails with fs.ErrExist if
// name exists, before or by the time the file is complete.
func Create(name string, fill func(io.Writer) error) error {
	if _, err := os.Lstat(name); err == nil {
		return fmt.Errorf("%s: %w", name, fs.ErrExist)
	}
	return write(name, fill, true)
}

func write(name string, fill func(io.Writer) error, exclusive bool) (err error) {
	dir := filepath.Dir(name)
	f, tmp, err := createTemp(dir)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := fill(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if exclusive {
		err = moveNew(tmp, name)
	} else {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// createTemp creates a new owner-only temporary file in dir.
func createTemp(dir string) (*os.File, string, error) {
	for range 10 {
		var b [12]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, "", err
		}
		tmp := filepath.Join(dir, TempPrefix+hex.EncodeToString(b[:]))
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		return f, tmp, nil
	}
	return nil, "", fmt.Errorf("create a temporary file in %s: %w", dir, fs.ErrExist)
}

// moveNew moves tmp to name unless name exists. A hard link fails where
// name exists, atomically; on file systems without links the check and the
// rename are two steps.
func moveNew(tmp, name string) error {
	err := os.Link(tmp, name)
	if err == nil {
		os.Remove(tmp)
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s: %w", name, fs.ErrExist)
	}
	if _, serr := os.Lstat(name); serr == nil {
		return fmt.Errorf("%s: %w", name, fs.ErrExist)
	}
	return os.Rename(tmp, name)
}

// syncDir makes a rename durable where the system allows it; where a
// directory cannot be synced the rename stands anyway.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	defer d.Close()
	d.Sync()
}

// StaleAge is how long a temporary file must have gone unwritten before
// Stale reports it: a younger one may belong to a write still running.
const StaleAge = time.Hour

// Stale lists the temporary files in dir that a crashed write left: named
// by this package, regular, and not modified for StaleAge before now.
func Stale(dir string, now time.Time) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), TempPrefix) || !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil || now.Sub(fi.ModTime()) < StaleAge {
			continue
		}
		out = append(out, filepath.Join(dir, e.Name()))
	}
	return out, nil
}

// RemoveStale removes what Stale lists and returns the files it removed.
func RemoveStale(dir string, now time.Time) ([]string, error) {
	stale, err := Stale(dir, now)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, p := range stale {
		if err := os.Remove(p); err != nil {
			return removed, err
		}
		removed = append(removed, p)
	}
	return removed, nil
}

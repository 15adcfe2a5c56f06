//go:build linux

package store

import (
	"os"

	"golang.org/x/sys/unix"

	"fieldreg/store/kv"
)

// releaseMapped tells the kernel this process no longer needs the pages of
// the database file that unlock read through bbolt's read-only mapping. They
// stay in the page cache, so reading a record again costs no disk read, but
// they stop counting in the process's resident memory: on a tablet the
// system then sees the app's real size, not the whole file it decrypted once.
// Advice, not a requirement: a failure changes nothing but memory figures.
func releaseMapped(engine kv.DB) {
	b, ok := engine.(*kv.Bolt)
	if !ok {
		return
	}
	db := b.Raw()
	fi, err := os.Stat(db.Path())
	if err != nil || fi.Size() == 0 {
		return
	}
	// bbolt maps at least the file's size from Data, which mmap aligned to a
	// page. The raw syscall keeps the mapping's address a plain integer.
	unix.Syscall(unix.SYS_MADVISE, db.Info().Data, uintptr(fi.Size()), unix.MADV_DONTNEED)
}

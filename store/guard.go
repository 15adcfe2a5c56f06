package store

import (
	"fmt"
	"runtime/debug"

	"fieldreg/store/kv"
)

// bbolt trusts the pages it maps: a damaged file can make it panic, or read
// outside the mapping, which would kill the process. Every transaction runs
// with panic-on-fault set (runtime/debug.SetPanicOnFault exists for
// memory-mapped files) and a recover, so damage becomes ErrCorrupt.

// recoverCorrupt turns a panic inside bbolt into ErrCorrupt. Deferred.
func recoverCorrupt(err *error, what string) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: database damaged (%v): %w", what, r, ErrCorrupt)
	}
}

func (w *Workspace) view(fn func(tx kv.Tx) error) (err error) {
	defer recoverCorrupt(&err, "read")
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	return w.db.View(fn)
}

func (w *Workspace) guardedUpdate(fn func(tx kv.Tx) error) (err error) {
	defer recoverCorrupt(&err, "write")
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	return w.db.Update(fn)
}

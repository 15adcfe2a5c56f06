package store_test

import (
	"errors"
	"testing"
	"time"

	"fieldreg/store"
	"fieldreg/store/storetest"
)

// The bbolt workspace keeps both store contracts.
var _ storetest.Device = (*store.Workspace)(nil)

// A device workspace keeps the device contract, which includes HQ's.
func TestContract(t *testing.T) { storetest.RunDevice(t, bboltOpener()) }

var contractPass = []byte("correct horse battery staple")

func contractOptions(cfg storetest.Config) store.Options {
	return store.Options{
		KDF:     store.InsecureTestKDF(store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}),
		Timeout: 200 * time.Millisecond,
		Now:     cfg.Now, Validate: cfg.Validate, Indexes: cfg.Indexes, MaxSize: cfg.MaxSize, MaxAhead: cfg.MaxAhead,
	}
}

// bboltOpener opens workspaces in temp dirs; each is verified (audit chain,
// log and records agree) and closed when the test ends.
func bboltOpener() storetest.Opener[*store.Workspace] {
	track := func(t *testing.T, w *store.Workspace) *store.Workspace {
		t.Cleanup(func() {
			if rep, err := w.Verify(); err != nil && !errors.Is(err, store.ErrLocked) {
				t.Errorf("verify on cleanup: %v (%v)", err, rep.Problems)
			}
			w.Close()
		})
		return w
	}
	return storetest.Opener[*store.Workspace]{
		New: func(t *testing.T, cfg storetest.Config) *store.Workspace {
			w, err := store.Create(t.TempDir(), "admin", contractPass, contractOptions(cfg))
			if err != nil {
				t.Fatal(err)
			}
			return track(t, w)
		},
		Reopen: func(t *testing.T, w *store.Workspace, cfg storetest.Config) *store.Workspace {
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			w, err := store.Open(w.Dir(), "admin", contractPass, contractOptions(cfg))
			if err != nil {
				t.Fatal(err)
			}
			return track(t, w)
		},
	}
}

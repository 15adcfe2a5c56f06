// Package storetest is the store contract and its conformance suite: what
// any implementation of a Fieldreg store must do, checked the same way for
// each, as restic's backend test suite does for its backends. The encrypted
// bbolt workspace (package store) runs it in its own tests; a PostgreSQL
// store for HQ runs the same suite.
//
// # Two contracts
//
//   - Store: what HQ keeps — the change log of every device's changes, each
//     numbered by a log seq as it is stored; the merged records; the
//     quarantine of refused changes; named meta entries (HQ's devices,
//     enrollments and acknowledgements) written with a batch of changes.
//   - Device: a Store that also makes changes of its own (Commit, Delete),
//     numbered by a device seq, as a device's workspace does for sync.
//
// # Where the contract lives
//
// The packages that use a store declare what they use: hq.Store and
// client.Workspace. The suite cannot use those: store/ must not import hq
// or sync (the layers point down, and store's own tests run the suite), so
// the contract is written here as Store and Device, with the types it
// exchanges (store.Result, store.Logged, store.QuarantineEntry,
// store.Edit) and the sentinels (store.ErrNotFound, store.ErrTooLarge)
// kept in package store, which every implementation imports. hq's and
// sync/client's tests check, at compile time, that Store satisfies
// hq.Store and Device satisfies client.Workspace, so whatever passes the
// suite is usable by them.
//
// # Using it
//
//	func TestContract(t *testing.T) {
//		o := storetest.Opener[*mystore.Store]{New: ..., Reopen: ...}
//		storetest.RunHQ(t, o)
//		storetest.RunDevice(t, o) // only for a store devices use
//	}
//
// The suite knows nothing of files, transactions or SQL: it opens stores
// through the Opener, writes and reads through the contract, and reopens to
// check what lasts.
package storetest

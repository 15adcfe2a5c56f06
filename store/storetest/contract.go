package storetest

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store"
)

// Store is the contract of HQ's store: every method hq.Store has.
type Store interface {
	// ApplyRemote merges changes made elsewhere, field by field, and
	// reports one store.Result per change, in order:
	//   - store.Applied: merged and appended to the change log with the next
	//     log seq (Result.LogSeq);
	//   - store.Duplicate: a change with this (Device, DeviceSeq) was stored
	//     before, whatever this one holds; nothing changes and LogSeq is the
	//     first one's;
	//   - store.Quarantined: refused (invalid shape, clock more than
	//     Config.MaxAhead — by default a day — ahead of Config.Now, a kind other than its record's, or a merged
	//     record Config.Validate refuses), kept in the quarantine with the
	//     reason, never in the log or the records, never fatal to the rest
	//     of the batch; refused again without a second entry — unless,
	//     held alone (not in a unit) and unchanged, it passes now (a clock
	//     caught up with its stamp): then it is applied, and its entry
	//     leaves Quarantined, marked released.
	// meta is written in the same transaction: after an error, nothing of
	// the call is stored.
	ApplyRemote(changes []change.Change, meta map[string][]byte) ([]store.Result, error)
	// ApplyRemoteUnits is ApplyRemote where units[i] names the unit of
	// changes[i] (0: none): when a new change of a unit is quarantined,
	// every new change of that unit in the call is quarantined with it
	// (none applied), each entry's Unit naming the unit's first entry.
	// Duplicates and resends of held changes are earlier verdicts and split
	// nothing.
	ApplyRemoteUnits(changes []change.Change, units []uint64, meta map[string][]byte) ([]store.Result, error)
	// ReleaseQuarantined checks the held changes of entry seq's unit again
	// and applies them all (logged as if just received) or, when one is
	// still refused, none, with an error wrapping store.ErrStillRefused.
	// DropQuarantined discards them. Either way the entries leave
	// Quarantined, a resend of them is still refused without a new entry,
	// the act is in the audit log, and meta is written in the same
	// transaction. An entry not held is an error wrapping store.ErrNotFound.
	ReleaseQuarantined(seq uint64, meta map[string][]byte) ([]store.QuarantineEntry, []store.Result, error)
	DropQuarantined(seq uint64, meta map[string][]byte) ([]store.QuarantineEntry, error)
	// ChangesAfter returns up to limit (≤ 0: all) changes of the log after
	// log seq logSeq, in log order. Log seqs are 1, 2, 3… in the order
	// changes were stored, so paging by the last one read never skips or
	// repeats a change.
	ChangesAfter(logSeq uint64, limit int) ([]store.Logged, error)
	// PutForms stores form versions after those held, numbering them on
	// (FormDoc.Seq); one held under the same ref and kind with the same
	// JSON is skipped, with other JSON refuses the call (store.ErrFormChanged,
	// nothing stored). FormDocs returns them all in that order.
	PutForms(docs []store.FormDoc) error
	FormDocs() ([]store.FormDoc, error)
	// LastLogSeq is the log seq of the last change stored, 0 when none.
	LastLogSeq() uint64
	// Quarantined lists the refused changes still held, as received,
	// oldest first.
	Quarantined() ([]store.QuarantineEntry, error)
	// Meta returns what PutMeta or ApplyRemote last wrote under name, or an
	// error wrapping store.ErrNotFound.
	Meta(name string) ([]byte, error)
	PutMeta(name string, value []byte) error
	// Get returns a record, deleted or not, or an error wrapping
	// store.ErrNotFound.
	Get(id uuid.UUID) (registry.Record, error)
	// IDs lists the live (not deleted) records of a kind, sorted by id.
	IDs(kind string) []uuid.UUID
	// Count is len(IDs(kind)).
	Count(kind string) int
	// Members and Assessments list the live persons and assessments whose
	// household_id is household, sorted by id.
	Members(household uuid.UUID) []uuid.UUID
	Assessments(household uuid.UUID) []uuid.UUID
	// Conflicted lists the live records with a field in conflict (more than
	// one head with different values), sorted by id.
	Conflicted() []uuid.UUID
	// AuditEvent records an event that is not a change.
	AuditEvent(action, detail string) error
	// Audit calls fn with each audit entry, oldest first.
	Audit(fn func(store.AuditEntry) error) error
	// FileSize is roughly the bytes the store takes.
	FileSize() int64
	// Close releases the store; closing twice is no error.
	Close() error
}

// Device is the contract of a device's store: a Store that makes changes of
// its own. It has every method client.Workspace has.
type Device interface {
	Store
	// Device is the store's device id, the Device of every change it makes.
	Device() uuid.UUID
	// User is who makes the changes (their Author).
	User() string
	// Clock stamps the store's changes.
	Clock() *change.Clock
	// DeviceSeq is the device seq of the last change the store made (0:
	// none). Each change it makes takes the next one.
	DeviceSeq() uint64
	// Commit turns edits into changes, one per edit that changes a value
	// (Base: the field's current stamp), and stores them all or, when
	// Config.Validate refuses a resulting record, none.
	Commit(edits ...store.Edit) ([]change.Change, error)
	// Delete marks a record deleted (change.DeletedField) by a change.
	Delete(id uuid.UUID) (change.Change, error)
	// OwnChangesAfter returns up to limit (≤ 0: all) of the store's own
	// changes after device seq deviceSeq, in device seq order.
	OwnChangesAfter(deviceSeq uint64, limit int) ([]change.Change, error)
	// SetAside lists own changes that could not be read back; the queue
	// sends a placeholder for each (store.IsSetAside).
	SetAside() ([]store.SetAsideEntry, error)
	// Wipe erases the store for good (a supervisor's or admin's act).
	Wipe() (time.Duration, error)
	// WipeOrdered erases the store for good on HQ's order, whoever is unlocked.
	WipeOrdered() (time.Duration, error)
	// Evict removes households that left the device's sites, with their
	// members and assessments (deleted ones too): records, the other
	// devices' changes to them (so they can be received again, whole) and
	// what indexes know of them; Indexes see them as deleted. The store's
	// own changes stay in its log (what it pushes). Unknown households are
	// no error. It returns the records removed.
	Evict(households []uuid.UUID) (int, error)
	// ReceiveForms is PutForms for forms from HQ (a sync, a return bundle),
	// whoever is unlocked, with meta written in the same transaction.
	ReceiveForms(docs []store.FormDoc, meta map[string][]byte) error
}

// Config is what the suite asks of a store it opens. An implementation maps
// it onto its own options.
type Config struct {
	// Now is the wall clock for stamps and the skew check.
	Now func() time.Time
	// Validate checks every record a change produces; nil checks nothing.
	Validate func(registry.Record) error
	// Indexes are fed every record when the store opens and the new state
	// of every record a write changes (store.Indexer).
	Indexes []store.Indexer
	// MaxSize bounds the bytes the store may take: a write past it fails
	// with store.ErrTooLarge. Zero: the implementation's default.
	MaxSize int64
	// MaxAhead bounds how far ahead of Now a received stamp may be; zero:
	// a day (change.MaxSkew).
	MaxAhead time.Duration
}

// Opener opens stores of one implementation for the suite.
type Opener[S Store] struct {
	// New creates an empty store and returns it open, with a user allowed to
	// do everything. The store is closed (and may be checked) when the test
	// ends.
	New func(t *testing.T, cfg Config) S
	// Reopen closes s and opens the same store again with cfg.
	Reopen func(t *testing.T, s S, cfg Config) S
}

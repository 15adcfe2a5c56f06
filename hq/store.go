package hq

import (
	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store"
)

// Store is what HQ needs of its store. The encrypted bbolt workspace
// (*store.Workspace) is one; a PostgreSQL store would be another.
// storetest.Store is the same contract with a conformance suite, and HQ's
// tests check that anything passing the suite is a Store.
//
// HQ writes only through ApplyRemote, from its single ingest goroutine, and
// keeps its own state (CA, server certificate, devices and their
// enrollment, each device's acknowledged device seq and last cursor) as meta
// entries: those given to ApplyRemote commit with its changes, so an
// acknowledgement is never ahead of the changes it covers.
type Store interface {
	Records
	// ApplyRemote merges changes (idempotent on device id and device seq;
	// a refused change is quarantined, never fatal to the batch), numbers
	// those it stores in its change log, and writes meta in the same
	// transaction.
	ApplyRemote(changes []change.Change, meta map[string][]byte) ([]store.Result, error)
	// ApplyRemoteUnits is ApplyRemote where the new changes of one unit
	// (units[i] ≠ 0: one household and its members, from one push) are
	// applied all together or quarantined all together. HQ ingests with it.
	ApplyRemoteUnits(changes []change.Change, units []uint64, meta map[string][]byte) ([]store.Result, error)
	// ReleaseQuarantined validates the held changes of a quarantine entry's
	// unit again and applies them all, or none (store.ErrStillRefused);
	// DropQuarantined discards them. Both audit the act, write meta in the
	// same transaction, and wrap store.ErrNotFound for an entry not held.
	ReleaseQuarantined(seq uint64, meta map[string][]byte) ([]store.QuarantineEntry, []store.Result, error)
	DropQuarantined(seq uint64, meta map[string][]byte) ([]store.QuarantineEntry, error)
	// ChangesAfter returns up to limit changes of the log after log seq
	// logSeq, in log order: what devices pull, by cursor.
	ChangesAfter(logSeq uint64, limit int) ([]store.Logged, error)
	// LastLogSeq is the log seq of the last change stored (0: none).
	LastLogSeq() uint64
	// Quarantined lists the refused changes still held, with the reasons.
	Quarantined() ([]store.QuarantineEntry, error)
	// Meta returns an error wrapping store.ErrNotFound for a name never put.
	Meta(name string) ([]byte, error)
	PutMeta(name string, value []byte) error
	// Count counts the live records of a kind.
	Count(kind string) int
	// Conflicted lists the records with open conflicts.
	Conflicted() []uuid.UUID
	// AuditEvent records an event that is not a change (an export, a pull).
	AuditEvent(action, detail string) error
	// Audit calls fn with each audit entry, oldest first (what a device
	// pulled, for fieldreg-hq pulled).
	Audit(fn func(store.AuditEntry) error) error
	// PutForms stores published form versions after those held (numbering
	// them on: FormDoc.Seq); FormDocs returns them in that order.
	PutForms(docs []store.FormDoc) error
	FormDocs() ([]store.FormDoc, error)
	// FileSize is the bytes the store takes, for the operator.
	FileSize() int64
	Close() error
}

// Records is what an export reads: households with their members and
// assessments. Devices' workspaces are Records too.
type Records interface {
	// IDs lists the live records of a kind.
	IDs(kind string) []uuid.UUID
	// Get returns a record, deleted or not, or an error wrapping
	// store.ErrNotFound.
	Get(id uuid.UUID) (registry.Record, error)
	// Members and Assessments list a household's live persons and assessments.
	Members(household uuid.UUID) []uuid.UUID
	Assessments(household uuid.UUID) []uuid.UUID
}

package store

import "errors"

// Errors callers branch on, grouped by when they happen. Every error the store
// returns wraps at most one of these, so errors.Is works through the context.
var (
	// Opening and unlocking.

	// ErrWrongPassphrase means the user has no key slot or the passphrase
	// does not unwrap it. Which of the two is deliberately not said.
	ErrWrongPassphrase = errors.New("wrong user name or passphrase")
	// ErrInUse means another process holds the workspace open.
	ErrInUse = errors.New("workspace in use by another process")
	// ErrExists is returned by Create for a directory that already holds a workspace.
	ErrExists = errors.New("a workspace already exists here")
	// ErrNoWorkspace is returned by Open for a directory without a workspace.
	ErrNoWorkspace = errors.New("no workspace here")
	// ErrWeakPassphrase is returned by Create, AddUser and SetPassphrase for
	// a passphrase CheckPassphrase refuses.
	ErrWeakPassphrase = errors.New("passphrase too short")
	// ErrRolledBack means the database is older than the key file's
	// rollback mark (mark.go): an older copy of it, or older pages of it
	// found in its free pages, were put back. Open refuses it and Verify
	// reports it. Restoring both files of a backup together is not a
	// rollback the workspace can see (sync's audit anchor is).
	ErrRolledBack = errors.New("workspace database is older than its key file: rolled back")

	// Using an open workspace.

	// ErrLocked means the workspace was closed or wiped.
	ErrLocked = errors.New("workspace is locked")
	// ErrForbidden means the user's role does not allow the operation.
	ErrForbidden = errors.New("not allowed for this role")
	// ErrWeakKDF: a new key slot's Argon2id parameters are below MinKDF.
	ErrWeakKDF = errors.New("key derivation too cheap")
	// ErrNotFound means there is no such record, draft, meta entry or user.
	ErrNotFound = errors.New("not found")
	// ErrTooLarge means a write would take the database file past Options.MaxSize.
	ErrTooLarge = errors.New("workspace would exceed its size limit")
	// ErrRecordTooLarge means a change, or the record it would leave, is
	// over its byte cap (MaxChangeBytes, MaxRecordBytes): refused, nothing
	// written. The wrapping error names the record.
	ErrRecordTooLarge = errors.New("record too large")
	// ErrStillRefused means a quarantined change asked to be released is
	// still refused: its cause is not fixed. The wrapping error says why.
	ErrStillRefused = errors.New("still refused")

	// Reading stored data.

	// ErrCorrupt means a sealed value failed authentication or did not decode:
	// the file was damaged or tampered with. The wrapping error names the
	// bucket and key.
	ErrCorrupt = errors.New("workspace data is corrupt")
)

package store

import (
	"errors"
	"time"

	"github.com/google/uuid"

	"fieldreg/registry"
	"fieldreg/sync/change"
)

var errNotImplemented = errors.New("store: not implemented yet")

// Workspace is an unlocked workspace.
type Workspace struct{}

func Create(dir, admin string, passphrase []byte, opts Options) (*Workspace, error) {
	return nil, errNotImplemented
}
func Open(dir, user string, passphrase []byte, opts Options) (*Workspace, error) {
	return nil, errNotImplemented
}
func Exists(dir string) bool                      { return false }
func Wipe(dir string) (time.Duration, error)      { return 0, errNotImplemented }
func (w *Workspace) Close() error                 { return errNotImplemented }
func (w *Workspace) Wipe() (time.Duration, error) { return 0, errNotImplemented }
func (w *Workspace) Dir() string                  { return "" }
func (w *Workspace) User() string                 { return "" }
func (w *Workspace) Role() Role                   { return "" }
func (w *Workspace) Device() uuid.UUID            { return uuid.Nil }
func (w *Workspace) Clock() *change.Clock         { return nil }
func (w *Workspace) Users() []User                { return nil }
func (w *Workspace) AddUser(name string, role Role, passphrase []byte) error {
	return errNotImplemented
}
func (w *Workspace) SetPassphrase(name string, passphrase []byte) error { return errNotImplemented }
func (w *Workspace) RemoveUser(name string) error                       { return errNotImplemented }
func (w *Workspace) Commit(edits ...Edit) ([]change.Change, error)      { return nil, errNotImplemented }
func (w *Workspace) Delete(id uuid.UUID) (change.Change, error) {
	return change.Change{}, errNotImplemented
}
func (w *Workspace) ApplyRemote(changes []change.Change, meta map[string][]byte) ([]Result, error) {
	return nil, errNotImplemented
}
func (w *Workspace) ChangesAfter(logSeq uint64, limit int) ([]Logged, error) {
	return nil, errNotImplemented
}
func (w *Workspace) LastLogSeq() uint64 { return 0 }
func (w *Workspace) OwnChangesAfter(deviceSeq uint64, limit int) ([]change.Change, error) {
	return nil, errNotImplemented
}
func (w *Workspace) DeviceSeq() uint64                       { return 0 }
func (w *Workspace) Quarantined() ([]QuarantineEntry, error) { return nil, errNotImplemented }
func (w *Workspace) Get(id uuid.UUID) (registry.Record, error) {
	return registry.Record{}, errNotImplemented
}
func (w *Workspace) Kind(id uuid.UUID) (string, bool)                       { return "", false }
func (w *Workspace) IDs(kind string) []uuid.UUID                            { return nil }
func (w *Workspace) Each(kind string, fn func(registry.Record) error) error { return errNotImplemented }
func (w *Workspace) Members(household uuid.UUID) []uuid.UUID                { return nil }
func (w *Workspace) Assessments(household uuid.UUID) []uuid.UUID            { return nil }
func (w *Workspace) Count(kind string) int                                  { return 0 }
func (w *Workspace) Search(query string, limit int) []Hit                   { return nil }
func (w *Workspace) History(id uuid.UUID) ([]change.Change, error)          { return nil, errNotImplemented }
func (w *Workspace) Conflicted() []uuid.UUID                                { return nil }
func (w *Workspace) AuditEvent(action string, detail string) error          { return errNotImplemented }
func (w *Workspace) Audit(fn func(AuditEntry) error) error                  { return errNotImplemented }
func (w *Workspace) Verify() (VerifyReport, error)                          { return VerifyReport{}, errNotImplemented }
func (w *Workspace) PutMeta(name string, value []byte) error                { return errNotImplemented }
func (w *Workspace) Meta(name string) ([]byte, error)                       { return nil, errNotImplemented }
func (w *Workspace) SaveDraft(name string, data []byte) error               { return errNotImplemented }
func (w *Workspace) Draft(name string) ([]byte, error)                      { return nil, errNotImplemented }
func (w *Workspace) DeleteDraft(name string) error                          { return errNotImplemented }
func (w *Workspace) Drafts() []string                                       { return nil }
func (w *Workspace) Compact() error                                         { return errNotImplemented }
func (w *Workspace) FileSize() int64                                        { return 0 }

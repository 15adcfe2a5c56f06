package app

import (
	"context"
	"io"
	"time"

	"fieldreg/store"
)

// defaultSyncService is the sync engine the app uses when its caller gives none.
func defaultSyncService() SyncService { return noSync{} }

// noSync stands in until the sync engine is linked: nothing is sent, every
// change of this device counts as waiting.
type noSync struct{}

func (noSync) Sync(context.Context, *store.Workspace, func(SyncProgress)) (SyncProgress, error) {
	return SyncProgress{Phase: PhaseFailed, Err: errSyncUnavailable}, errSyncUnavailable
}
func (noSync) Enroll(context.Context, *store.Workspace, string) (Enrollment, error) {
	return Enrollment{}, errSyncUnavailable
}
func (noSync) Enrolled(*store.Workspace) (Enrollment, bool, error) { return Enrollment{}, false, nil }
func (noSync) Pending(ws *store.Workspace) (int, error)            { return int(ws.DeviceSeq()), nil }
func (noSync) LastSync(*store.Workspace) (time.Time, bool)         { return time.Time{}, false }
func (noSync) Explain(err error, lang string) string               { return err.Error() }
func (noSync) ExportBundle(*store.Workspace, io.Writer) (int, error) {
	return 0, errSyncUnavailable
}
func (noSync) ImportBundle(*store.Workspace, io.Reader) (int, error) {
	return 0, errSyncUnavailable
}

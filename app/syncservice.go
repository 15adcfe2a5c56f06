package app

import (
	"context"

	"io"
	"time"

	"fieldreg/store"
)

// SyncService is what the app needs from the sync engine. It is declared here,
// by its user, so screens can be tested against a fake; syncclient.go adapts
// sync/client to it.
type SyncService interface {
	// Sync sends and receives changes until done or ctx ends, reporting
	// progress through progress (called from the syncing goroutine).
	Sync(ctx context.Context, ws *store.Workspace, progress func(SyncProgress)) (SyncProgress, error)
	Enroll(ctx context.Context, ws *store.Workspace, code string) (Enrollment, error)
	Enrolled(ws *store.Workspace) (Enrollment, bool, error)
	Pending(ws *store.Workspace) (int, error)
	LastSync(ws *store.Workspace) (time.Time, bool)
	// Overdue reports whether an enrolled device has gone longer than limit
	// without a successful sync; the app then allows only syncing.
	Overdue(ws *store.Workspace, now time.Time, limit time.Duration) (bool, error)
	// ExplainKey names the catalogue text (assets/i18n) that says in plain
	// words what went wrong with a sync and what to do.
	ExplainKey(err error) string
	ExportBundle(ws *store.Workspace, out io.Writer) (int, error)
	ImportBundle(ws *store.Workspace, in io.Reader) (int, error)
}

// SyncPhase is where a sync is.
type SyncPhase int

// The phases the sync screen shows.
const (
	PhaseIdle SyncPhase = iota
	PhaseConnecting
	PhaseSending
	PhaseReceiving
	PhaseDone
	PhaseFailed
	PhaseWaiting // for a connection, or backing off before a retry
)

func (p SyncPhase) key() string {
	return [...]string{"sync.idle", "sync.connecting", "sync.sending", "sync.receiving", "sync.done", "sync.failed", "sync.waiting"}[p]
}

// SyncProgress is a snapshot of a running sync.
type SyncProgress struct {
	Phase                    SyncPhase
	Sent, ToSend, Received   int
	BytesSent, BytesReceived int64
	Conflicts                int
	Attempt                  int
	Err                      error
	// Notices are lines about this device's changes HQ held, released or
	// dropped: catalogue keys, each with its count.
	Notices []Notice
}

// Notice is one line of a sync's outcome: a catalogue key and its count.
type Notice struct {
	Key   string
	Count int
}

// Enrollment is this device's registration with HQ.
type Enrollment struct {
	HQAddr   string
	Device   string
	Team     string
	Sites    []string
	Enrolled time.Time
}

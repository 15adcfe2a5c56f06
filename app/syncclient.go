package app

import (
	"context"
	"io"
	"sync"
	"time"

	"fieldreg/store"
	"fieldreg/sync/client"
)

// defaultSyncService is the sync engine the app uses when its caller gives none.
func defaultSyncService(now func() time.Time) SyncService { return &clientSync{now: now} }

// clientSync adapts sync/client to the app's SyncService.
type clientSync struct {
	now func() time.Time
	// Tests run HQ in process: these replace HTTPS when set.
	transport       func(ws *store.Workspace) client.Transport
	enrollTransport client.Transport
}

func (c *clientSync) Sync(ctx context.Context, ws *store.Workspace, progress func(SyncProgress)) (SyncProgress, error) {
	cfg := client.Config{Workspace: ws, Now: c.now}
	if c.transport != nil {
		cfg.Transport = c.transport(ws)
	}
	cl, err := client.New(cfg)
	if err != nil {
		return SyncProgress{Phase: PhaseFailed, Err: err}, err
	}
	status := make(chan client.Status, 8)
	var (
		wg   sync.WaitGroup
		last client.Status
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for st := range status {
			last = st
			progress(fromClientStatus(st))
		}
	}()
	sum, err := cl.Sync(ctx, status)
	close(status)
	wg.Wait()
	final := SyncProgress{
		Phase: PhaseDone, Sent: sum.Sent, ToSend: max(last.ToSend, sum.Sent), Received: sum.Received,
		BytesSent: sum.BytesSent, BytesReceived: sum.BytesReceived, Conflicts: sum.Conflicts, Attempt: last.Attempt, Err: err,
	}
	for _, n := range client.HeldNotices(sum) {
		final.Notices = append(final.Notices, Notice(n))
	}
	if err != nil {
		final.Phase = PhaseFailed
	}
	return final, err
}

func fromClientStatus(st client.Status) SyncProgress {
	phase := PhaseIdle
	switch st.Phase {
	case client.Connecting:
		phase = PhaseConnecting
	case client.Sending:
		phase = PhaseSending
	case client.Receiving:
		phase = PhaseReceiving
	case client.Done:
		phase = PhaseDone
	case client.Failed:
		phase = PhaseFailed
	case client.Waiting:
		phase = PhaseWaiting
	}
	return SyncProgress{Phase: phase, Sent: st.Sent, ToSend: st.ToSend, Received: st.Received,
		BytesSent: st.BytesSent, BytesReceived: st.BytesReceived, Conflicts: st.Conflicts, Attempt: st.Attempt, Err: st.Err}
}

func (c *clientSync) Enroll(ctx context.Context, ws *store.Workspace, code string) (Enrollment, error) {
	var (
		e   client.Enrollment
		err error
	)
	if c.enrollTransport != nil {
		e, err = client.EnrollVia(ctx, ws, code, c.enrollTransport)
	} else {
		e, err = client.Enroll(ctx, ws, code)
	}
	return fromClientEnrollment(e), err
}

func (c *clientSync) Enrolled(ws *store.Workspace) (Enrollment, bool, error) {
	e, ok, err := client.Enrolled(ws)
	return fromClientEnrollment(e), ok, err
}

func fromClientEnrollment(e client.Enrollment) Enrollment {
	return Enrollment{HQAddr: e.HQAddr, Device: e.Device.String(), Team: e.Team, Sites: e.Sites, Enrolled: e.Enrolled}
}

func (c *clientSync) Pending(ws *store.Workspace) (int, error)       { return client.Pending(ws) }
func (c *clientSync) LastSync(ws *store.Workspace) (time.Time, bool) { return client.LastSync(ws) }
func (c *clientSync) Overdue(ws *store.Workspace, now time.Time, limit time.Duration) (bool, error) {
	return client.Overdue(ws, now, limit)
}
func (c *clientSync) ExplainKey(err error) string { return client.ExplainKey(err) }
func (c *clientSync) ExportBundle(ws *store.Workspace, out io.Writer) (int, error) {
	return client.ExportBundle(ws, out)
}
func (c *clientSync) ImportBundle(ws *store.Workspace, in io.Reader) (int, error) {
	return client.ImportBundle(ws, in)
}

package client

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/store"
	"fieldreg/sync/wire"
)

// Config says which workspace to sync and how.
type Config struct {
	Workspace Workspace
	Transport Transport        // nil → HTTPS mutual TLS from the enrollment stored in the workspace
	Now       func() time.Time // nil → time.Now
	// Backoff is how long to wait before retry number attempt (1, 2, …)
	// counted since HQ last answered: a link that moves batches again starts
	// over at 1, so a long transfer cut every few minutes waits a moment
	// per cut, not a minute. nil → under 250 ms for the first, then
	// exponential from 1 s to 1 min, with jitter. Tests pass a short one.
	Backoff func(attempt int) time.Duration
	// StallTimeout: a request that passes no byte either way for this long
	// is given up as cut and retried; zero → DefaultStallTimeout. Only the
	// HTTPS transport watches (a Transport of the caller's own is its own
	// business).
	StallTimeout time.Duration
	// Batch bounds, in bytes, of one push and one pull; zero → defaults.
	MinBatch, StartBatch, MaxBatch int
}

// Phase is where a sync is.
type Phase int

// The phases of a sync, in the order a round goes through them.
const (
	Idle Phase = iota
	Connecting
	Sending
	Receiving
	Done
	Failed
	Waiting // for the link to come back, or a backoff to end
)

func (p Phase) String() string {
	switch p {
	case Idle:
		return "idle"
	case Connecting:
		return "connecting"
	case Sending:
		return "sending"
	case Receiving:
		return "receiving"
	case Done:
		return "done"
	case Failed:
		return "failed"
	case Waiting:
		return "waiting"
	}
	return "unknown"
}

// Status is a sync's progress, reported through Sync's channel.
type Status struct {
	Phase                    Phase
	Sent, ToSend             int // changes sent so far / waiting to be sent at start
	Received                 int
	BytesSent, BytesReceived int64
	Conflicts                int
	Attempt                  int           // retries so far
	Err                      error         // last error, for the plain-language message (ExplainKey), also while Waiting
	RetryIn                  time.Duration // while Waiting: how long until the next attempt
}

// Summary is what a finished (or abandoned) sync did.
type Summary struct {
	Sent, Received, Conflicts, Quarantined int
	// Of the Quarantined (held at HQ), those held because their stamps are
	// ahead of HQ's clock; and what HQ said this sync of changes it held
	// before: Released (now stored at HQ) and Dropped (never will be).
	ClockAhead, Released, Dropped int
	// Refused are changes HQ refused outright this sync: they write records
	// outside this device's sites, and HQ will never store them.
	Refused                  int
	BytesSent, BytesReceived int64
	Duration                 time.Duration
	// SetAside lists this device's changes that could not be read (damaged)
	// and went to HQ as placeholders in this sync instead of blocking the
	// queue; they are not counted in Sent.
	SetAside []store.SetAsideEntry
	// Evicted counts the records removed because their households left
	// this device's sites.
	Evicted int
	// Forms counts the form versions HQ published that this sync stored;
	// FormsRefused names those it could not (see receiveForms).
	Forms        int
	FormsRefused []string
}

// Default batch bounds, in estimated encoded bytes before compression
// (zstd then takes them to a fifth or less): on a 64 kbit/s link the first
// batch of a sync takes a few seconds, so a cut costs little, and batches
// grow to amortize round trips on better links.
const (
	defaultMinBatch   = 4 << 10
	defaultStartBatch = 512 << 10
	defaultMaxBatch   = 2 << 20
	maxPushChanges    = 20000
)

// Client syncs one workspace with HQ.
type Client struct {
	cfg     Config
	w       Workspace
	batcher *wire.Batcher
	window  window // of push streams
	// noStream: HQ answered that it takes no push streams (it is older
	// than them); this client pushes in rounds.
	noStream bool
}

// New returns a client for cfg.Workspace.
func New(cfg Config) (*Client, error) {
	if cfg.Workspace == nil {
		return nil, errors.New("sync client: no workspace")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Backoff == nil {
		cfg.Backoff = defaultBackoff
	}
	if cfg.MinBatch <= 0 {
		cfg.MinBatch = defaultMinBatch
	}
	if cfg.StartBatch <= 0 {
		cfg.StartBatch = defaultStartBatch
	}
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = defaultMaxBatch
	}
	return &Client{cfg: cfg, w: cfg.Workspace, batcher: wire.NewBatcher(cfg.MinBatch, cfg.StartBatch, cfg.MaxBatch)}, nil
}

// defaultBackoff retries the first failure since HQ last answered almost at
// once: a link that was moving batches and got cut is usually back straight
// away, and on a satellite link the reconnection alone costs over a second.
// Failures in a row then back off from 1 s to 1 min. Every wait has jitter,
// so devices cut by the same outage do not return in step.
func defaultBackoff(attempt int) time.Duration {
	if attempt <= 1 {
		return rand.N(firstRetryJitter)
	}
	d := time.Second << min(attempt-2, 6)
	d = min(d, time.Minute)
	return d/2 + rand.N(d/2+1)
}

const firstRetryJitter = 250 * time.Millisecond

// run is one Sync call's state.
type run struct {
	status   chan<- Status
	st       Status
	sum      Summary
	setAside map[uint64]bool // device seqs HQ acknowledged as placeholders
}

func (r *run) report(p Phase) {
	r.st.Phase = p
	if r.status == nil {
		return
	}
	select {
	case r.status <- r.st:
	default: // the reader is behind: it gets a later update
	}
}

// Sync pushes this device's changes and pulls its sites' changes until both
// are done, retrying with backoff after link failures, until ctx ends. It
// reports progress on status without ever blocking on it.
func (c *Client) Sync(ctx context.Context, status chan<- Status) (Summary, error) {
	start := c.cfg.Now()
	r := &run{status: status, setAside: map[uint64]bool{}}
	before := conflictSet(c.w)
	sum, err := c.sync(ctx, r)
	if !errors.Is(err, ErrWiped) {
		sum.Conflicts = newConflicts(c.w, before)
		r.st.Conflicts = sum.Conflicts
		sum.SetAside = setAsideEntries(c.w, r.setAside)
	}
	sum.Duration = c.cfg.Now().Sub(start)
	r.st.Err = err
	if err != nil {
		r.report(Failed)
	} else {
		r.report(Done)
	}
	return sum, err
}

func (c *Client) sync(ctx context.Context, r *run) (Summary, error) {
	enr, err := loadEnrollment(c.w)
	if err != nil {
		return r.sum, err
	}
	t := c.cfg.Transport
	if t == nil {
		tlsCfg, err := enr.tlsConfig()
		if err != nil {
			return r.sum, fmt.Errorf("sync: enrollment: %w", err)
		}
		h := newHTTPSTransport(enr.HQAddr, tlsCfg, c.cfg.StallTimeout)
		defer h.close()
		t = h
	}
	pending, err := Pending(c.w)
	if err != nil {
		return r.sum, err
	}
	r.st.ToSend = pending
	r.report(Connecting)
	failures := 0 // in a row since HQ last answered
	for {
		var done, progressed bool
		if st, ok := t.(streamTransport); ok && !c.noStream {
			var streamed bool
			progressed, streamed, err = c.stream(ctx, st, r)
			if errors.Is(err, errNoStream) {
				c.noStream, err = true, nil
			}
			if progressed {
				failures = 0
			}
			done = streamed
			if err == nil && !streamed {
				done, err = c.round(ctx, t, r)
			}
		} else {
			done, err = c.round(ctx, t, r)
		}
		if err == nil {
			failures = 0
		}
		if err == nil && done {
			if err := c.w.PutMeta(metaLastSync, u64(uint64(c.cfg.Now().UnixMilli()))); err != nil {
				return r.sum, fmt.Errorf("sync: %w", err)
			}
			return r.sum, nil
		}
		if err == nil {
			continue
		}
		var we *wire.Error
		if errors.As(err, &we) && we.Code == wire.CodeWipe {
			return r.sum, c.wipe()
		}
		if errors.Is(err, ErrWiped) {
			return r.sum, err
		}
		if perm := classify(err); perm != nil {
			return r.sum, fmt.Errorf("sync: %w", perm)
		}
		if ctx.Err() != nil {
			return r.sum, fmt.Errorf("sync: %w: %w", ErrUnreachable, err)
		}
		c.batcher.Cut()
		c.window.cut()
		failures++
		wait := c.cfg.Backoff(failures)
		r.st.Attempt++
		r.st.Err = err
		r.st.RetryIn = wait
		r.report(Waiting)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return r.sum, fmt.Errorf("sync: %w: %w", ErrUnreachable, err)
		case <-timer.C:
		}
		r.st.RetryIn = 0
		r.report(Connecting)
	}
}

// round does one request and response. It reports done when HQ holds every
// change of this device and has nothing more for it.
func (c *Client) round(ctx context.Context, t Transport, r *run) (done bool, err error) {
	acked, err := readU64(c.w, metaAcked)
	if err != nil {
		return false, local(err)
	}
	cursor, err := readU64(c.w, metaCursor)
	if err != nil {
		return false, local(err)
	}
	outcomeSeq, err := readU64(c.w, metaOutcomeSeq)
	if err != nil {
		return false, local(err)
	}
	scope, err := readU64(c.w, metaScope)
	if err != nil {
		return false, local(err)
	}
	formsAfter, err := readU64(c.w, metaForms)
	if err != nil {
		return false, local(err)
	}
	own, err := c.w.OwnChangesAfter(acked, maxPushChanges)
	if err != nil {
		return false, local(err)
	}
	push := fit(own, c.batcher.Size())
	req := &wire.SyncRequest{Version: wire.Version, Device: c.w.Device(), Push: push, PushFrom: acked + 1,
		Cursor: cursor, PullMax: c.batcher.Size(), Outcomes: outcomeSeq, Scope: scope, Anchor: auditAnchor(c.w), FormsAfter: formsAfter}
	enc, err := wire.EncodeRequest(req)
	if err != nil {
		return false, local(err)
	}
	body := wire.Compress(nil, enc)
	if len(push) > 0 {
		r.report(Sending)
	} else {
		r.report(Receiving)
	}
	out, err := t.RoundTrip(ctx, body)
	r.st.BytesSent += int64(len(body))
	r.sum.BytesSent = r.st.BytesSent
	if err != nil {
		return false, err
	}
	r.st.BytesReceived += int64(len(out))
	r.sum.BytesReceived = r.st.BytesReceived
	plain, err := wire.Decompress(out, wire.DefaultLimits().MaxBody)
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrGarbled, err) // retried
	}
	resp, err := wire.DecodeResponse(plain, wire.DefaultLimits())
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrGarbled, err)
	}
	return c.apply(r, resp, push, acked, outcomeSeq, formsAfter)
}

// apply stores HQ's answer to a request that pushed push after acked (and
// said outcomeSeq and formsAfter): a round's, or the one that ends a push
// stream (with push nil: its frames were acknowledged one by one).
func (c *Client) apply(r *run, resp *wire.SyncResponse, push []change.Change, acked, outcomeSeq, formsAfter uint64) (done bool, err error) {
	if resp.Order == wire.OrderWipe {
		return false, c.wipe()
	}
	if resp.Order == wire.OrderRevoked {
		return false, ErrRevoked
	}
	if resp.Acked > c.w.DeviceSeq() {
		// Checked before anything of the answer is stored: recording HQ's
		// acknowledgement would mark this copy's own new changes as sent.
		return false, local(fmt.Errorf("%w (HQ holds change %d, this workspace made %d)", ErrRestoredCopy, resp.Acked, c.w.DeviceSeq()))
	}
	c.batcher.Success()
	// Placeholders of set-aside changes are acknowledged (HQ quarantines
	// them) but are neither sent work nor HQ's refusal of it.
	placeholders := map[uint64]bool{}
	for _, ch := range push {
		if store.IsSetAside(ch) {
			placeholders[ch.DeviceSeq] = true
		}
	}
	if resp.Acked > acked {
		for seq := range placeholders {
			if seq <= resp.Acked && !r.setAside[seq] {
				r.setAside[seq] = true
				r.st.Sent--
			}
		}
		r.st.Sent += int(min(resp.Acked, acked+uint64(len(push))) - acked)
	}
	for _, q := range resp.Results {
		switch state, _ := heldState(q.Code); {
		case state == Held && q.DeviceSeq > acked && !placeholders[q.DeviceSeq]:
			r.sum.Quarantined++
			if q.Code == wire.CodeClockAhead {
				r.sum.ClockAhead++
			}
		case state == Released && resp.OutcomeSeq != outcomeSeq:
			r.sum.Released++
		case state == Dropped && resp.OutcomeSeq != outcomeSeq:
			r.sum.Dropped++
		case state == Refused && resp.OutcomeSeq != outcomeSeq:
			r.sum.Refused++
		}
	}
	// Forms before the changes: a pulled change may name a version HQ
	// published in this very answer.
	got, refused, err := receiveForms(c.w, resp.Forms, formsAfter)
	if err != nil {
		return false, local(err)
	}
	r.sum.Forms += got
	r.sum.FormsRefused = append(r.sum.FormsRefused, refused...)
	meta := map[string][]byte{metaCursor: u64(resp.Cursor), metaAcked: u64(resp.Acked), metaScope: u64(resp.Scope)}
	held, err := heldMeta(c.w, resp.Results, resp.OutcomeSeq, outcomeSeq)
	if err != nil {
		return false, local(err)
	}
	maps.Copy(meta, held)
	pulled := make([]change.Change, len(resp.Pull))
	for i, p := range resp.Pull {
		pulled[i] = p.Change
	}
	if len(resp.Evict) > 0 {
		if resp.Acked < c.w.DeviceSeq() {
			// Push first, then evict: this device's own changes to what
			// leaves must be safe at HQ. Keep only the acknowledgement;
			// HQ answers the same cursor again once they are.
			meta = map[string][]byte{metaAcked: u64(resp.Acked)}
			maps.Copy(meta, held)
			pulled = nil
		} else {
			// Before the pulled changes: a household that left and came
			// back in this answer comes back whole. A crash between the two
			// leaves the cursor where it was, and evicting again is harmless.
			n, err := c.w.Evict(resp.Evict)
			if err != nil {
				return false, local(fmt.Errorf("remove households that left this device's sites: %w", err))
			}
			r.sum.Evicted += n
		}
	}
	// The changes, the new cursor and HQ's acknowledgement go in one
	// transaction: a cut or a crash after it loses nothing, before it
	// costs this one batch.
	results, err := c.w.ApplyRemote(pulled, meta)
	if err != nil {
		return false, local(fmt.Errorf("store pulled changes: %w", err))
	}
	for _, res := range results {
		if res.Outcome == store.Applied {
			r.st.Received++
		}
	}
	r.sum.Sent, r.sum.Received = r.st.Sent, r.st.Received
	r.report(Receiving)
	if resp.More {
		return false, nil
	}
	if resp.Acked >= c.w.DeviceSeq() {
		return true, nil
	}
	if resp.Acked <= acked && len(push) > 0 {
		// HQ stored nothing of what we sent and said nothing about it.
		return false, fmt.Errorf("HQ did not acknowledge changes from #%d", acked+1)
	}
	return false, nil
}

// setAsideEntries returns the set-aside entries of the device seqs in seqs.
func setAsideEntries(w Workspace, seqs map[uint64]bool) []store.SetAsideEntry {
	if len(seqs) == 0 {
		return nil
	}
	all, err := w.SetAside()
	if err != nil {
		return nil // the summary goes without; SetAside reports the error itself
	}
	var out []store.SetAsideEntry
	for _, e := range all {
		if seqs[e.DeviceSeq] {
			out = append(out, e)
		}
	}
	return out
}

// localError is a failure of this device (its store, its encoder), which
// retrying the link will not cure.
type localError struct{ err error }

func (e localError) Error() string { return "this device: " + e.err.Error() }
func (e localError) Unwrap() error { return e.err }

func local(err error) error { return localError{err} }

// fit returns the first changes that fit in budget bytes (at least one).
func fit(cs []change.Change, budget int) []change.Change {
	size := 0
	for i, c := range cs {
		size += wire.EstimateSize(c)
		if size > budget && i > 0 {
			return cs[:i]
		}
	}
	return cs
}

// wipe crypto-erases the workspace on HQ's order.
func (c *Client) wipe() error {
	if _, err := c.w.WipeOrdered(); err != nil {
		return fmt.Errorf("%w (erase reported: %v)", ErrWiped, err)
	}
	return ErrWiped
}

func conflictSet(w Workspace) map[uuid.UUID]bool {
	set := map[uuid.UUID]bool{}
	for _, id := range w.Conflicted() {
		set[id] = true
	}
	return set
}

// newConflicts counts the records in conflict now that were not before.
func newConflicts(w Workspace, before map[uuid.UUID]bool) int {
	n := 0
	for _, id := range w.Conflicted() {
		if !before[id] {
			n++
		}
	}
	return n
}

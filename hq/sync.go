package hq

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/store"
	"fieldreg/sync/wire"
)

// Pull bounds. A device asks for PullMax bytes; HQ keeps the answer within
// these whatever it asks, and stops after looking at maxPullScan entries of
// its log index so that one request stays short.
const (
	minPullBytes = 4 << 10
	maxPullBytes = 4 << 20
	maxPullScan  = 1 << 20
)

// Sync handles one round trip for the device whose certificate names
// device (its HQ id). body is a compressed SyncRequest; the result is a
// compressed SyncResponse. Errors are *wire.Error or map to one with
// wire.ErrorFor.
func (s *Server) Sync(ctx context.Context, device uuid.UUID, body []byte) ([]byte, error) {
	s.stats.syncs.Add(1)
	leave, err := s.admit(ctx, device)
	if err != nil {
		s.stats.refused.Add(1)
		return nil, err
	}
	defer leave()
	resp, err := s.sync(ctx, device, body)
	if err != nil {
		s.stats.refused.Add(1)
		return nil, err
	}
	enc, err := wire.EncodeResponse(resp)
	if err != nil {
		return nil, &wire.Error{Code: wire.CodeInternal, Message: "encode response"}
	}
	return wire.Compress(nil, enc), nil
}

// syncLimits bound one sync request, more tightly than a bundle: a
// device's push is at most 2 MiB as wire.EstimateSize counts (sync/client's
// largest batch), about 1 MiB encoded and 300,000 data items for
// registrations. Twice that is refused before it is decoded: decoding costs
// up to ~350 bytes an item, so one request stays under ~200 MB whatever it
// holds. A device whose batch is refused as too large halves it.
func syncLimits() wire.Limits {
	l := wire.DefaultLimits()
	l.MaxBody = 4 << 20
	l.MaxItems = 512 << 10
	return l
}

// admitWait is how long a sync waits for one of the MaxSyncs slots before
// it is refused as busy. Its body is already read (the connection cap
// bounds those), so waiting costs no more memory than refusing; refusing at
// once sent devices into seconds of backoff whenever more than MaxSyncs
// pushed together, and HQ's ingest sat idle meanwhile.
const admitWait = 2 * time.Second

// admit lets a sync in, or refuses it as unavailable (the device retries
// after a while) when HQ still runs cfg.MaxSyncs of them after admitWait,
// or one for the same device: requests from outside must not make HQ
// decode without bound. leave ends the sync.
func (s *Server) admit(ctx context.Context, device uuid.UUID) (leave func(), err error) {
	s.syncingMu.Lock()
	busy := s.syncing[device]
	s.syncingMu.Unlock()
	if busy { // refused before it waits: a second sync of one device is a retry too early
		return nil, refuse(wire.CodeUnavailable, "this device is already syncing; retry in a while")
	}
	select {
	case s.syncSlots <- struct{}{}:
	default:
		wait := time.NewTimer(admitWait)
		defer wait.Stop()
		select {
		case s.syncSlots <- struct{}{}:
		case <-wait.C:
			return nil, refuse(wire.CodeUnavailable, "HQ is busy with %d syncs; retry in a while", cap(s.syncSlots))
		case <-ctx.Done():
			return nil, refuse(wire.CodeUnavailable, "HQ is busy with %d syncs; retry in a while", cap(s.syncSlots))
		}
	}
	s.syncingMu.Lock()
	defer s.syncingMu.Unlock()
	if s.syncing[device] {
		<-s.syncSlots
		return nil, refuse(wire.CodeUnavailable, "this device is already syncing; retry in a while")
	}
	s.syncing[device] = true
	return func() {
		s.syncingMu.Lock()
		delete(s.syncing, device)
		s.syncingMu.Unlock()
		<-s.syncSlots
	}, nil
}

func refuse(code wire.Code, format string, args ...any) error {
	return &wire.Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// check refuses a device HQ does not serve any more.
func check(d *Device, device uuid.UUID) error {
	switch {
	case d == nil:
		return refuse(wire.CodeUnauthorized, "device %s is not enrolled at this HQ", device)
	case d.Revoked:
		return refuse(wire.CodeRevoked, "device %q was revoked", d.Name)
	}
	return nil
}

func (s *Server) sync(ctx context.Context, device uuid.UUID, body []byte) (*wire.SyncResponse, error) {
	d := s.state().Devices[device]
	if d != nil && d.Revoked && d.WipeOrdered {
		// Checked before the revocation: revoking a stolen tablet and then
		// ordering its wipe is the natural order, and the order must still
		// reach it. Nothing it pushes is stored.
		return nil, s.wipeRevoked(ctx, device)
	}
	if err := check(d, device); err != nil {
		return nil, err
	}
	limits := syncLimits()
	plain, err := wire.Decompress(body, limits.MaxBody)
	if err != nil {
		return nil, err
	}
	req, err := wire.DecodeRequest(plain, limits)
	if err != nil {
		return nil, err
	}
	return s.answer(ctx, device, req)
}

// answer stores req's push and answers it with the rest of a round:
// outcomes, forms, the pull. A push stream ends with it too.
func (s *Server) answer(ctx context.Context, device uuid.UUID, req *wire.SyncRequest) (*wire.SyncResponse, error) {
	p, err := s.push(ctx, device, req)
	if err != nil {
		return nil, err
	}
	resp := &wire.SyncResponse{Version: wire.Version, Acked: p.device.Acked, Cursor: req.Cursor}
	resp.Results, resp.OutcomeSeq = outcomes(&p.device, p.results, req.Outcomes, s.limits.MaxChanges)
	if p.device.WipeOrdered {
		// The device's changes are safe at HQ; now it must erase its copy.
		resp.Order = wire.OrderWipe
		return resp, nil
	}
	var formsLeft bool
	resp.Forms, formsLeft = s.formsWithin(req.FormsAfter, min(max(req.PullMax, minPullBytes), maxPullBytes))
	if formsLeft {
		// Forms first, each answer within the device's budget, and the
		// changes (which may name them) once all have gone.
		resp.More, resp.Scope = true, req.Scope
		return resp, nil
	}
	if err := s.pull(&p.device, req, resp); err != nil {
		s.logf("pull for device %s: %v", device, err)
		return nil, refuse(wire.CodeInternal, "read change log")
	}
	if err := s.auditPulled(&p.device, "sync", resp.Pull); err != nil {
		s.logf("%v", err)
		return nil, refuse(wire.CodeInternal, "audit the pull")
	}
	s.stats.pulled.Add(int64(len(resp.Pull)))
	return resp, nil
}

// wipeRevoked records that a revoked device was told to wipe and returns
// the order, as a refusal: a revoked device gets nothing else.
func (s *Server) wipeRevoked(ctx context.Context, device uuid.UUID) error {
	now := s.cfg.now().UnixMilli()
	var name string
	_, _, err := s.submit(ctx, func(st *state) ([]change.Change, error) {
		d := st.Devices[device]
		if d == nil || !d.Revoked || !d.WipeOrdered {
			return nil, refuse(wire.CodeUnavailable, "device %s changed state; retry", device)
		}
		d.WipeSent = now
		d.LastSync = now
		name = d.Name
		return nil, nil
	})
	if err != nil {
		return err
	}
	s.logf("sent the wipe order to revoked device %q (%s)", name, device)
	return refuse(wire.CodeWipe, "device %q was revoked and must erase its data", name)
}

// pushed is what HQ did with a push.
type pushed struct {
	device  Device // as it is after the push
	stored  int
	refused int               // changes of this push HQ refused (wire.CodeForbidden)
	results []wire.PushResult // the changes of this push HQ holds
}

// push stores the changes of a push (a sync round or a bundle) for the
// device HQ knows as device.
func (s *Server) push(ctx context.Context, device uuid.UUID, req *wire.SyncRequest) (pushed, error) {
	for _, c := range req.Push {
		if c.Device != req.Device {
			return pushed{}, refuse(wire.CodeBadRequest, "pushed change %s#%d is not from device %s", c.Device, c.DeviceSeq, req.Device)
		}
	}
	if err := s.checkResends(req.Push); err != nil {
		return pushed{}, err
	}
	now := s.cfg.now().UnixMilli()
	var out pushed
	stored, results, err := s.submit(ctx, func(st *state) ([]change.Change, error) {
		d := st.Devices[device]
		if err := check(d, device); err != nil { // revoked while queued
			return nil, err
		}
		if d.Replica == uuid.Nil {
			if other := st.byReplica(req.Device); other != nil && other.ID != d.ID {
				return nil, refuse(wire.CodeUnauthorized, "workspace %s is enrolled as another device", req.Device)
			}
		} else if d.Replica != req.Device {
			return nil, refuse(wire.CodeUnauthorized, "this certificate belongs to another workspace")
		}
		d.Replica = req.Device
		if err := anchor(d, req.Anchor); err != nil {
			return nil, err
		}
		// Store only what continues the acknowledged run: anything older is a
		// resend, anything after a gap comes again once the gap is filled.
		// A change the device may not write is acknowledged, not stored: the
		// device hears of it as an outcome (see authorize.go).
		check := s.writeCheck(d)
		next := d.Acked + 1
		var take []change.Change
		for _, c := range req.Push {
			if c.DeviceSeq != next {
				continue
			}
			next++
			if !check.authorized(c) {
				addOutcome(d, c.DeviceSeq, wire.CodeForbidden, check.reason())
				out.refused++
				continue
			}
			take = append(take, c)
		}
		d.Acked = next - 1
		confirmOutcomes(d, req.Outcomes)
		confirmScope(d, req.Scope)
		d.Received += uint64(len(take))
		d.LastSync = now
		d.Cursor = max(d.Cursor, req.Cursor)
		if d.WipeOrdered {
			d.WipeSent = now
		}
		out.device = *d
		return take, nil
	})
	if err != nil {
		return pushed{}, err
	}
	out.stored = len(stored)
	held := 0
	for i, r := range results {
		if r.Outcome == store.Quarantined {
			s.stats.quarantined.Add(1)
			held++
			code := heldCode(stored[i], time.UnixMilli(now))
			if code == wire.CodeClockAhead {
				s.noteClockHeld(stored[i].Stamp.Millis())
			}
			out.results = append(out.results, wire.PushResult{DeviceSeq: stored[i].DeviceSeq, Code: code, Reason: r.Reason})
		}
	}
	if out.refused > 0 {
		s.logf("refused %d changes from device %q (%s): records outside its sites", out.refused, out.device.Name, out.device.ID)
	}
	if held > 0 {
		// The reasons may quote values: they stay in the store, not the log.
		s.logf("quarantine: held %d of %d changes from device %q (%s); see fieldreg-hq quarantine", held, len(stored), out.device.Name, out.device.ID)
	}
	s.stats.pushed.Add(int64(len(stored)))
	return out, nil
}

// seenChanges is what a store that can tell a resend from a reused number
// has (*store.Workspace does): all of a push's in one read.
type seenChanges interface {
	SeenChanges(asked []change.Change) (held []change.Change, seen []bool, err error)
}

// checkResends refuses a push that sends, under a device seq HQ holds, a
// change other than the one it holds. A device restored from a backup made
// before its last syncs numbers its new work like changes HQ already has,
// and when it has made as many as it lost, nothing else gives it away:
// HQ took them for resends, acknowledged them, and they were never stored
// anywhere but on the device, marked sent. The device is told instead, and
// keeps them. The whole push is looked up in one read transaction.
func (s *Server) checkResends(push []change.Change) error {
	sc, ok := s.ws.(seenChanges)
	if !ok {
		return nil
	}
	asked := make([]change.Change, 0, len(push))
	for _, c := range push {
		if !store.IsSetAside(c) { // a placeholder for a change the device can no longer read
			asked = append(asked, c)
		}
	}
	if len(asked) == 0 {
		return nil
	}
	held, seen, err := sc.SeenChanges(asked)
	if err != nil {
		return fmt.Errorf("read the seen entries of a push of %d changes: %w", len(asked), err)
	}
	for i, c := range asked {
		if seen[i] && (held[i].Stamp != c.Stamp || held[i].Record != c.Record) {
			return refuse(wire.CodeConflict, "change %d of this device is not the one HQ holds under that number: the device's workspace is an older copy of itself (restored from a backup?)", c.DeviceSeq)
		}
	}
	return nil
}

// pull fills resp with the changes after req.Cursor that d may receive,
// within the byte budget d asked for, and the cursor to resume from.
func (s *Server) pull(d *Device, req *wire.SyncRequest, resp *wire.SyncResponse) error {
	budget := min(max(req.PullMax, minPullBytes), maxPullBytes)
	last := s.ws.LastLogSeq()
	cursor := req.Cursor
	if cursor > last {
		// A cursor HQ never gave (HQ restored from a backup): start over;
		// the device drops what it already has.
		cursor = 0
	}
	resp.Scope = d.Scope
	if req.Scope < d.Scope {
		// Re-scoped by an admin: what left goes, and everything now in
		// scope comes again from the start (a device merges what it has).
		resp.Evict = s.scope.leaving(d, d.ScopeFrom)
		if n := len(resp.Evict); n > s.limits.MaxChanges {
			// A device refuses a longer list; the rest stays on it.
			s.logf("re-scope of device %q: %d households left its sites, only %d are evicted", d.Name, n, s.limits.MaxChanges)
			resp.Evict = resp.Evict[:s.limits.MaxChanges]
		}
		cursor = 0
	}
	size, scanned := 0, 0
	entries := s.log.after(cursor)
	sends := func(e logEntry) bool { return e.device != d.Replica && s.scope.visible(d, e.record) }
	reader := pullReader{s: s, entries: entries, sends: sends}
	for i, e := range entries {
		if scanned == maxPullScan {
			break
		}
		scanned++
		if m, ok := s.log.moveAt(e.logSeq); ok {
			stop, err := s.follow(d, m, e, resp, &size, budget)
			if err != nil {
				return err
			}
			if stop {
				break
			}
		}
		if !sends(e) {
			cursor = e.logSeq
			continue
		}
		c, err := reader.read(i, budget-size)
		if err != nil {
			return err
		}
		n := wire.EstimateSize(c)
		if size+n > budget && len(resp.Pull) > 0 {
			break
		}
		size += n
		resp.Pull = append(resp.Pull, wire.PulledChange{LogSeq: e.logSeq, Change: c})
		cursor = e.logSeq
	}
	resp.Cursor = cursor
	resp.More = cursor < s.ws.LastLogSeq()
	return nil
}

// loggedReader is what a store that reads many changes of its log in one
// transaction has (*store.Workspace does).
type loggedReader interface {
	ReadLogged(seqs []uint64) ([]change.Change, error)
}

// readLogged reads the changes of HQ's log at seqs, in one read
// transaction where the store can.
func (s *Server) readLogged(seqs []uint64) ([]change.Change, error) {
	if r, ok := s.ws.(loggedReader); ok {
		return r.ReadLogged(seqs)
	}
	out := make([]change.Change, 0, len(seqs))
	for _, seq := range seqs {
		got, err := s.ws.ChangesAfter(seq-1, 1)
		if err != nil {
			return nil, err
		}
		if len(got) != 1 || got[0].LogSeq != seq {
			return nil, fmt.Errorf("change %d missing from the log", seq)
		}
		out = append(out, got[0].Change)
	}
	return out, nil
}

// Batches of a pull's reads: the first is small, so that a device with
// little to receive costs little; each next one twice the last, to
// maxPullRead, and no more than the budget left holds at the size of the
// changes read so far.
const (
	minPullRead = 16
	maxPullRead = 1024
)

// pullReader reads the changes a pull sends, a batch at a time: with the
// first it is asked for, the next ones of entries it will send, up to the
// batch's size. One read transaction (on PostgreSQL one query) per batch,
// not per change; what the budget then leaves out was read for nothing,
// about the budget's worth at most.
type pullReader struct {
	s       *Server
	entries []logEntry
	sends   func(logEntry) bool // which entries the pull sends
	batch   int
	got     map[uint64]change.Change
	n, size int // changes read so far, and their wire.EstimateSize
}

// read returns the change of entries[i], which the pull sends; left is
// the budget the answer has left.
func (r *pullReader) read(i, left int) (change.Change, error) {
	seq := r.entries[i].logSeq
	if c, ok := r.got[seq]; ok {
		delete(r.got, seq)
		return c, nil
	}
	r.batch = min(max(2*r.batch, minPullRead), maxPullRead)
	if r.n > 0 {
		r.batch = max(min(r.batch, left/max(r.size/r.n, 1)+1), 1)
	}
	seqs := []uint64{seq}
	for _, e := range r.entries[i+1:] {
		if len(seqs) == r.batch {
			break
		}
		if r.sends(e) {
			seqs = append(seqs, e.logSeq)
		}
	}
	cs, err := r.s.readLogged(seqs)
	if err != nil {
		return change.Change{}, err
	}
	for _, c := range cs {
		r.n++
		r.size += wire.EstimateSize(c)
	}
	r.got = make(map[uint64]change.Change, len(seqs))
	for j, c := range cs[1:] {
		r.got[seqs[j+1]] = c
	}
	return cs[0], nil
}

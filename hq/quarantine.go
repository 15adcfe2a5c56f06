package hq

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/wire"
)

// MaxClockAhead is how far ahead of HQ's own clock a pushed change's stamp
// may be. A change beyond it is held in quarantine with wire.CodeClockAhead
// (the device is told its date looks wrong) instead of being stored: stored,
// its stamp would pull HQ's clock, and through HQ every device's, forward by
// however wrong one tablet was, and every honest edit after it would lose to
// it. Devices allow a day (change.MaxSkew) because their own clocks wander;
// HQ is expected to keep network time (NTP), so minutes cover a device's
// drift and the time a change takes to arrive. Held for that alone, a
// change is released by HQ itself once its clock is within the bound of
// the stamp (releaseDue); a supervisor may release or drop it sooner.
const MaxClockAhead = 5 * time.Minute

// maxOutcomesSent bounds the outcomes of held changes one response carries;
// the rest follow in the next.
const maxOutcomesSent = 1000

// householdOf is the household a change belongs to: its own record for a
// household, the household_id it writes, else the one its record has.
func householdOf(records Records, c change.Change) uuid.UUID {
	if c.Kind == registry.KindHousehold {
		return c.Record
	}
	if v, ok := writtenHousehold(c); ok {
		id, _ := uuid.Parse(v)
		return id
	}
	if rec, err := records.Get(c.Record); err == nil {
		id, _ := uuid.Parse(rec.Value(registry.FieldHouseholdID))
		return id
	}
	return uuid.Nil
}

// writtenHousehold is the household_id c writes, if it writes one.
func writtenHousehold(c change.Change) (string, bool) {
	for _, w := range c.Writes {
		if w.Field == registry.FieldHouseholdID {
			return w.Value, true
		}
	}
	return "", false
}

// units numbers the units of one job's changes: job n's changes of one
// household are one unit, stored or held together, so HQ never keeps a
// household without the head it came with, nor a member without its
// household. 0 is a change of no household.
func (s *Server) units(job int, changes []change.Change) []uint64 {
	out := make([]uint64, len(changes))
	seen := map[uuid.UUID]uint64{}
	of := map[uuid.UUID]uuid.UUID{} // record → household, for records this job made
	for i, c := range changes {
		if store.IsSetAside(c) {
			continue // a damaged change's placeholder belongs to no household: held alone
		}
		h, ok := of[c.Record]
		if _, moves := writtenHousehold(c); !ok || moves || c.Kind == registry.KindHousehold {
			h = householdOf(s.ws, c)
		}
		if h == uuid.Nil {
			continue
		}
		of[c.Record] = h
		if seen[h] == 0 {
			seen[h] = uint64(job)<<32 | uint64(len(seen)+1)
		}
		out[i] = seen[h]
	}
	return out
}

// heldCode is the code a device is told for a change HQ holds.
func heldCode(c change.Change, now time.Time) wire.Code {
	if c.Stamp.Millis() > now.Add(MaxClockAhead).UnixMilli() {
		return wire.CodeClockAhead
	}
	return wire.CodeInvalid
}

// HeldChange is a pushed change HQ holds in quarantine.
type HeldChange struct {
	ID        uint64 // what quarantine release and drop take
	Unit      uint64 // the ID of the first change of the unit it is held with; 0 alone
	Time      time.Time
	Device    string    // the device's name ("" when HQ no longer knows it)
	Replica   uuid.UUID // the device's workspace id
	DeviceSeq uint64
	Record    uuid.UUID
	Kind      string
	Fields    []string
	Code      wire.Code // CodeClockAhead or CodeInvalid: what the device was told
	Reason    string
}

// QuarantineAction is what a release or drop did: the changes it acted on
// (the whole unit of the ID given).
type QuarantineAction struct {
	Changes []HeldChange
	Stored  int // released changes now in HQ's log (the rest it held already)
}

func heldChange(st *state, e store.QuarantineEntry) HeldChange {
	c := e.Change
	h := HeldChange{ID: e.QuarantineSeq, Unit: e.Unit, Time: e.Time, Replica: c.Device, DeviceSeq: c.DeviceSeq,
		Record: c.Record, Kind: c.Kind, Fields: c.FieldNames(), Code: heldCode(c, e.Time), Reason: e.Reason}
	if d := st.byReplica(c.Device); d != nil {
		h.Device = d.Name
	}
	return h
}

// Quarantine lists the changes HQ holds, oldest first, with why.
func (s *Server) Quarantine() ([]HeldChange, error) {
	q, err := s.ws.Quarantined()
	if err != nil {
		return nil, fmt.Errorf("quarantine: %w", err)
	}
	st := s.state()
	out := make([]HeldChange, 0, len(q))
	for _, e := range q {
		out = append(out, heldChange(st, e))
	}
	return out, nil
}

// ReleaseQuarantine validates the held changes of entry id's unit again and,
// when they all pass now, stores them as if just pushed; otherwise it
// stores nothing and the error (wrapping ErrStillRefused) says why. The
// devices they came from are told at their next sync.
func (s *Server) ReleaseQuarantine(ctx context.Context, id uint64) (QuarantineAction, error) {
	var out QuarantineAction
	if err := s.run(ctx, s.release(id, "released by a supervisor", &out)); err != nil {
		return QuarantineAction{}, fmt.Errorf("release quarantined change %d: %w", id, quarantineErr(err))
	}
	s.logf("quarantine: released change %d with its unit: %d changes, %d stored", id, len(out.Changes), out.Stored)
	return out, nil
}

// release is the job that releases entry id's unit, telling its devices
// reason, and reports what it did in out.
func (s *Server) release(id uint64, reason string, out *QuarantineAction) func(next *state) error {
	return func(next *state) error {
		meta, unit, err := s.tellDevices(next, id, wire.CodeReleased, reason)
		if err != nil {
			return err
		}
		entries, results, err := s.ws.ReleaseQuarantined(id, meta)
		if err != nil {
			return err
		}
		out.Changes = unit
		released := make([]change.Change, len(entries))
		for i, e := range entries {
			released[i] = e.Change
			if results[i].Outcome == store.Applied {
				out.Stored++
			}
		}
		s.log.add(released, results) // devices pull what was released
		return nil
	}
}

// A change held only because its stamp was ahead of HQ's clock is held for
// clock order, not for what it says: once HQ's clock has caught up with it,
// HQ releases it on its own (ingest looks every clockCheck), so no such
// quarantine lasts beyond the time the device's clock was ahead.
const clockCheck = time.Minute

// noteClockHeld records that a change stamped at ms was held for its clock:
// it may be released once HQ's clock is within MaxClockAhead of it.
func (s *Server) noteClockHeld(ms int64) {
	due := ms - MaxClockAhead.Milliseconds()
	for {
		cur := s.clockDue.Load()
		if cur != 0 && cur <= due || s.clockDue.CompareAndSwap(cur, due) {
			return
		}
	}
}

// dueUnits lists the first entry of each held unit HQ may release on its
// own now: every change in it held for its clock alone, and HQ's clock
// within MaxClockAhead of each. It notes when the next one will be due.
func (s *Server) dueUnits(now time.Time) ([]uint64, error) {
	due := s.clockDue.Load()
	if due == 0 || now.UnixMilli() < due {
		return nil, nil
	}
	q, err := s.ws.Quarantined()
	if err != nil {
		return nil, err
	}
	type unit struct {
		first   uint64
		latest  int64 // the latest stamp, Unix ms
		byClock bool
	}
	units := map[uint64]*unit{}
	var order []uint64
	for _, e := range q {
		key := e.Unit
		if key == 0 {
			key = e.QuarantineSeq
		}
		u := units[key]
		if u == nil {
			u = &unit{first: e.QuarantineSeq, byClock: true}
			units[key] = u
			order = append(order, key)
		}
		u.latest = max(u.latest, e.Change.Stamp.Millis())
		u.byClock = u.byClock && heldCode(e.Change, e.Time) == wire.CodeClockAhead
	}
	var ids []uint64
	var next int64
	limit := now.Add(MaxClockAhead).UnixMilli()
	for _, key := range order {
		switch u := units[key]; {
		case !u.byClock:
		case u.latest <= limit:
			ids = append(ids, u.first)
		case next == 0 || u.latest-MaxClockAhead.Milliseconds() < next:
			next = u.latest - MaxClockAhead.Milliseconds()
		}
	}
	for {
		// A push may have noted a change since the list was read: keep the
		// earlier of the two (a look too early costs one read).
		cur, want := s.clockDue.Load(), next
		if cur != due && cur != 0 && (want == 0 || cur < want) {
			want = cur
		}
		if s.clockDue.CompareAndSwap(cur, want) {
			return ids, nil
		}
	}
}

// releaseDue releases, from the ingest goroutine, the units held for clock
// order alone that HQ's clock has caught up with.
func (s *Server) releaseDue() {
	ids, err := s.dueUnits(s.cfg.now())
	if err != nil {
		s.logf("quarantine: changes held for their clock: %v", err)
		return
	}
	for _, id := range ids {
		var out QuarantineAction
		j := &job{exec: s.release(id, "released: HQ's clock has reached its date", &out), done: make(chan struct{})}
		s.commit([]*job{j})
		if j.err != nil {
			s.logf("quarantine: change %d, held for its clock: not released: %v", id, j.err)
			continue
		}
		s.logf("quarantine: released change %d with its unit (%d changes): HQ's clock has reached their date", id, len(out.Changes))
	}
}

// ReleaseClockHeld releases now what ingest would release at its next
// look: the held units that were held for their clock alone and that HQ's
// clock has caught up with. It returns how many units it released.
func (s *Server) ReleaseClockHeld(ctx context.Context) (int, error) {
	ids, err := s.dueUnits(s.cfg.now())
	if err != nil {
		return 0, fmt.Errorf("release changes held for their clock: %w", err)
	}
	n := 0
	for _, id := range ids {
		var out QuarantineAction
		if err := s.run(ctx, s.release(id, "released: HQ's clock has reached its date", &out)); err != nil {
			return n, fmt.Errorf("release quarantined change %d: %w", id, quarantineErr(err))
		}
		n++
	}
	return n, nil
}

// DropQuarantine discards the held changes of entry id's unit for good. The
// devices they came from are told at their next sync.
func (s *Server) DropQuarantine(ctx context.Context, id uint64) (QuarantineAction, error) {
	var out QuarantineAction
	err := s.run(ctx, func(next *state) error {
		meta, unit, err := s.tellDevices(next, id, wire.CodeDropped, "dropped by a supervisor")
		if err != nil {
			return err
		}
		if _, err := s.ws.DropQuarantined(id, meta); err != nil {
			return err
		}
		out.Changes = unit
		return nil
	})
	if err != nil {
		return QuarantineAction{}, fmt.Errorf("drop quarantined change %d: %w", id, quarantineErr(err))
	}
	s.logf("quarantine: dropped change %d with its unit: %d changes", id, len(out.Changes))
	return out, nil
}

// tellDevices finds the held changes of entry id's unit, queues an outcome
// for each on the device it came from, and returns next encoded, to be
// stored with the act.
func (s *Server) tellDevices(next *state, id uint64, code wire.Code, reason string) (map[string][]byte, []HeldChange, error) {
	q, err := s.ws.Quarantined()
	if err != nil {
		return nil, nil, err
	}
	i := slices.IndexFunc(q, func(e store.QuarantineEntry) bool { return e.QuarantineSeq == id })
	if i < 0 {
		return nil, nil, fmt.Errorf("no change %d is held: %w", id, ErrNotHeld)
	}
	var unit []HeldChange
	for _, e := range q {
		if e.QuarantineSeq == id || q[i].Unit != 0 && e.Unit == q[i].Unit {
			unit = append(unit, heldChange(next, e))
		}
	}
	for _, h := range unit {
		d := next.byReplica(h.Replica)
		if d == nil {
			continue // a bundle from a device since removed: nobody to tell
		}
		addOutcome(d, h.DeviceSeq, code, reason)
	}
	enc, err := encodeState(next)
	if err != nil {
		return nil, nil, err
	}
	return map[string][]byte{metaState: enc}, unit, nil
}

// quarantineErr gives the store's errors HQ's sentinels.
func quarantineErr(err error) error {
	switch {
	case errors.Is(err, store.ErrStillRefused) && !errors.Is(err, ErrStillRefused):
		return fmt.Errorf("%w: %w", ErrStillRefused, err)
	case errors.Is(err, store.ErrNotFound) && !errors.Is(err, ErrNotHeld):
		return fmt.Errorf("%w: %w", ErrNotHeld, err)
	}
	return err
}

// outcomes are the results a device is told about its changes: the ones
// this push held, then what became of earlier held ones after confirmed
// (the device's last confirmed outcome), and the seq to confirm next. An
// outcome goes whole or waits for the next response; a response carries at
// most limit results in all, and outcomes beyond maxOutcomesSent wait too.
func outcomes(d *Device, held []wire.PushResult, confirmed uint64, limit int) ([]wire.PushResult, uint64) {
	out := held
	seq := d.OutcomeSeq
	if confirmed > seq {
		confirmed = 0 // a number HQ never gave (HQ restored from a backup)
	}
	sent := 0
	for i, o := range d.Outcomes {
		n := int(max(o.Count, 1))
		if len(out)+n > limit || sent > 0 && sent+n > maxOutcomesSent {
			seq = confirmed
			if i > 0 {
				seq = d.Outcomes[i-1].Seq
			}
			break
		}
		for k := range n {
			out = append(out, wire.PushResult{DeviceSeq: o.DeviceSeq + uint64(k), Code: o.Code, Reason: o.Reason})
		}
		sent += n
	}
	return out, seq
}

// addOutcome queues what became of one held change for its device, in the
// last outcome when it continues its run of device seqs (a unit's changes
// mostly follow each other): a household of members is one entry in HQ's
// state, not one per person.
func addOutcome(d *Device, deviceSeq uint64, code wire.Code, reason string) {
	if n := len(d.Outcomes); n > 0 {
		last := &d.Outcomes[n-1]
		if last.Code == code && last.Reason == reason && last.DeviceSeq+max(last.Count, 1) == deviceSeq {
			last.Count = max(last.Count, 1) + 1
			return
		}
	}
	d.OutcomeSeq++
	d.Outcomes = append(d.Outcomes, Outcome{Seq: d.OutcomeSeq, DeviceSeq: deviceSeq, Code: code, Reason: reason})
}

// confirmOutcomes forgets the outcomes the device says it has stored.
func confirmOutcomes(d *Device, upTo uint64) {
	if upTo > d.OutcomeSeq {
		return // a number HQ never gave (HQ restored from a backup): send all again
	}
	d.Outcomes = slices.DeleteFunc(d.Outcomes, func(o Outcome) bool { return o.Seq <= upTo })
}

package client

import (
	"errors"
	"fmt"
	"slices"

	"github.com/fxamacker/cbor/v2"

	"fieldreg/store"
	"fieldreg/sync/wire"
)

// HQ tells a device, change by change, what it did with those of its
// changes it did not simply store: held in quarantine for a supervisor
// (refused by HQ's forms, or stamped too far ahead of HQ's clock), then
// released (now stored at HQ) or dropped (never will be); or refused
// outright, because they write a record outside the device's sites (HQ
// will never store them, and no supervisor can release them). The device keeps
// the latest word on each, with the sync state, so its sync status can
// list them; HQ numbers its released and dropped outcomes and sends each
// until the device reports, in a later request, that it stored it.

// Meta names of what HQ said about this device's held changes.
const (
	metaHeld       = "sync/held"
	metaOutcomeSeq = "sync/outcome-seq"
)

// maxHeldKept bounds the list: the oldest settled entries go first.
const maxHeldKept = 1000

// HeldState is where one of this device's changes HQ held stands.
type HeldState int

// The states of a held change. Never renumber: they are stored.
const (
	Held     HeldState = 1 // kept at HQ for a supervisor to review
	Released HeldState = 2 // a supervisor released it: HQ stores it
	Dropped  HeldState = 3 // a supervisor dropped it: HQ will never store it
	Refused  HeldState = 4 // HQ refused it: the record is outside this device's sites
)

func (s HeldState) String() string {
	switch s {
	case Held:
		return "held"
	case Released:
		return "released"
	case Dropped:
		return "dropped"
	case Refused:
		return "refused"
	}
	return "unknown"
}

// HeldChange is one of this device's changes HQ held, as HQ last told.
type HeldChange struct {
	DeviceSeq  uint64    `cbor:"1,keyasint"`
	State      HeldState `cbor:"2,keyasint"`
	ClockAhead bool      `cbor:"3,keyasint,omitempty"` // held because its stamp is ahead of HQ's clock
	Reason     string    `cbor:"4,keyasint,omitempty"` // HQ's words, for a supervisor
}

// HeldAtHQ lists this device's changes HQ held, in device seq order, with
// what became of each.
func HeldAtHQ(w Workspace) ([]HeldChange, error) {
	b, err := w.Meta(metaHeld)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("changes held at HQ: %w", err)
	}
	var out []HeldChange
	if err := cbor.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("changes held at HQ: %w: %w", store.ErrCorrupt, err)
	}
	return out, nil
}

// heldState is the state a push result puts a change in.
func heldState(code wire.Code) (HeldState, bool) {
	switch code {
	case wire.CodeReleased:
		return Released, true
	case wire.CodeDropped:
		return Dropped, true
	case wire.CodeForbidden:
		return Refused, true
	case wire.CodeNone:
		return 0, false
	}
	return Held, true
}

// heldMeta merges HQ's results into the stored list and returns the meta
// entries to store with them (the list, and newSeq as the outcome seq to
// confirm), or nil when nothing changed.
func heldMeta(w Workspace, results []wire.PushResult, newSeq, oldSeq uint64) (map[string][]byte, error) {
	if len(results) == 0 && newSeq == oldSeq {
		return nil, nil
	}
	list, err := HeldAtHQ(w)
	if err != nil {
		return nil, err
	}
	for _, r := range results {
		state, ok := heldState(r.Code)
		if !ok {
			continue
		}
		i, found := slices.BinarySearchFunc(list, r.DeviceSeq, func(h HeldChange, seq uint64) int { return cmpU64(h.DeviceSeq, seq) })
		h := HeldChange{DeviceSeq: r.DeviceSeq, State: state, ClockAhead: r.Code == wire.CodeClockAhead, Reason: r.Reason}
		if found {
			if state == Released || state == Dropped {
				h.ClockAhead, h.Reason = list[i].ClockAhead, list[i].Reason // keep why it was held
			}
			list[i] = h
		} else {
			list = slices.Insert(list, i, h)
		}
	}
	for len(list) > maxHeldKept {
		i := slices.IndexFunc(list, func(h HeldChange) bool { return h.State != Held })
		if i < 0 {
			i = 0
		}
		list = slices.Delete(list, i, i+1)
	}
	b, err := cbor.Marshal(list)
	if err != nil {
		return nil, fmt.Errorf("changes held at HQ: %w", err)
	}
	return map[string][]byte{metaHeld: b, metaOutcomeSeq: u64(newSeq)}, nil
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// HeldNotice is one line a sync's status shows about changes HQ held: a
// catalogue key (assets/i18n) and the count it takes.
type HeldNotice struct {
	Key   string
	Count int
}

// HeldNotices are the lines to show after a sync that did sum, none when HQ
// held nothing and said nothing of what it held.
func HeldNotices(sum Summary) []HeldNotice {
	var out []HeldNotice
	for _, n := range []HeldNotice{
		{"sync.held", sum.Quarantined - sum.ClockAhead},
		{"sync.held_clock", sum.ClockAhead},
		{"sync.held_released", sum.Released},
		{"sync.held_dropped", sum.Dropped},
		{"sync.refused", sum.Refused},
	} {
		if n.Count > 0 {
			out = append(out, n)
		}
	}
	return out
}

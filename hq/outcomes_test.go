package hq

import (
	"slices"
	"testing"

	"fieldreg/sync/wire"
)

// TestOutcomesGoWholeAndInOrder: what a supervisor did reaches the device
// in order, a unit's run of changes as one entry in HQ's state, each entry
// whole in one response, within the response's limit, and the seq the
// device confirms never covers an outcome it was not sent.
func TestOutcomesGoWholeAndInOrder(t *testing.T) {
	var d Device
	for seq := uint64(10); seq < 13; seq++ {
		addOutcome(&d, seq, wire.CodeReleased, "released") // one household: 10, 11, 12
	}
	addOutcome(&d, 20, wire.CodeDropped, "dropped")
	addOutcome(&d, 21, wire.CodeReleased, "released") // another code: a new entry
	if len(d.Outcomes) != 3 || d.Outcomes[0].Count != 3 || d.OutcomeSeq != 3 {
		t.Fatalf("outcomes %+v (seq %d), want 3 entries, the first of 3 changes", d.Outcomes, d.OutcomeSeq)
	}
	held := []wire.PushResult{{DeviceSeq: 30, Code: wire.CodeInvalid}}
	for _, tc := range []struct {
		name      string
		limit     int
		wantSeqs  []uint64
		wantUpTo  uint64
		confirmed uint64
	}{
		{"all fit", 100, []uint64{30, 10, 11, 12, 20, 21}, 3, 0},
		{"the household does not fit: nothing", 3, []uint64{30}, 0, 0},
		{"the household fits, the rest waits", 4, []uint64{30, 10, 11, 12}, 1, 0},
		{"nothing fits: the device keeps what it confirmed", 1, []uint64{30}, 0, 0},
	} {
		got, upTo := outcomes(&d, held, tc.confirmed, tc.limit)
		var seqs []uint64
		for _, r := range got {
			seqs = append(seqs, r.DeviceSeq)
		}
		if !slices.Equal(seqs, tc.wantSeqs) || upTo != tc.wantUpTo {
			t.Errorf("%s: sent %v, confirm up to %d; want %v, %d", tc.name, seqs, upTo, tc.wantSeqs, tc.wantUpTo)
		}
	}
	confirmOutcomes(&d, 1)
	if len(d.Outcomes) != 2 || d.Outcomes[0].DeviceSeq != 20 {
		t.Errorf("after the device confirmed 1: %+v, want the dropped and the last released", d.Outcomes)
	}
	confirmOutcomes(&d, 99) // a number HQ never gave: nothing is forgotten
	if len(d.Outcomes) != 2 {
		t.Errorf("an unknown confirmation forgot outcomes: %+v", d.Outcomes)
	}
}

package store

import (
	"slices"
	"testing"

	"fieldreg/change"
	"fieldreg/registry"
)

// TestQuarantineActsAreAudited: a supervisor's release and drop are in the
// audit chain, one entry per change, naming the entry and the device.
func TestQuarantineActsAreAudited(t *testing.T) {
	w := newTestWorkspace(t)
	dev := newRemoteDevice(nil)
	h := registry.NewID()
	unit := []change.Change{
		dev.change(h, registry.KindHousehold, nil, map[string]string{"site": "camp-r"}),
		dev.change(registry.NewID(), registry.KindPerson, nil, map[string]string{"household_id": h.String(), "sex": "female"}), // no given_name
	}
	alone := dev.change(registry.NewID(), registry.KindPerson, nil, map[string]string{"sex": "male"})
	if _, err := w.ApplyRemoteUnits(append(unit, alone), []uint64{1, 1, 0}, nil); err != nil {
		t.Fatal(err)
	}
	q, err := w.Quarantined()
	if err != nil || len(q) != 3 {
		t.Fatalf("quarantine: %d entries, %v; want 3", len(q), err)
	}
	if _, err := w.DropQuarantined(q[0].QuarantineSeq, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.DropQuarantined(q[2].QuarantineSeq, nil); err != nil {
		t.Fatal(err)
	}
	var acts []string
	err = w.Audit(func(e AuditEntry) error {
		if e.Action == "quarantine drop" {
			acts = append(acts, e.Record.String())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{unit[0].Record.String(), unit[1].Record.String(), alone.Record.String()}
	if !slices.Equal(acts, want) {
		t.Errorf("audited drops %v, want %v", acts, want)
	}
	if rep, err := w.Verify(); err != nil {
		t.Errorf("verify after drops: %v %v", err, rep.Problems)
	}
}

package store

import (
	"errors"
	"testing"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
)

// A receiver checks a whole push against what it holds, and a reader of
// the log fetches many changes of it, each in one read.
func TestSeenChangesAndReadLoggedInOneRead(t *testing.T) {
	w := newTestWorkspace(t)
	dev := newRemoteDevice(nil)
	var sent []change.Change
	for _, site := range []string{"camp-a", "camp-b", "camp-c"} {
		sent = append(sent, dev.change(registry.NewID(), registry.KindHousehold, nil, map[string]string{"site": site}))
	}
	if _, err := w.ApplyRemote(sent, nil); err != nil {
		t.Fatal(err)
	}
	// The second change again; another change under the third's number;
	// a number never sent; another device's change.
	reused := dev.change(registry.NewID(), registry.KindHousehold, nil, map[string]string{"site": "camp-z"})
	reused.DeviceSeq = sent[2].DeviceSeq
	unsent := dev.change(registry.NewID(), registry.KindHousehold, nil, map[string]string{"site": "camp-y"})
	other := newRemoteDevice(nil).change(registry.NewID(), registry.KindHousehold, nil, map[string]string{"site": "camp-x"})
	asked := []change.Change{sent[1], reused, unsent, other}
	held, seen, err := w.SeenChanges(asked)
	if err != nil {
		t.Fatal(err)
	}
	wantSeen := []bool{true, true, false, false}
	wantRecord := []uuid.UUID{sent[1].Record, sent[2].Record, uuid.Nil, uuid.Nil}
	for i := range asked {
		if seen[i] != wantSeen[i] || held[i].Record != wantRecord[i] {
			t.Errorf("asked %d: seen %v, record %s; want %v, %s", i, seen[i], held[i].Record, wantSeen[i], wantRecord[i])
		}
		one, ok, err := w.SeenChange(asked[i].Device, asked[i].DeviceSeq)
		if err != nil || ok != seen[i] || one.Record != held[i].Record || one.Stamp != held[i].Stamp {
			t.Errorf("asked %d: SeenChanges says %v %s, SeenChange %v %s (%v)", i, seen[i], held[i].Record, ok, one.Record, err)
		}
	}

	logged, err := w.ChangesAfter(0, 0)
	if err != nil || len(logged) != 3 {
		t.Fatalf("log: %d changes, %v", len(logged), err)
	}
	got, err := w.ReadLogged([]uint64{logged[2].LogSeq, logged[0].LogSeq})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Record != logged[2].Change.Record || got[1].Record != logged[0].Change.Record {
		t.Errorf("ReadLogged gave %v, want the third and the first change in that order", got)
	}
	if _, err := w.ReadLogged([]uint64{logged[0].LogSeq, logged[2].LogSeq + 1}); !errors.Is(err, ErrNotFound) {
		t.Errorf("a seq past the log: %v, want an error wrapping ErrNotFound", err)
	}
	if d := w.Damaged(); len(d) != 0 {
		t.Errorf("asking for a seq past the log marked the workspace damaged: %v", d)
	}
}

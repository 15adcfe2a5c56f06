package store

import (
	"slices"
	"testing"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
)

// A screen that watches the workspace hears every record written after it
// started watching — by a local commit, a delete or a change from another
// device — and nothing once it stops or the workspace locks.
func TestWatchHearsEveryWriteUntilStopped(t *testing.T) {
	w := newTestWorkspace(t)
	before, edits := household("camp-before", "Amina")
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}

	var heard []uuid.UUID
	stop := w.Watch(func(rec registry.Record) { heard = append(heard, rec.ID) })

	h, edits := household("camp-a", "Hawa", "Musa")
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	if len(heard) != 3 || heard[0] != h {
		t.Fatalf("after registering a household of two, heard %v, want the household and both members", heard)
	}
	if slices.Contains(heard, before) {
		t.Fatal("heard a record written before watching")
	}

	heard = nil
	dev := newRemoteDevice(nil)
	remote := dev.change(registry.NewID(), registry.KindHousehold, nil, map[string]string{"site": "camp-r"})
	if _, err := w.ApplyRemote([]change.Change{remote}, nil); err != nil {
		t.Fatal(err)
	}
	if len(heard) != 1 || heard[0] != remote.Record {
		t.Fatalf("after a change from another device, heard %v, want %s", heard, remote.Record)
	}

	heard = nil
	if _, err := w.Delete(edits[1].Record); err != nil {
		t.Fatal(err)
	}
	if len(heard) != 1 {
		t.Fatalf("after a delete, heard %v", heard)
	}

	stop()
	heard = nil
	_, edits = household("camp-b", "Idris")
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	if len(heard) != 0 {
		t.Fatalf("heard %v after stop", heard)
	}
}

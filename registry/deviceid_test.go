package registry_test

import (
	"slices"
	"testing"

	"github.com/google/uuid"

	"fieldreg/registry"
)

func TestDeviceBoundIDs(t *testing.T) {
	a, b := uuid.New(), uuid.New()
	var ids []uuid.UUID
	for range 1000 {
		id := registry.NewIDFor(a)
		if !registry.DeviceBound(id) || !registry.MadeBy(id, a) {
			t.Fatalf("id %s of device a is not bound to it", id)
		}
		if registry.MadeBy(id, b) {
			t.Fatalf("id %s of device a passes as device b's", id)
		}
		ids = append(ids, id)
	}
	if !slices.IsSortedFunc(ids, func(x, y uuid.UUID) int { return slices.Compare(x[:8], y[:8]) }) {
		t.Error("device-bound ids do not sort by creation")
	}
	seen := map[uuid.UUID]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("id %s made twice", id)
		}
		seen[id] = true
	}
	// A plain id is bound to nobody; one with a bit of its tag or time
	// changed is no longer a's.
	if plain := registry.NewID(); registry.DeviceBound(plain) || registry.MadeBy(plain, a) {
		t.Errorf("NewID's %s passes as device-bound", plain)
	}
	for _, at := range []int{0, 5, 9, 15} {
		id := ids[0]
		id[at] ^= 1
		if registry.MadeBy(id, a) {
			t.Errorf("id with byte %d changed still passes as device a's", at)
		}
	}
}

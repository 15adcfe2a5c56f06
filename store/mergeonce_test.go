package store

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
)

// ApplyRemote stores the record its check merged instead of merging the
// change again. Whatever one batch holds — several changes to one record,
// concurrent ones, refused ones between them — each stored record must be
// what merging its applied changes gives, worked out here on its own.
func TestApplyRemoteStoresTheMergeOfItsAppliedChanges(t *testing.T) {
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 11))
		w := newTestWorkspace(t)
		records := []uuid.UUID{registry.NewID(), registry.NewID(), registry.NewID()}
		devices := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
		seqs := make([]uint64, len(devices))
		base := change.MakeHLC(time.Now().Add(-time.Hour).UnixMilli(), 0)
		var batch []change.Change
		for range 30 {
			d := r.IntN(len(devices))
			seqs[d]++
			c := change.Change{Device: devices[d], DeviceSeq: seqs[d], Record: records[r.IntN(len(records))],
				Kind: registry.KindHousehold, Author: "enumerator",
				// Few distinct clocks: concurrent writes to one field.
				Stamp: change.Stamp{HLC: base + uint64(r.IntN(6)), Device: devices[d]}}
			for _, f := range []string{"site", "phone", "status"} {
				if r.IntN(2) == 0 {
					continue
				}
				v := []string{"north", "south", "+252 61", "active", ""}[r.IntN(5)]
				c.Writes = append(c.Writes, change.Write{Field: f, Value: v})
			}
			if len(c.Writes) == 0 {
				c.Writes = []change.Write{{Field: "site", Value: "east"}}
			}
			batch = append(batch, c)
		}
		results, err := w.ApplyRemote(batch, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := map[uuid.UUID]*registry.Record{}
		applied := 0
		for i, c := range batch {
			if results[i].Outcome != Applied {
				continue
			}
			applied++
			rec := want[c.Record]
			if rec == nil {
				rec = &registry.Record{ID: c.Record, Kind: c.Kind, Fields: map[string]change.Field{}}
				want[c.Record] = rec
			}
			rec.Apply(c)
		}
		if applied == 0 || applied == len(batch) {
			t.Logf("seed %d: %d of %d applied", seed, applied, len(batch))
		}
		for id, rec := range want {
			got, err := w.Get(id)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := appendRecord(nil, got, nil), appendRecord(nil, *rec, nil); !bytes.Equal(g, w) {
				t.Errorf("seed %d: record %s is\n%+v\nwant the merge of its applied changes\n%+v", seed, id, got, *rec)
			}
		}
	}
}

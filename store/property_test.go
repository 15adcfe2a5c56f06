package store

import (
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/google/uuid"
	"pgregory.net/rapid"

	"fieldreg/change"
	"fieldreg/registry"
)

// TestPropertyReplicasConverge: several workspaces make random edits to a
// shared set of records and exchange their change logs in random batches,
// with duplicates and in any order. Once everyone has everything, every
// replica holds the same records, the same conflicts, and verifies.
func TestPropertyReplicasConverge(t *testing.T) {
	rounds := 1 // rapid.Check runs 100 cases per round (-rapid.checks to change)
	if os.Getenv("FIELDREG_SOAK") == "1" {
		rounds = 10
	}
	for range rounds {
		rapid.Check(t, replicasConverge)
	}
}

func replicasConverge(rt *rapid.T) {
	{
		n := rapid.IntRange(2, 3).Draw(rt, "replicas")
		reps := make([]*Workspace, n)
		for i := range reps {
			opts := testOptions()
			opts.Validate = nil
			dir, err := os.MkdirTemp("", "fieldreg-property-")
			if err != nil {
				rt.Fatal(err)
			}
			defer os.RemoveAll(dir)
			w, err := Create(dir, fmt.Sprintf("user%d", i), testPass, opts)
			if err != nil {
				rt.Fatal(err)
			}
			defer w.Close()
			reps[i] = w
		}
		ids := []uuid.UUID{registry.NewID(), registry.NewID(), registry.NewID()}
		fields := []string{"given_name", "family_name", "sex"}
		// seen[i] is the log seq up to which replica i pulled from each replica.
		pulled := make([][]uint64, n)
		for i := range pulled {
			pulled[i] = make([]uint64, n)
		}
		steps := rapid.IntRange(1, 40).Draw(rt, "steps")
		for range steps {
			i := rapid.IntRange(0, n-1).Draw(rt, "replica")
			if rapid.Bool().Draw(rt, "edit") {
				id := ids[rapid.IntRange(0, len(ids)-1).Draw(rt, "record")]
				f := fields[rapid.IntRange(0, len(fields)-1).Draw(rt, "field")]
				v := rapid.SampledFrom([]string{"a", "b", "c", ""}).Draw(rt, "value")
				if _, err := reps[i].Commit(Edit{Record: id, Kind: registry.KindPerson, Set: map[string]string{f: v}, Resolve: rapid.Bool().Draw(rt, "resolve")}); err != nil {
					rt.Fatal(err)
				}
				continue
			}
			from := rapid.IntRange(0, n-1).Draw(rt, "from")
			if from == i {
				continue
			}
			// Pull a batch, sometimes from an older cursor (a redelivery).
			after := pulled[i][from]
			if after > 0 && rapid.Bool().Draw(rt, "redeliver") {
				after = rapid.Uint64Range(0, after).Draw(rt, "after")
			}
			logged, err := reps[from].ChangesAfter(after, rapid.IntRange(1, 5).Draw(rt, "batch"))
			if err != nil {
				rt.Fatal(err)
			}
			var batch []change.Change
			for _, l := range logged {
				batch = append(batch, l.Change)
				pulled[i][from] = max(pulled[i][from], l.LogSeq)
			}
			if _, err := reps[i].ApplyRemote(batch, nil); err != nil {
				rt.Fatal(err)
			}
		}
		// Everyone pulls everything, from the start, in reverse order.
		for i := range reps {
			for from := range reps {
				logged, _ := reps[from].ChangesAfter(0, 0)
				var batch []change.Change
				for _, l := range slices.Backward(logged) {
					batch = append(batch, l.Change)
				}
				if _, err := reps[i].ApplyRemote(batch, nil); err != nil {
					rt.Fatal(err)
				}
			}
		}
		for _, id := range ids {
			first, err0 := reps[0].Get(id)
			for i := 1; i < n; i++ {
				rec, err := reps[i].Get(id)
				if (err0 == nil) != (err == nil) {
					rt.Fatalf("record %s: replica 0 %v, replica %d %v", id, err0, i, err)
				}
				if err == nil && !sameRecord(first, rec) {
					rt.Fatalf("record %s differs between replica 0 and %d:\n%v\n%v", id, i, first.Values(), rec.Values())
				}
			}
		}
		for i, w := range reps {
			if !slices.Equal(w.Conflicted(), reps[0].Conflicted()) {
				rt.Fatalf("replica %d conflicts %v, replica 0 %v", i, w.Conflicted(), reps[0].Conflicted())
			}
			if rep, err := w.Verify(); err != nil {
				rt.Fatalf("replica %d: %v %v", i, err, rep.Problems)
			}
		}
	}
}

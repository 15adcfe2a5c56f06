//go:build unix

package store

import (
	"maps"
	"math/rand/v2"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
)

// BenchmarkApplyRemoteHouseholds is HQ's writer without HQ: 2,000
// households of six from 100 devices (14,000 changes), applied in units
// (household and members) in transactions of 1,120 changes — eight pushes
// of 140, what HQ's group commit takes at once. It reports the CPU cost
// per change of the store's part of ingest: checking, merging, encoding,
// reading back, sealing, auditing and the seen table.
func BenchmarkApplyRemoteHouseholds(b *testing.B) {
	const (
		devices    = 100
		households = 2000
		perTx      = 1120
	)
	r := rand.New(rand.NewPCG(3, 4))
	var changes []change.Change
	var units []uint64
	devSeq := make([]uint64, devices)
	ids := make([]uuid.UUID, devices)
	for i := range ids {
		ids[i] = uuid.New()
	}
	hlc := change.MakeHLC(time.Now().Add(-time.Hour).UnixMilli(), 0)
	for h := range households {
		d := h % devices
		for _, e := range fixtureHousehold(r, 6) {
			devSeq[d]++
			hlc++
			c := change.Change{Device: ids[d], DeviceSeq: devSeq[d], Record: e.Record, Kind: e.Kind, Author: "enumerator",
				Stamp: change.Stamp{HLC: hlc, Device: ids[d]}}
			for _, name := range slices.Sorted(maps.Keys(e.Set)) {
				c.Writes = append(c.Writes, change.Write{Field: name, Value: e.Set[name]})
			}
			changes = append(changes, c)
			units = append(units, uint64(h+1))
		}
	}
	meta := map[string][]byte{"hq/state": make([]byte, 20<<10)}
	var total, cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		w, err := Create(b.TempDir(), "hq", testPass, testOptions())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime(b)
		for i := 0; i < len(changes); i += perTx {
			j := min(i+perTx, len(changes))
			res, err := w.ApplyRemoteUnits(changes[i:j], units[i:j], meta)
			if err != nil {
				b.Fatal(err)
			}
			for k, r := range res {
				if r.Outcome != Applied {
					b.Fatalf("change %d: %v %s", i+k, r.Outcome, r.Reason)
				}
			}
		}
		total += time.Since(start)
		cpu += cpuTime(b) - cpu0
		b.StopTimer()
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	n := float64(b.N * len(changes))
	b.ReportMetric(float64(total.Microseconds())/n, "µs/change")
	b.ReportMetric(float64(cpu.Microseconds())/n, "cpu-µs/change")
}

// cpuTime is the CPU the process has used, in user and system mode: the
// writer's cost without the waits for the disk and for other programs.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

package match_test

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/internal/corpus"
	"fieldreg/registry"
	"fieldreg/registry/match"
)

// BenchmarkQuality measures precision, recall and F1 of the default
// thresholds on a corpus generated with another seed than the one the
// weights were tuned on (seed 1).
func BenchmarkQuality(b *testing.B) {
	for range b.N {
		c := corpus.Generate(2, 20_000, 0.1)
		e := c.Evaluate(match.DefaultConfig())
		b.ReportMetric(e.Likely.Precision, "precision")
		b.ReportMetric(e.Likely.Recall, "recall")
		b.ReportMetric(e.Likely.F1, "f1")
		b.ReportMetric(e.Possible.Recall, "recall-possible")
	}
}

var checkIndexes struct {
	sync.Mutex
	built map[int]*checkSetup
}

type checkSetup struct {
	ix      *match.Index
	queries []match.Person
	heapMB  float64
}

// setupCheck builds the index for n persons once per process, and only when a
// benchmark that needs it runs.
func setupCheck(n int) *checkSetup {
	checkIndexes.Lock()
	defer checkIndexes.Unlock()
	if s := checkIndexes.built[n]; s != nil {
		return s
	}
	c := corpus.Generate(3, n, 0.1)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ix := match.NewIndex(match.DefaultConfig())
	ix.PutAll(c.Persons)
	runtime.GC()
	runtime.ReadMemStats(&after)
	s := &checkSetup{ix: ix, heapMB: float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)}
	// Check the second registrations as if being typed again, and ordinary
	// persons, half and half.
	for i, p := range c.Persons {
		if i%(n/1000) == 0 {
			s.queries = append(s.queries, p)
		}
	}
	if checkIndexes.built == nil {
		checkIndexes.built = make(map[int]*checkSetup)
	}
	checkIndexes.built[n] = s
	return s
}

func BenchmarkCheck(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := setupCheck(n)
			// Every query is timed each iteration, so percentiles hold even
			// at -benchtime 1x, which make bench uses.
			latencies := make([]time.Duration, 0, b.N*len(s.queries))
			b.ResetTimer()
			for range b.N {
				for _, q := range s.queries {
					start := time.Now()
					s.ix.Candidates(q, 10)
					latencies = append(latencies, time.Since(start))
				}
			}
			b.StopTimer()
			slices.Sort(latencies)
			ms := func(q float64) float64 {
				return float64(latencies[int(q*float64(len(latencies)-1))]) / float64(time.Millisecond)
			}
			b.ReportMetric(ms(0.5), "p50-ms")
			b.ReportMetric(ms(0.95), "p95-ms")
			b.ReportMetric(s.heapMB, "index-MB")
		})
	}
}

func BenchmarkIndexBuild(b *testing.B) {
	c := corpus.Generate(3, 100_000, 0.1)
	b.ResetTimer()
	for range b.N {
		ix := match.NewIndex(match.DefaultConfig())
		for _, p := range c.Persons {
			ix.Put(p)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	for range b.N {
		corpus.Generate(int64(b.N), 100_000, 0.1)
	}
}

func BenchmarkPairs(b *testing.B) {
	s := setupCheck(100_000)
	b.ResetTimer()
	for range b.N {
		b.ReportMetric(float64(len(s.ix.Pairs())), "pairs")
	}
}

// BenchmarkRecordIndexBuild is the matching share of unlocking a workspace:
// every record handed over, then the first check.
func BenchmarkRecordIndexBuild(b *testing.B) {
	c := corpus.Generate(3, 100_000, 0.1)
	stamp := change.Stamp{HLC: 1 << 20, Device: uuid.MustParse("00000000-0000-0000-0000-000000000001")}
	var recs []registry.Record
	for _, h := range c.Households {
		hh, members := h.Records(stamp)
		recs = append(recs, hh)
		recs = append(recs, members...)
	}
	b.ResetTimer()
	for range b.N {
		ri := match.NewRecordIndex(match.DefaultConfig())
		for _, r := range recs {
			ri.Index(r)
		}
		ri.Len()
	}
}

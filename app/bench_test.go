package app

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"fieldreg/internal/corpus"
	"fieldreg/registry"
	"fieldreg/store"
)

const benchHouseholds = 100_000

var bench100k struct {
	once sync.Once
	dir  string
	err  error
}

// benchWorkspace builds, once per test binary, a workspace of 100k
// households (each with its head: 200k records) in batched commits with a
// cheap KDF, and returns its directory.
func benchWorkspace(b *testing.B) string {
	bench100k.once.Do(func() {
		// FIELDREG_BENCH_CACHE keeps the fixture between runs.
		if cache := os.Getenv("FIELDREG_BENCH_CACHE"); cache != "" {
			bench100k.dir = filepath.Join(cache, "app-100k")
			if store.Exists(bench100k.dir) {
				return
			}
		} else {
			dir, err := os.MkdirTemp("", "fieldreg-app-bench-")
			if err != nil {
				bench100k.err = err
				return
			}
			bench100k.dir = filepath.Join(dir, "workspace")
		}
		ws, err := store.Create(bench100k.dir, testAdmin, []byte(testPass), store.Options{KDF: cheapKDF, Now: screenshotNow.Local})
		if err != nil {
			bench100k.err = err
			return
		}
		defer ws.Close()
		var edits []store.Edit
		for i, h := range corpus.Households(42, benchHouseholds) {
			f := h.Fields()
			f["site"] = []string{"camp_north", "camp_south", "collective_centre_school", "informal_settlement_river", "host_community_town"}[i%5]
			delete(f, "gps")
			edits = append(edits, store.Edit{Record: h.ID, Kind: registry.KindHousehold, Set: f})
			for _, m := range h.Members {
				if m.Relationship == "head" {
					edits = append(edits, store.Edit{Record: m.ID, Kind: registry.KindPerson, Set: m.Fields(h.ID)})
				}
			}
			if len(edits) >= 2000 {
				if _, bench100k.err = ws.Commit(edits...); bench100k.err != nil {
					return
				}
				edits = edits[:0]
			}
		}
		if len(edits) > 0 {
			_, bench100k.err = ws.Commit(edits...)
		}
	})
	if bench100k.err != nil {
		b.Fatal(bench100k.err)
	}
	return bench100k.dir
}

// BenchmarkHouseholdList100k: unlock (KDF cheap), then open the household
// list; reports unlock time (until the home screen shows), the time the
// roster and then the duplicate index take to attach in the background,
// list time and heap in use.
func BenchmarkHouseholdList100k(b *testing.B) {
	dir := benchWorkspace(b)
	var unlock, attach, list []time.Duration
	var heap uint64
	for b.Loop() {
		a := test.NewTempApp(b)
		u := openTestUI(b, a, dir, &fakeClock{t: screenshotNow})
		u.inline = false // the roster and duplicate index attach off the unlock's path, as in the app
		start := time.Now()
		test.Type(u.unlock.user, testAdmin)
		test.Type(u.unlock.pass, testPass)
		test.Tap(u.unlock.unlock)
		u.tasks.Wait() // not the indexes: the screen is usable before they are built
		unlock = append(unlock, time.Since(start))
		if u.ws == nil {
			b.Fatal(u.unlock.message.Text)
		}
		start = time.Now()
		u.slow.Wait() // the roster, then the duplicate index (at 100k persons the home screen does not count duplicates by itself)
		attach = append(attach, time.Since(start))
		if u.roster == nil || u.dups == nil {
			b.Fatal("roster or duplicate index not attached")
		}
		u.inline = true
		start = time.Now()
		u.showTab(tabFind)
		u.find.reload()
		u.wait()
		list = append(list, time.Since(start))
		if len(u.find.results) != benchHouseholds {
			b.Fatalf("list shows %d households", len(u.find.results))
		}
		runtime.GC()
		var mem runtime.MemStats
		runtime.ReadMemStats(&mem)
		heap = max(heap, mem.HeapAlloc)
		u.lock()
		u.slow.Wait()
	}
	b.ReportMetric(ms(median(unlock)), "unlock-ms")
	b.ReportMetric(ms(median(attach)), "attach-ms")
	b.ReportMetric(ms(median(list)), "list-ms")
	b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
}

// BenchmarkSearchAsYouType100k: the latency of each keystroke's search
// (misspelled name typed letter by letter), from the debounced call to the
// list showing the result.
func BenchmarkSearchAsYouType100k(b *testing.B) {
	dir := benchWorkspace(b)
	a := test.NewTempApp(b)
	u := openTestUI(b, a, dir, &fakeClock{t: screenshotNow})
	test.Type(u.unlock.user, testAdmin)
	test.Type(u.unlock.pass, testPass)
	test.Tap(u.unlock.unlock)
	u.tasks.Wait()
	if u.ws == nil {
		b.Fatal(u.unlock.message.Text)
	}
	u.showTab(tabFind)
	u.tasks.Wait()
	f := u.find
	var lat []time.Duration
	queries := []string{"mohamed ali", "fatuma hasan", "ahmad karimi", "olena kovalenko", "amina yusuf"}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		q := queries[i%len(queries)]
		f.search.SetText("")
		for k := 1; k <= len(q); k++ {
			f.search.Text = q[:k]
			start := time.Now()
			f.debounce.flush()
			u.tasks.Wait()
			lat = append(lat, time.Since(start))
		}
	}
	slices.Sort(lat)
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms/key")
	b.ReportMetric(ms(lat[len(lat)*95/100]), "p95-ms/key")
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkDuplicatePairs100k times counting the possible duplicate pairs
// at 100k households, and how long a commit made meanwhile waits.
func BenchmarkDuplicatePairs100k(b *testing.B) {
	dir := benchWorkspace(b)
	dups, r := newIndexes(screenshotNow.Local)
	ws, err := store.Open(dir, testAdmin, []byte(testPass), store.Options{KDF: cheapKDF, Now: screenshotNow.Local, Indexes: []store.Indexer{dups, r}})
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	b.ResetTimer()
	for b.Loop() {
		done := make(chan struct{})
		var pairs int
		go func() {
			defer close(done)
			p, err := countPairs(ws, nil)
			if err != nil {
				b.Error(err)
			}
			pairs = len(p)
		}()
		var worst time.Duration
		for commits := 0; ; commits++ {
			select {
			case <-done:
				b.ReportMetric(float64(pairs), "pairs")
				b.ReportMetric(float64(worst.Milliseconds()), "worst-commit-ms")
				goto next
			default:
			}
			start := time.Now()
			if _, err := ws.Commit(store.Edit{Record: registry.NewID(), Kind: registry.KindHousehold, Set: map[string]string{"site": "camp_north", "consent": "true"}}); err != nil {
				b.Fatal(err)
			}
			worst = max(worst, time.Since(start))
		}
	next:
	}
}

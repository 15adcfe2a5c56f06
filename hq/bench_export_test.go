package hq_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
)

// BenchmarkExportBothEngines exports the same HQ store of
// FIELDREG_BENCH_PERSONS persons (default 1,000,000, in households of five)
// as person-level CSV from the bbolt file, then again after moving its
// buckets to PostgreSQL (store.MoveToPostgres), in one run.
func BenchmarkExportBothEngines(b *testing.B) {
	persons := 1_000_000
	if s := os.Getenv("FIELDREG_BENCH_PERSONS"); s != "" {
		persons, _ = strconv.Atoi(s)
	}
	forms, err := registry.BuiltinForms()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	opts := store.Options{KDF: cheapKDF}
	w, err := store.Create(dir, "hq", testPass, opts)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	r := rand.New(rand.NewPCG(1, 2))
	var batch []store.Edit
	for h := 0; h < persons/5; h++ {
		hid := registry.NewID()
		batch = append(batch, store.Edit{Record: hid, Kind: registry.KindHousehold, Set: map[string]string{
			"site": "camp_north", "admin1": "North", "admin2": "Lakeside", "consent": "true", "status": "active"}})
		for m := range 5 {
			rel := "child"
			if m == 0 {
				rel = "head"
			}
			batch = append(batch, store.Edit{Record: registry.NewID(), Kind: registry.KindPerson, Set: map[string]string{
				"household_id": hid.String(), "relationship": rel, "given_name": fmt.Sprintf("Given%d", r.IntN(5000)),
				"family_name": fmt.Sprintf("Family%d", r.IntN(20000)), "sex": []string{"female", "male"}[r.IntN(2)],
				"birth_date": fmt.Sprintf("%d-%02d-%02d", 1950+r.IntN(70), 1+r.IntN(12), 1+r.IntN(28)),
				"phone":      fmt.Sprintf("+963 9%08d", r.IntN(100000000)), "document_number": fmt.Sprintf("N%09d", r.IntN(1e9))}})
		}
		if len(batch) >= 6000 {
			if _, err := w.Commit(batch...); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		if _, err := w.Commit(batch...); err != nil {
			b.Fatal(err)
		}
	}
	w.Close()
	b.Logf("fixture: %d persons in %v", persons, time.Since(start).Round(time.Millisecond))

	export := func(engine string) {
		w, err := store.Open(dir, "hq", testPass, opts)
		if err != nil {
			b.Fatal(err)
		}
		defer w.Close()
		start := time.Now()
		n, err := hq.Export(w, forms, hq.FormatCSV, time.Now(), io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		b.ReportMetric(float64(persons)/took.Seconds(), engine+"-persons/s")
		b.Logf("%s: exported %d households (%d persons) in %v", engine, n, persons, took.Round(time.Millisecond))
	}
	b.ResetTimer()
	export("bbolt")
	if cluster == nil {
		b.Log("FIELDREG_NO_PG=1: PostgreSQL skipped")
		return
	}
	b.StopTimer()
	url := cluster.NewURL(b)
	start = time.Now()
	if _, err := store.MoveToPostgres(dir, url, time.Minute); err != nil {
		b.Fatal(err)
	}
	b.Logf("moved to PostgreSQL in %v", time.Since(start).Round(time.Millisecond))
	b.StartTimer()
	export("postgres")
}

package store

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"fieldreg/change"
	"fieldreg/registry"
)

// Benchmarks print the figures docs/benchmarks.md keeps. `make bench` runs
// them with -benchtime 1x, so each one measures many operations per b.N and
// reports percentiles itself.

var (
	givenNames  = strings.Fields("Amina Fatima Mohammed Ahmed Yusuf Omar Leila Sami Hassan Khadija Aisha Ibrahim Mariam Zainab Ali Hamza Salma Noor Huda Bilal Abdi Faduma Hodan Asha Deqa Ayaan Hawa Idris Musa Halima Grace Esther John Peter Mary Joseph Samuel Ruth Daniel Sarah Jean Marie Pierre Claude Josephine Emmanuel Divine Olga Natalia Andriy Olena Iryna Mykola Svitlana Dmytro Rohingya Nur Rashid Karim Jamila Farida Tariq Rania Walid Dalia Hiba Yara Lina Rami Tamer Nadia Samira Kamal")
	familyNames = strings.Fields("Al-Hassan Haddad Okafor Mensah Abdullahi Mohamud Warsame Farah Hussein Ibrahim Yousef Khalil Nasser Saleh Mansour Darwish Kovalenko Shevchenko Bondarenko Tkachenko Kravchenko Ndayisaba Uwimana Habimana Niyonzima Mugisha Otieno Wanjiru Kamau Achieng Deng Garang Majok Akol Lual Tesfaye Bekele Haile Girma Alemu")
)

// syllables make family names varied enough to fill a realistic dictionary.
var syllables = strings.Fields("ka ma na sa ta ri lo mu de ha bi zu ye fa go ne wa la ro si")

func fixtureName(r *rand.Rand) (given, family string) {
	given = givenNames[r.IntN(len(givenNames))]
	if r.IntN(3) == 0 {
		family = familyNames[r.IntN(len(familyNames))]
	} else {
		var b strings.Builder
		for range 2 + r.IntN(2) {
			b.WriteString(syllables[r.IntN(len(syllables))])
		}
		family = strings.ToUpper(b.String()[:1]) + b.String()[1:]
	}
	return given, family
}

// fixtureHousehold returns the edits registering one household of size persons.
func fixtureHousehold(r *rand.Rand, size int) []Edit {
	h := registry.NewID()
	edits := []Edit{{Record: h, Kind: registry.KindHousehold, Set: map[string]string{
		"site": fmt.Sprintf("site-%02d", r.IntN(40)), "admin1": "North", "admin2": "District 4",
		"gps": fmt.Sprintf("%.5f %.5f", 2+r.Float64(), 45+r.Float64()), "shelter_type": "tent",
		"phone": fmt.Sprintf("+2526%08d", r.IntN(1e8)), "consent": "true", "status": "active",
		"displacement_date": "2026-03-14",
	}}}
	_, family := fixtureName(r)
	for i := range size {
		given, _ := fixtureName(r)
		rel := "child"
		if i == 0 {
			rel = "head"
		}
		edits = append(edits, Edit{Record: registry.NewID(), Kind: registry.KindPerson, Set: map[string]string{
			"household_id": h.String(), "relationship": rel, "given_name": given, "family_name": family,
			"sex": []string{"female", "male"}[r.IntN(2)], "birth_date": fmt.Sprintf("%d-0%d-1%d", 1950+r.IntN(75), 1+r.IntN(9), r.IntN(10)),
			"nationality": "SO", "document_type": "none", "specific_needs": "",
		}})
	}
	return edits
}

var fixtures = struct {
	sync.Mutex
	dirs map[int]string
}{dirs: map[int]string{}}

// Fixture returns a closed workspace (user "admin", testPass, cheap KDF)
// holding about persons persons in households of five. It is built once per
// benchmark process, with batched commits, and removed when the process ends.
func Fixture(tb testing.TB, persons int) string {
	fixtures.Lock()
	defer fixtures.Unlock()
	if dir, ok := fixtures.dirs[persons]; ok {
		return dir
	}
	parent, err := os.MkdirTemp("", "fieldreg-fixture-")
	if err != nil {
		tb.Fatal(err)
	}
	fixtureCleanup = append(fixtureCleanup, parent)
	dir := filepath.Join(parent, "ws")
	opts := testOptions()
	opts.Validate = nil
	w, err := Create(dir, "admin", testPass, opts)
	if err != nil {
		tb.Fatal(err)
	}
	r := rand.New(rand.NewPCG(uint64(persons), 1))
	var batch []Edit
	for n := 0; n < persons; n += 5 {
		batch = append(batch, fixtureHousehold(r, 5)...)
		if len(batch) >= 600 {
			if _, err := w.Commit(batch...); err != nil {
				tb.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if _, err := w.Commit(batch...); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	fixtures.dirs[persons] = dir
	return dir
}

var fixtureCleanup []string

func percentiles(b *testing.B, samples []time.Duration, unit string) {
	if len(samples) == 0 {
		return
	}
	slices.Sort(samples)
	p := func(q float64) float64 {
		return float64(samples[int(q*float64(len(samples)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(p(0.50), "p50-"+unit)
	b.ReportMetric(p(0.95), "p95-"+unit)
}

// BenchmarkCommitHousehold registers households of six, one durable commit
// each, sealed (the store) and plain (the same writes to bbolt unencrypted),
// and reports the ratio of their medians.
func BenchmarkCommitHousehold(b *testing.B) {
	const perRun = 200
	opts := testOptions()
	opts.Validate = nil
	w, err := Create(b.TempDir(), "admin", testPass, opts)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	p, err := openPlain(filepath.Join(b.TempDir(), "plain.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer p.db.Close()
	// The two take turns, household by household, so both meet the same disk
	// and the same neighbours on the machine: the ratio is fair.
	r := rand.New(rand.NewPCG(1, 2))
	var sealed, plain []time.Duration
	b.ResetTimer()
	for range b.N {
		for range perRun {
			edits := fixtureHousehold(r, 6)
			start := time.Now()
			if _, err := w.Commit(edits...); err != nil {
				b.Fatal(err)
			}
			sealed = append(sealed, time.Since(start))
			start = time.Now()
			if err := p.commit(edits); err != nil {
				b.Fatal(err)
			}
			plain = append(plain, time.Since(start))
		}
	}
	b.StopTimer()
	percentiles(b, sealed, "ms")
	percentiles(b, plain, "ms-plain")
	slices.Sort(sealed)
	slices.Sort(plain)
	b.ReportMetric(float64(sealed[len(sealed)/2])/float64(plain[len(plain)/2]), "sealed/plain")
}

// plainStore does what Commit does — same buckets, same CBOR, read the
// record, log the change, the seen entry and a hash-chained audit entry —
// without sealing: the baseline for the cost of encryption.
type plainStore struct {
	db        *bolt.DB
	clock     *change.Clock
	seq, log  uint64
	auditSeq  uint64
	auditHash []byte
}

func openPlain(path string) (*plainStore, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return nil, err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return err
			}
		}
		return nil
	})
	return &plainStore{db: db, clock: change.NewClock(uuid.New(), nil), auditHash: make([]byte, 32)}, err
}

func (p *plainStore) commit(edits []Edit) error {
	return p.db.Update(func(tx *bolt.Tx) error {
		for _, e := range edits {
			recs := tx.Bucket([]byte(bucketRecords))
			rec := registry.Record{ID: e.Record, Kind: e.Kind, Fields: map[string]change.Field{}}
			var log []uint64
			if v := recs.Get(e.Record[:]); v != nil {
				var s storedRecord
				if err := decode(v, &s); err != nil {
					return err
				}
				rec, log = s.record(e.Record), s.Log
			}
			p.seq++
			p.log++
			c := change.Change{Device: p.clock.Device(), DeviceSeq: p.seq, Record: e.Record, Kind: e.Kind, Author: "admin", Stamp: p.clock.Now()}
			for _, f := range slices.Sorted(func(yield func(string) bool) {
				for k := range e.Set {
					if !yield(k) {
						return
					}
				}
			}) {
				c.Writes = append(c.Writes, change.Write{Field: f, Value: e.Set[f], Base: rec.Fields[f].Stamp()})
			}
			change.Apply(rec.Fields, c)
			log = append(log, p.log)
			if err := recs.Put(e.Record[:], encode(toStoredRecord(rec, log))); err != nil {
				return err
			}
			tx.Bucket([]byte(bucketChanges)).Put(seqKey(p.log), encode(toStoredChange(c)))
			tx.Bucket([]byte(bucketSeen)).Put(binary.BigEndian.AppendUint64(c.Device[:], c.DeviceSeq), seqKey(p.log))
			p.auditSeq++
			a := encode(storedAudit{AuditSeq: p.auditSeq, Time: time.Now().UnixMilli(), User: "admin", Action: "create", Record: e.Record, Kind: e.Kind, Fields: c.FieldNames(), Prev: p.auditHash})
			p.auditHash = chainHash(p.auditHash, a)
			tx.Bucket([]byte(bucketAudit)).Put(seqKey(p.auditSeq), a)
			tx.Bucket([]byte(bucketState)).Put(stateAuditHead, encode(storedAuditHead{AuditSeq: p.auditSeq, Hash: p.auditHash}))
		}
		return nil
	})
}

// BenchmarkCommitHouseholdAt registers households of six, one durable commit
// each, into a workspace already holding 10k and 100k persons (a copy of the
// fixture, which stays as it was for the other benchmarks).
func BenchmarkCommitHouseholdAt(b *testing.B) {
	const perRun = 200
	for _, n := range benchSizes[:2] {
		b.Run(strconv.Itoa(n/1000)+"k", func(b *testing.B) {
			dir := filepath.Join(b.TempDir(), "ws")
			copyWorkspace(b, Fixture(b, n), dir)
			opts := testOptions()
			opts.Validate = nil
			w, err := Open(dir, "admin", testPass, opts)
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			r := rand.New(rand.NewPCG(7, 8))
			var samples []time.Duration
			b.ResetTimer()
			for range b.N {
				for range perRun {
					edits := fixtureHousehold(r, 6)
					start := time.Now()
					if _, err := w.Commit(edits...); err != nil {
						b.Fatal(err)
					}
					samples = append(samples, time.Since(start))
				}
			}
			b.StopTimer()
			percentiles(b, samples, "ms")
		})
	}
}

func copyWorkspace(b *testing.B, from, to string) {
	if err := os.MkdirAll(to, 0o700); err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{DBFile, KeyFile} {
		data, err := os.ReadFile(filepath.Join(from, name))
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, name), data, 0o600); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBulkImport commits persons in batches of 500.
func BenchmarkBulkImport(b *testing.B) {
	opts := testOptions()
	opts.Validate = nil
	w, err := Create(b.TempDir(), "admin", testPass, opts)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	r := rand.New(rand.NewPCG(3, 4))
	const batches, batchSize = 20, 500
	persons := 0
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		for range batches {
			var edits []Edit
			for len(edits) < batchSize {
				hh := fixtureHousehold(r, 5)
				edits = append(edits, hh[1:]...) // persons only: what a beneficiary list import brings
			}
			if _, err := w.Commit(edits...); err != nil {
				b.Fatal(err)
			}
			persons += len(edits)
		}
	}
	b.ReportMetric(float64(persons)/time.Since(start).Seconds(), "persons/s")
}

// benchSizes are the workspace sizes unlock and search are measured at: the
// brief's targets are at 100k and 1M persons.
var benchSizes = []int{10_000, 100_000, 1_000_000}

// BenchmarkUnlock measures unlock and index build at 10k, 100k and 1M persons,
// with the key derivation excluded (the fixture uses a trivial KDF), and
// reports the production KDF's time separately, and memory once unlocked.
func BenchmarkUnlock(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(strconv.Itoa(n/1000)+"k", func(b *testing.B) {
			dir := Fixture(b, n)
			opts := testOptions()
			opts.Validate = nil
			var samples []time.Duration
			b.ResetTimer()
			for range b.N {
				for range 5 {
					runtime.GC()
					start := time.Now()
					w, err := Open(dir, "admin", testPass, opts)
					if err != nil {
						b.Fatal(err)
					}
					samples = append(samples, time.Since(start))
					w.Close()
				}
			}
			b.StopTimer()
			percentiles(b, samples, "ms")
			// Memory is measured in a fresh process that only unlocks.
			var anon, file, heap float64
			out, err := childCmd(b, "unlock", dir).Output()
			if _, serr := fmt.Sscanf(string(out), "rss-anon %f rss-file %f heap %f", &anon, &file, &heap); err != nil || serr != nil {
				b.Fatalf("unlock child: %q %v %v", out, err, serr)
			}
			b.ReportMetric(heap, "heap-MB")
			b.ReportMetric(anon, "rss-anon-MB")
			b.ReportMetric(file, "rss-file-MB")
			if fi, err := os.Stat(filepath.Join(dir, DBFile)); err == nil {
				b.ReportMetric(float64(fi.Size())/(1<<20), "db-MB")
			}
			s := keySlot{kdf: DefaultKDF}
			start := time.Now()
			deriveKEK(testPass, &s)
			b.ReportMetric(float64(time.Since(start))/float64(time.Millisecond), "kdf-ms")
		})
	}
}

// BenchmarkSearch runs name queries — exact, prefix and with a typo — at 10k,
// 100k and 1M persons.
func BenchmarkSearch(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(strconv.Itoa(n/1000)+"k", func(b *testing.B) {
			w, err := Open(Fixture(b, n), "admin", testPass, testOptions())
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			r := rand.New(rand.NewPCG(5, 6))
			var samples []time.Duration
			b.ResetTimer()
			for range b.N {
				for i := range 300 {
					given, family := fixtureName(r)
					q := given + " " + family
					switch i % 3 {
					case 1:
						q = given + " " + family[:3] // prefix
					case 2:
						q = given[:2] + given[3:] + " " + family // a letter dropped
					}
					start := time.Now()
					w.Search(q, 20)
					samples = append(samples, time.Since(start))
				}
			}
			percentiles(b, samples, "ms")
		})
	}
}

func memoryMB() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// rssMB reads the resident set size on Linux (0 elsewhere): anonymous
// memory (what the process holds) and file-backed pages (the mapped database,
// page cache the kernel can drop).
func rssMB() (anon, file float64) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "RssAnon:":
			anon = kb / 1024
		case "RssFile:":
			file = kb / 1024
		}
	}
	return anon, file
}

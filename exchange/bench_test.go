package exchange

import (
	"bytes"
	"io"
	"testing"
	"time"

	"fieldreg/registry"
)

// BenchmarkReadCSV measures parsing a person-level list (our own export of
// households of 6), the part of bulk import before the store: persons/s is
// reported so it can be set against the 20,000 persons/s target.
func BenchmarkReadCSV(b *testing.B) {
	fs := forms(b)
	var buf bytes.Buffer
	cw, _ := NewCSVWriter(&buf, fs, Options{})
	f := fixture()[0]
	for i := range 1000 {
		h := rec(registry.KindHousehold, i+1000, f.household.Values())
		members := make([]registry.Record, 6)
		for j := range members {
			like := f.members[min(j, 1)] // the head, then five of the second member
			values := like.Values()
			values["household_id"] = h.ID.String()
			members[j] = rec(registry.KindPerson, 10_000+i*6+j, values)
		}
		cw.Write(h, members)
	}
	cw.Flush()
	data := buf.Bytes()
	want := 6000
	b.SetBytes(int64(len(data)))
	persons := 0
	start := time.Now()
	for b.Loop() {
		cr, err := NewCSVReader(bytes.NewReader(data), nil, fs, now)
		if err != nil {
			b.Fatal(err)
		}
		for {
			h, err := cr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			persons += len(h.Members)
		}
	}
	if persons != want*b.N {
		b.Fatalf("read %d persons, want %d", persons, want*b.N)
	}
	// Timed here, not with b.Elapsed: make bench runs one iteration.
	b.ReportMetric(float64(persons)/time.Since(start).Seconds(), "persons/s")
}

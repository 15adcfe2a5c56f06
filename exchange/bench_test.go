package exchange

import (
	"bytes"
	"io"
	"testing"

	"fieldreg/registry"
)

// BenchmarkReadCSV measures parsing a person-level list (our own export of
// households of 6), the part of bulk import before the store: persons/s is
// reported so it can be set against the 20,000 persons/s target.
func BenchmarkReadCSV(b *testing.B) {
	fs := forms(b)
	var buf bytes.Buffer
	cw, _ := NewCSVWriter(&buf, fs, false)
	f := fixture()[0]
	members := []registry.Record{f.members[0], f.members[1], f.members[1], f.members[1], f.members[1], f.members[1]}
	for i := range 1000 {
		h := rec(registry.KindHousehold, i+1000, f.household.Values())
		cw.Write(h, members)
	}
	cw.Flush()
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	persons := 0
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
	b.ReportMetric(float64(persons)/b.Elapsed().Seconds(), "persons/s")
}

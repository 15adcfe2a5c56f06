package wire

import (
	"testing"

	"fieldreg/change"
)

// benchBatch is 100 households of 6: 700 changes.
func benchBatch() *SyncRequest {
	var cs []change.Change
	for n := range 100 {
		cs = append(cs, household(deviceA, uint64(1+n*7), n+1, 6)...)
	}
	return &SyncRequest{Version: Version, Device: deviceA, Push: cs, PushFrom: 1}
}

func BenchmarkEncodeRequest(b *testing.B) {
	req := benchBatch()
	b.ReportAllocs()
	for b.Loop() {
		body, err := EncodeRequest(req)
		if err != nil {
			b.Fatal(err)
		}
		_ = Compress(nil, body)
	}
	b.ReportMetric(float64(b.N*len(req.Push))/b.Elapsed().Seconds(), "changes/s")
}

func BenchmarkDecodeRequest(b *testing.B) {
	req := benchBatch()
	body, err := EncodeRequest(req)
	if err != nil {
		b.Fatal(err)
	}
	z := Compress(nil, body)
	b.ReportAllocs()
	for b.Loop() {
		plain, err := Decompress(z, DefaultLimits().MaxBody)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := DecodeRequest(plain, DefaultLimits()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(req.Push))/b.Elapsed().Seconds(), "changes/s")
}

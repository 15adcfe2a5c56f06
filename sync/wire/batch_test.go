package wire

import (
	"errors"
	"testing"
)

// TestBatchInconsistenciesRefused spoils a well-formed batch in each way a
// hostile or broken sender could, and expects a refusal, never a panic or a
// silently dropped write.
func TestBatchInconsistenciesRefused(t *testing.T) {
	tests := []struct {
		name  string
		spoil func(b *wireBatch)
	}{
		{"layout out of range", func(b *wireBatch) { b.Changes[0].Layout = uint32(len(b.Layouts)) }},
		{"layout names a missing field", func(b *wireBatch) { b.Layouts[0][0] = uint32(len(b.Names)) }},
		{"column too short", func(b *wireBatch) { b.Columns[0] = b.Columns[0][:len(b.Columns[0])-1] }},
		{"writes left over", func(b *wireBatch) { b.Columns[0] = append(b.Columns[0], b.Columns[0][0]) }},
		{"fewer columns than names", func(b *wireBatch) { b.Columns = b.Columns[:len(b.Columns)-1] }},
		{"a write names its field", func(b *wireBatch) { b.Columns[0][0].Field = "x" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := sampleRequest()
			w := wireRequest{Version: Version, Device: bytes16(req.Device), Push: encodeBatch(req.Device, req.Push)}
			tt.spoil(w.Push)
			data, err := encode(&w)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := DecodeRequest(data, DefaultLimits()); !errors.Is(err, ErrMalformed) {
				t.Fatalf("got %v, want ErrMalformed", err)
			}
		})
	}
}

package store

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
)

// The hand-written encoders must give, byte for byte, what the CBOR library
// gives for the stored structs: the on-disk format is the library's, and
// a workspace written by one is read by the other.
func TestAppendMatchesEncode(t *testing.T) {
	for seed := range uint64(3000) {
		checkAppendMatches(t, rand.New(rand.NewPCG(seed, 7)))
		if t.Failed() {
			t.Fatalf("seed %d", seed)
		}
	}
}

func FuzzAppendMatchesEncode(f *testing.F) {
	f.Add(uint64(1), uint64(2))
	f.Add(uint64(math.MaxUint64), uint64(0))
	f.Fuzz(func(t *testing.T, a, b uint64) {
		checkAppendMatches(t, rand.New(rand.NewPCG(a, b)))
	})
}

func checkAppendMatches(t *testing.T, r *rand.Rand) {
	t.Helper()
	c := randomChange(r)
	if got, want := appendChange(nil, c), encode(toStoredChange(c)); !bytes.Equal(got, want) {
		t.Errorf("change %+v:\n got %x\nwant %x", c, got, want)
	}
	rec := randomRecord(r)
	var log []uint64
	for range r.IntN(4) {
		log = append(log, randomUint(r))
	}
	if got, want := appendRecord(nil, rec, log), encode(toStoredRecord(rec, log)); !bytes.Equal(got, want) {
		t.Errorf("record %+v, log %v:\n got %x\nwant %x", rec, log, got, want)
	}
	e := storedAudit{AuditSeq: randomUint(r), Time: int64(randomUint(r)), User: randomText(r), Action: randomText(r),
		Record: randomUUID(r), Kind: randomText(r), Detail: randomText(r)}
	for range r.IntN(3) {
		e.Fields = append(e.Fields, randomText(r))
	}
	if r.IntN(4) > 0 {
		e.Prev = make([]byte, r.IntN(40))
	}
	if got, want := appendAudit(nil, &e), encode(e); !bytes.Equal(got, want) {
		t.Errorf("audit %+v:\n got %x\nwant %x", e, got, want)
	}
}

// randomUint favours the boundaries of CBOR's argument sizes.
func randomUint(r *rand.Rand) uint64 {
	edges := []uint64{0, 1, 23, 24, 255, 256, 65535, 65536, math.MaxUint32, math.MaxUint32 + 1, math.MaxUint64}
	if r.IntN(2) == 0 {
		return edges[r.IntN(len(edges))]
	}
	return r.Uint64() >> r.IntN(64)
}

// randomText has lengths across CBOR's head sizes and some non-ASCII text.
func randomText(r *rand.Rand) string {
	lengths := []int{0, 1, 5, 23, 24, 25, 255, 256, 300, 70000}
	n := lengths[r.IntN(len(lengths))]
	if n == 70000 && r.IntN(8) > 0 {
		n = r.IntN(40)
	}
	alphabet := []string{"a", "b", "z", "_", "é", "ع", "1"}
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

func randomUUID(r *rand.Rand) uuid.UUID {
	var id uuid.UUID
	binary.BigEndian.PutUint64(id[:8], r.Uint64())
	binary.BigEndian.PutUint64(id[8:], r.Uint64())
	if r.IntN(5) == 0 {
		return uuid.Nil
	}
	return id
}

func randomStamp(r *rand.Rand) change.Stamp {
	if r.IntN(5) == 0 {
		return change.Stamp{}
	}
	return change.Stamp{HLC: randomUint(r), Device: randomUUID(r)}
}

func randomStamps(r *rand.Rand) []change.Stamp {
	var ss []change.Stamp
	switch r.IntN(4) {
	case 0:
		ss = []change.Stamp{} // empty, not nil: stored as null all the same
	case 1:
		for range 1 + r.IntN(3) {
			ss = append(ss, randomStamp(r))
		}
	}
	return ss
}

func randomChange(r *rand.Rand) change.Change {
	c := change.Change{Device: randomUUID(r), DeviceSeq: randomUint(r), Record: randomUUID(r), Kind: randomText(r),
		Author: randomText(r), Stamp: randomStamp(r)}
	if r.IntN(2) == 0 {
		c.Form = randomText(r)
	}
	for range r.IntN(5) {
		c.Writes = append(c.Writes, change.Write{Field: randomText(r), Value: randomText(r), Base: randomStamp(r), Resolves: randomStamps(r)})
	}
	return c
}

func randomRecord(r *rand.Rand) registry.Record {
	rec := registry.Record{ID: randomUUID(r), Kind: randomText(r), Fields: map[string]change.Field{}}
	if r.IntN(2) == 0 {
		rec.Form = randomText(r)
	}
	if r.IntN(2) == 0 {
		rec.FormStamp = randomStamp(r)
	}
	for range r.IntN(30) {
		var f change.Field
		for range r.IntN(4) {
			f.Versions = append(f.Versions, change.Version{Value: randomText(r), Stamp: randomStamp(r), Base: randomStamp(r), Resolves: randomStamps(r)})
		}
		rec.Fields[randomText(r)] = f
	}
	return rec
}

package store

import (
	"cmp"
	"encoding/binary"
	"slices"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
)

// The stored forms every write makes — a change, a record, an audit entry —
// encoded by hand: the same bytes encode gives (codec.go's CoreDet options;
// TestAppendMatchesEncode and FuzzAppendMatchesEncode compare the two), at a
// fraction of the cost of reflection, and straight from the domain types
// without building the stored structs first. HQ's single writer spent a
// sixth of its CPU in encode. What is decoded is unchanged: reads and the
// read-back of what was just written still go through decMode.

// CBOR major types.
const (
	cborUint  = 0 << 5
	cborNint  = 1 << 5
	cborBytes = 2 << 5
	cborText  = 3 << 5
	cborArray = 4 << 5
	cborMap   = 5 << 5
	cborNull  = 0xf6
)

// appendHead appends the shortest head of major type major with argument n.
func appendHead(b []byte, major byte, n uint64) []byte {
	switch {
	case n < 24:
		return append(b, major|byte(n))
	case n <= 0xff:
		return append(b, major|24, byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, major|25), uint16(n))
	case n <= 0xffffffff:
		return binary.BigEndian.AppendUint32(append(b, major|26), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, major|27), n)
}

func appendUint(b []byte, n uint64) []byte { return appendHead(b, cborUint, n) }

func appendInt(b []byte, n int64) []byte {
	if n < 0 {
		return appendHead(b, cborNint, uint64(-(n + 1)))
	}
	return appendHead(b, cborUint, uint64(n))
}

func appendText(b []byte, s string) []byte {
	return append(appendHead(b, cborText, uint64(len(s))), s...)
}

func appendBytes(b []byte, p []byte) []byte {
	return append(appendHead(b, cborBytes, uint64(len(p))), p...)
}

func appendUUID(b []byte, id uuid.UUID) []byte { return append(append(b, cborBytes|16), id[:]...) }

// appendStamp is a storedStamp: [HLC, Device].
func appendStamp(b []byte, s change.Stamp) []byte {
	return appendUUID(appendUint(append(b, cborArray|2), s.HLC), s.Device)
}

// appendStamps is toStoredStamps' []storedStamp: null when empty.
func appendStamps(b []byte, ss []change.Stamp) []byte {
	if len(ss) == 0 {
		return append(b, cborNull)
	}
	b = appendHead(b, cborArray, uint64(len(ss)))
	for _, s := range ss {
		b = appendStamp(b, s)
	}
	return b
}

// A stamp takes at most 1+9+17 bytes, a head 9; the estimates below grow
// the buffer once instead of doubling it as it fills.
const stampSize = 27

// appendChange is encode(toStoredChange(c)).
func appendChange(b []byte, c change.Change) []byte {
	est := 3*17 + 9 + stampSize + 3*9 + len(c.Kind) + len(c.Author) + len(c.Form)
	for _, w := range c.Writes {
		est += 1 + 2*9 + len(w.Field) + len(w.Value) + stampSize + 9 + stampSize*len(w.Resolves)
	}
	b = slices.Grow(b, est)
	n := uint64(7)
	if c.Form != "" {
		n++
	}
	b = appendHead(b, cborMap, n)
	b = appendUUID(append(b, 1), c.Device)
	b = appendUint(append(b, 2), c.DeviceSeq)
	b = appendUUID(append(b, 3), c.Record)
	b = appendText(append(b, 4), c.Kind)
	b = appendText(append(b, 5), c.Author)
	b = appendStamp(append(b, 6), c.Stamp)
	b = appendHead(append(b, 7), cborArray, uint64(len(c.Writes)))
	for _, w := range c.Writes {
		b = appendText(append(b, cborArray|4), w.Field)
		b = appendText(b, w.Value)
		b = appendStamp(b, w.Base)
		b = appendStamps(b, w.Resolves)
	}
	if c.Form != "" {
		b = appendText(append(b, 8), c.Form)
	}
	return b
}

// appendRecord is encode(toStoredRecord(r, log)). Field names go in the
// deterministic order: the bytewise order of their encodings, which for
// text strings is by length, then bytewise.
func appendRecord(b []byte, r registry.Record, log []uint64) []byte {
	est := 6*9 + len(r.Kind) + len(r.Form) + stampSize + 9*len(log)
	for name, f := range r.Fields {
		est += 2*9 + len(name)
		for _, v := range f.Versions {
			est += 1 + 9 + len(v.Value) + 2*stampSize + 9 + stampSize*len(v.Resolves)
		}
	}
	b = slices.Grow(b, est)
	n := uint64(2)
	if len(log) > 0 {
		n++
	}
	if r.Form != "" {
		n++
	}
	if !r.FormStamp.IsZero() {
		n++
	}
	b = appendHead(b, cborMap, n)
	b = appendText(append(b, 1), r.Kind)
	b = appendHead(append(b, 2), cborMap, uint64(len(r.Fields)))
	names := make([]string, 0, len(r.Fields))
	for name := range r.Fields {
		names = append(names, name)
	}
	slices.SortFunc(names, func(x, y string) int {
		if c := cmp.Compare(len(x), len(y)); c != 0 {
			return c
		}
		return cmp.Compare(x, y)
	})
	for _, name := range names {
		vs := r.Fields[name].Versions
		b = appendText(b, name)
		b = appendHead(b, cborArray, uint64(len(vs)))
		for _, v := range vs {
			b = appendText(append(b, cborArray|4), v.Value)
			b = appendStamp(b, v.Stamp)
			b = appendStamp(b, v.Base)
			b = appendStamps(b, v.Resolves)
		}
	}
	if len(log) > 0 {
		b = appendHead(append(b, 3), cborArray, uint64(len(log)))
		for _, seq := range log {
			b = appendUint(b, seq)
		}
	}
	if r.Form != "" {
		b = appendText(append(b, 4), r.Form)
	}
	if !r.FormStamp.IsZero() {
		b = appendStamp(append(b, 5), r.FormStamp)
	}
	return b
}

// appendAudit is encode(e) for an audit entry.
func appendAudit(b []byte, e *storedAudit) []byte {
	est := 9*9 + len(e.User) + len(e.Action) + 17 + len(e.Kind) + len(e.Detail) + len(e.Prev)
	for _, f := range e.Fields {
		est += 9 + len(f)
	}
	b = slices.Grow(b, est)
	n := uint64(6)
	if e.Kind != "" {
		n++
	}
	if len(e.Fields) > 0 {
		n++
	}
	if e.Detail != "" {
		n++
	}
	b = appendHead(b, cborMap, n)
	b = appendUint(append(b, 1), e.AuditSeq)
	b = appendInt(append(b, 2), e.Time)
	b = appendText(append(b, 3), e.User)
	b = appendText(append(b, 4), e.Action)
	b = appendUUID(append(b, 5), e.Record)
	if e.Kind != "" {
		b = appendText(append(b, 6), e.Kind)
	}
	if len(e.Fields) > 0 {
		b = appendHead(append(b, 7), cborArray, uint64(len(e.Fields)))
		for _, f := range e.Fields {
			b = appendText(b, f)
		}
	}
	if e.Detail != "" {
		b = appendText(append(b, 8), e.Detail)
	}
	if e.Prev == nil {
		return append(append(b, 9), cborNull)
	}
	return appendBytes(append(b, 9), e.Prev)
}

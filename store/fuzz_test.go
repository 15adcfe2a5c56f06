package store

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
)

// FuzzParseKeyFile feeds arbitrary bytes to the key file parser: it must
// refuse or accept without panicking, and what it accepts must re-encode to
// the same bytes (nothing in the file is ignored silently, except free slots).
func FuzzParseKeyFile(f *testing.F) {
	k := &keyFile{device: uuid.New()}
	k.slots[0] = keySlot{used: true, name: "admin", role: RoleAdmin, kdf: cheapKDF}
	if err := k.wrap(&k.slots[0], testPass, make([]byte, masterKeySize), nil); err != nil {
		f.Fatal(err)
	}
	good := k.encode()
	f.Add(good)
	v3 := &keyFile{device: uuid.New()}
	v3.slots[0] = keySlot{used: true, name: "admin", role: RoleAdmin, kdf: cheapKDF}
	if err := v3.wrapPrivate(&v3.slots[0], testPass); err != nil {
		f.Fatal(err)
	}
	v3.slots[0].seals[1] = keySeal{epoch: 2}
	if err := v3.seal(&v3.slots[0], &v3.slots[0].seals[1], make([]byte, masterKeySize), nil); err != nil {
		f.Fatal(err)
	}
	f.Add(v3.encodeFull())
	f.Add(good[:keyHeaderSize])
	f.Add([]byte{})
	f.Add(bytes.Repeat([]byte{0xff}, keyFileSize))
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := parseKeyBytes(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		again, err := parseKeyFile(k.encode())
		if err != nil {
			t.Fatalf("re-encoded key file does not parse: %v", err)
		}
		if !bytes.Equal(again.encode(), k.encode()) {
			t.Fatal("key file does not round-trip")
		}
		if len(b) == keyFileFullSize && !bytes.Equal(k.encodeFull()[sealSectionOff:], b[sealSectionOff:]) {
			t.Fatal("seal section does not round-trip")
		}
		for i := range k.slots {
			// Must not panic whatever the parameters; only cheap ones are
			// tried, so the fuzzer does not spend its time in Argon2.
			if p := k.slots[i].kdf; k.slots[i].used && p.MemoryKiB <= 1024 && p.Time <= 4 {
				k.unlockSlot(&k.slots[i], testPass)
			}
		}
	})
}

// FuzzOpenSealed feeds arbitrary bytes where a sealed record belongs: they
// must fail authentication, never decrypt to something or panic.
func FuzzOpenSealed(f *testing.F) {
	s, err := newSealer(make([]byte, masterKeySize), bucketRecords, newNonceSource())
	if err != nil {
		f.Fatal(err)
	}
	id := uuid.New()
	valid := s.seal(id[:], encode(toStoredRecord(registry.Record{ID: id, Kind: "person"}, nil)))
	f.Add(valid)
	f.Add(valid[:nonceSize])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		plain, err := s.open(id[:], b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		if !bytes.Equal(b, valid) {
			t.Fatalf("forged value opened to %x", plain)
		}
	})
}

// FuzzDecodeRecord feeds arbitrary CBOR to the record decoder, in case a
// future format bug lets unauthenticated bytes reach it.
func FuzzDecodeRecord(f *testing.F) {
	rec := registry.Record{ID: uuid.New(), Kind: "person", Fields: map[string]change.Field{}}
	change.Apply(rec.Fields, change.Change{Stamp: change.Stamp{HLC: 5, Device: uuid.New()}, Writes: []change.Write{{Field: "given_name", Value: "Amina"}}})
	f.Add(encode(toStoredRecord(rec, []uint64{1})))
	f.Add(encode(toStoredChange(change.Change{DeviceSeq: 1, Kind: "x"})))
	f.Add([]byte{0xa0})
	f.Fuzz(func(t *testing.T, b []byte) {
		var s storedRecord
		if err := decode(b, &s); err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		r := s.record(uuid.Nil)
		r.Conflicts()
		r.Values()
		var c storedChange
		if decode(b, &c) == nil {
			c.change().Validate()
		}
	})
}

// FuzzSummarize checks the fast record walker against the full decoder: on
// any input, where both succeed they agree; on our own encodings, both do.
func FuzzSummarize(f *testing.F) {
	dev := uuid.New()
	rec := registry.Record{ID: uuid.New(), Kind: "person", Fields: map[string]change.Field{}}
	change.Apply(rec.Fields, change.Change{Stamp: change.Stamp{HLC: 5, Device: dev}, Writes: []change.Write{
		{Field: "given_name", Value: "Amina"}, {Field: "household_id", Value: uuid.NewString()}, {Field: "note", Value: "x"}}})
	f.Add(encode(toStoredRecord(rec, []uint64{1})))
	change.Apply(rec.Fields, change.Change{Stamp: change.Stamp{HLC: 9, Device: dev}, Writes: []change.Write{
		{Field: "given_name", Value: "Aminah", Base: change.Stamp{HLC: 5, Device: dev}, Resolves: []change.Stamp{{HLC: 4}}}}})
	f.Add(encode(toStoredRecord(rec, []uint64{1, 2})))
	f.Add([]byte{0xa0})
	f.Fuzz(func(t *testing.T, b []byte) {
		sum, serr := summarize(b)
		var s storedRecord
		derr := decode(b, &s)
		if serr != nil {
			if !errors.Is(serr, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", serr)
			}
			return
		}
		if derr != nil {
			return // the walker is laxer (e.g. about key types it skips); it only ever reads authenticated bytes
		}
		r := s.record(uuid.Nil)
		if sum.kind != r.Kind {
			t.Fatalf("kind %q, decoder says %q", sum.kind, r.Kind)
		}
		for f := range summaryFields {
			if got, want := sum.value(f), r.Value(f); got != want {
				t.Fatalf("field %s: %q, decoder says %q", f, got, want)
			}
		}
		if !sum.multi && hasConflicts(r) {
			t.Fatal("walker says single versions, decoder finds a conflict")
		}
	})
}

func TestSummarizeMatchesDecode(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 200 {
		for _, e := range fixtureHousehold(r, 3) {
			rec := registry.Record{ID: e.Record, Kind: e.Kind, Fields: map[string]change.Field{}}
			c := change.Change{Stamp: change.Stamp{HLC: 5, Device: uuid.New()}}
			for k, v := range e.Set {
				c.Writes = append(c.Writes, change.Write{Field: k, Value: v})
			}
			change.Apply(rec.Fields, c)
			sum, err := summarize(encode(toStoredRecord(rec, []uint64{1})))
			if err != nil {
				t.Fatal(err)
			}
			if sum.kind != rec.Kind || sum.multi {
				t.Fatalf("summary %+v", sum)
			}
			for f := range summaryFields {
				if sum.value(f) != rec.Value(f) {
					t.Fatalf("field %s: %q, want %q", f, sum.value(f), rec.Value(f))
				}
			}
		}
	}
}

package store

import (
	"fmt"
	"slices"

	"github.com/klauspost/compress/zstd"

	"fieldreg/change"
	"fieldreg/registry"
)

// Byte caps. A record keeps every version of every field (merge needs
// them), and each change rewrites it whole, so without a cap a few
// kilobytes of compressed junk on the wire grow the file by hundreds of
// megabytes, until a device with a size limit can never sync again. The
// caps count field names and values, not stamps: what a caller can make
// large.
const (
	// MaxChangeBytes bounds one change: sixteen times the longest value the
	// value rule allows (registry.MaxValueBytes), more than a whole
	// registration form holds.
	MaxChangeBytes = 64 << 10
	// MaxRecordBytes bounds one record across every version it keeps: a
	// person edited a thousand times over uses a tenth of it.
	MaxRecordBytes = 256 << 10
)

// changeBytes is what a change counts against the caps.
func changeBytes(c change.Change) int {
	n := 0
	for _, wr := range c.Writes {
		n += len(wr.Field) + len(wr.Value)
	}
	return n
}

// recordBytes is what a record counts against MaxRecordBytes.
func recordBytes(fields map[string]change.Field) int {
	n := 0
	for name, f := range fields {
		for _, v := range f.Versions {
			n += len(name) + len(v.Value)
		}
	}
	return n
}

// checkChangeSize refuses a change over MaxChangeBytes.
func checkChangeSize(c change.Change) error {
	if n := changeBytes(c); n > MaxChangeBytes {
		return fmt.Errorf("%s %s: change of %d bytes, at most %d: %w", readable(c.Kind), c.Record, n, MaxChangeBytes, ErrRecordTooLarge)
	}
	return nil
}

// checkWritten checks what c did to its record, which now holds c's writes
// (fields): the record must stay within MaxRecordBytes, and a change that
// deletes must carry nothing but the deletion (registry.ValidateDeletion).
// Both depend on nothing but the change and the record's size, so every
// replica decides alike whatever order changes reach it in. Local commits
// and received changes go through it alike.
func checkWritten(fields map[string]change.Field, c change.Change) error {
	if err := checkChangeSize(c); err != nil {
		return err
	}
	if n := recordBytes(fields); n > MaxRecordBytes {
		return fmt.Errorf("%s %s: record of %d bytes, at most %d: %w", readable(c.Kind), c.Record, n, MaxRecordBytes, ErrRecordTooLarge)
	}
	if deletes(c) {
		if err := registry.ValidateDeletion(c); err != nil {
			return err
		}
	}
	return nil
}

// validateDeleted checks, with validate, a deleted record that c wrote
// other fields of than the deletion's: as if it were live. A deleted
// record is shown by nobody, so what is written to it must pass the same
// rules as anywhere, or junk goes in unseen. An honest edit made before
// its author saw the deletion passes, as it passed on replicas where it
// came before the deletion: those keep it, so this one must too.
func validateDeleted(validate func(registry.Record) error, rec registry.Record, c change.Change) error {
	if validate == nil || onlyDeletion(c) {
		return nil
	}
	live := rec.Clone()
	delete(live.Fields, change.DeletedField)
	return validate(live)
}

// onlyDeletion reports whether c writes nothing but registry.DeletionFields.
func onlyDeletion(c change.Change) bool {
	for _, wr := range c.Writes {
		if !slices.Contains(registry.DeletionFields, wr.Field) {
			return false
		}
	}
	return true
}

// deletes reports whether c writes the deletion field, other than to
// undelete ("false").
func deletes(c change.Change) bool {
	for _, wr := range c.Writes {
		if wr.Field == change.DeletedField && wr.Value != "false" {
			return true
		}
	}
	return false
}

// quarantinable is what the quarantine keeps of a refused change: the
// change itself, or, for one over MaxChangeBytes, its first field names
// without values, so that refusing junk does not store the junk.
func quarantinable(c change.Change) change.Change {
	c = readableChange(c)
	if changeBytes(c) <= MaxChangeBytes {
		return c
	}
	const keepWrites, keepName = 64, 64
	writes := make([]change.Write, 0, min(len(c.Writes), keepWrites))
	for _, wr := range c.Writes[:min(len(c.Writes), keepWrites)] {
		if len(wr.Field) > keepName {
			wr.Field = readable(wr.Field[:keepName])
		}
		wr.Value = ""
		writes = append(writes, wr)
	}
	c.Writes = writes
	return c
}

// A refused change within its cap is kept whole, for a supervisor to
// release once the cause is fixed; but a batch of them is what a few
// kilobytes of compressed junk on the wire decompress to, and kept as they
// came they would grow the file a thousandfold. So the writes of a large
// one are kept compressed: the quarantine grows about as much as the wire
// carried. (Compressing before sealing lets the size of an entry tell how
// repetitive it is; sizes are not protected anyway, see the threat model.)

// packAbove is the size of writes from which a quarantined change's writes
// are compressed: below it, compression saves little.
const packAbove = 4 << 10

// maxUnpacked bounds what a packed entry may decompress to: a change within
// MaxChangeBytes, with the stamps of every write.
const maxUnpacked = 8 << 20

var (
	packer = func() *zstd.Encoder {
		e, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
		if err != nil {
			panic(err) // static options: cannot fail
		}
		return e
	}()
	unpacker = func() *zstd.Decoder {
		d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxUnpacked))
		if err != nil {
			panic(err)
		}
		return d
	}()
)

// packQuarantined compresses the writes of a large quarantined change.
func packQuarantined(q *storedQuarantine) {
	n := 0
	for _, wr := range q.Change.Writes {
		n += len(wr.Field) + len(wr.Value)
	}
	if n < packAbove {
		return
	}
	q.Packed = packer.EncodeAll(encode(q.Change.Writes), nil)
	q.Change.Writes = nil
}

// unpackQuarantined restores the writes packQuarantined compressed.
func unpackQuarantined(q *storedQuarantine) error {
	if len(q.Packed) == 0 {
		return nil
	}
	plain, err := unpacker.DecodeAll(q.Packed, nil)
	if err != nil || len(plain) > maxUnpacked {
		return fmt.Errorf("packed writes: %v: %w", err, ErrCorrupt)
	}
	var writes []storedWrite
	if err := decode(plain, &writes); err != nil {
		return fmt.Errorf("packed writes: %w", err)
	}
	q.Change.Writes, q.Packed = writes, nil
	return nil
}

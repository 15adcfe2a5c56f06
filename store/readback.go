package store

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"fieldreg/change"
)

// The store never writes what its decoder will refuse: one record that does
// not decode would make the whole workspace fail to open. Every front end
// validates values (registry's value rule), but this is the defence below
// all of them: each change and record is decoded again right after it is
// encoded, and a change from another replica that could not be stored is
// quarantined (with its strings made readable) instead of written.

// ErrUnstorable means a change holds something the store could not read
// back (text that is not UTF-8, a record with too many fields): it was
// refused and nothing was written.
var ErrUnstorable = errors.New("cannot be stored so that it reads back")

// maxRecordFields is the most fields a record may have: the decoder's
// MaxMapPairs (codec.go), kept below it.
const maxRecordFields = 1 << 16

// readBack decodes what was just encoded into a fresh T.
func readBack[T any](enc []byte) error {
	var v T
	if err := decMode.Unmarshal(enc, &v); err != nil {
		return fmt.Errorf("%w (%v)", ErrUnstorable, err)
	}
	return nil
}

// storable names the first part of c that could not be stored, or nil.
// The messages quote names with %q, so a bad byte never reaches a log.
func storable(c change.Change) error {
	switch {
	case !utf8.ValidString(c.Kind):
		return fmt.Errorf("record kind %q is not UTF-8: %w", c.Kind, ErrUnstorable)
	case !utf8.ValidString(c.Author):
		return fmt.Errorf("author %q is not UTF-8: %w", c.Author, ErrUnstorable)
	case len(c.Writes) > maxRecordFields:
		return fmt.Errorf("%d fields written, at most %d: %w", len(c.Writes), maxRecordFields, ErrUnstorable)
	}
	for _, w := range c.Writes {
		if !utf8.ValidString(w.Field) {
			return fmt.Errorf("field %q: name is not UTF-8: %w", w.Field, ErrUnstorable)
		}
		if !utf8.ValidString(w.Value) {
			return fmt.Errorf("field %s: value is not UTF-8: %w", w.Field, ErrUnstorable)
		}
	}
	return nil
}

// readable returns s with every byte that is not UTF-8 replaced by U+FFFD:
// for what the store keeps about a refused change (the quarantine, the
// audit), which must read back too.
func readable(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// readableChange is c with every string made readable.
func readableChange(c change.Change) change.Change {
	c.Kind, c.Author, c.Form = readable(c.Kind), readable(c.Author), readable(c.Form)
	writes := make([]change.Write, len(c.Writes))
	for i, w := range c.Writes {
		w.Field, w.Value = readable(w.Field), readable(w.Value)
		writes[i] = w
	}
	c.Writes = writes
	return c
}

package wire

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"fieldreg/change"
)

// wireBatch is a list of changes stored by column: each change says which
// fields it writes (its layout, shared by every change of the same form),
// and the writes themselves are kept per field, in change order. Values of
// one field sit together, so a batch of registrations compresses much better
// than change after change.
type wireBatch struct {
	Changes []wireChange  `cbor:"1,keyasint,omitempty"`
	Names   []string      `cbor:"2,keyasint,omitempty"` // field names, in order of first use
	Layouts [][]uint32    `cbor:"3,keyasint,omitempty"` // distinct lists of indexes in Names
	Columns [][]wireWrite `cbor:"4,keyasint,omitempty"` // Columns[i] holds the writes of Names[i]
}

// encodeBatch converts changes, which come from device when it is known
// (uuid.Nil otherwise), to a batch.
func encodeBatch(device uuid.UUID, cs []change.Change) *wireBatch {
	if len(cs) == 0 {
		return nil
	}
	cc := newChangeCoder(device)
	b := &wireBatch{Changes: make([]wireChange, len(cs))}
	nameIndex := make(map[string]uint32)
	layoutIndex := make(map[string]uint32)
	var key strings.Builder
	for i, c := range cs {
		wc := cc.encode(c)
		layout := make([]uint32, len(wc.Writes))
		key.Reset()
		for j, ww := range wc.Writes {
			n, ok := nameIndex[ww.Field]
			if !ok {
				n = uint32(len(b.Names))
				nameIndex[ww.Field] = n
				b.Names = append(b.Names, ww.Field)
				b.Columns = append(b.Columns, nil)
			}
			layout[j] = n
			key.WriteString(strconv.FormatUint(uint64(n), 10))
			key.WriteByte(',')
			ww.Field = ""
			b.Columns[n] = append(b.Columns[n], ww)
		}
		l, ok := layoutIndex[key.String()]
		if !ok {
			l = uint32(len(b.Layouts))
			layoutIndex[key.String()] = l
			b.Layouts = append(b.Layouts, layout)
		}
		wc.Layout = l
		wc.Writes = nil
		b.Changes[i] = wc
	}
	return b
}

// decodeBatch converts a batch back to changes, refusing anything beyond
// limits or inconsistent: a layout naming no field, a column too short or
// with writes left over.
func decodeBatch(b *wireBatch, device uuid.UUID, l Limits) ([]change.Change, error) {
	if b == nil {
		return nil, nil
	}
	if err := checkCount(len(b.Changes), l.MaxChanges, "changes"); err != nil {
		return nil, err
	}
	if len(b.Columns) != len(b.Names) {
		return nil, fmt.Errorf("%w: %d columns for %d field names", ErrMalformed, len(b.Columns), len(b.Names))
	}
	for _, name := range b.Names {
		if err := checkString(name, l, "field name"); err != nil {
			return nil, err
		}
	}
	for _, layout := range b.Layouts {
		if err := checkCount(len(layout), l.MaxWrites, "writes in a change"); err != nil {
			return nil, err
		}
		for _, n := range layout {
			if int(n) >= len(b.Names) {
				return nil, fmt.Errorf("%w: layout names field %d of %d", ErrMalformed, n, len(b.Names))
			}
		}
	}
	for _, col := range b.Columns {
		for _, ww := range col {
			if ww.Field != "" {
				return nil, fmt.Errorf("%w: a write in a column names its field", ErrMalformed)
			}
		}
	}
	cc := newChangeCoder(device)
	next := make([]int, len(b.Columns))
	cs := make([]change.Change, len(b.Changes))
	for i, wc := range b.Changes {
		if int(wc.Layout) >= len(b.Layouts) {
			return nil, fmt.Errorf("%w: change %d: layout %d of %d", ErrMalformed, i, wc.Layout, len(b.Layouts))
		}
		layout := b.Layouts[wc.Layout]
		if len(layout) > 0 {
			wc.Writes = make([]wireWrite, len(layout))
		}
		for j, n := range layout {
			if next[n] >= len(b.Columns[n]) {
				return nil, fmt.Errorf("%w: change %d: column %q too short", ErrMalformed, i, b.Names[n])
			}
			wc.Writes[j] = b.Columns[n][next[n]]
			wc.Writes[j].Field = b.Names[n]
			next[n]++
		}
		if err := checkChange(wc, l); err != nil {
			return nil, fmt.Errorf("change %d: %w", i, err)
		}
		c, err := cc.decode(wc)
		if err != nil {
			return nil, fmt.Errorf("change %d: %w", i, err)
		}
		cs[i] = c
	}
	for n, col := range b.Columns {
		if next[n] != len(col) {
			return nil, fmt.Errorf("%w: column %q has %d writes no change uses", ErrMalformed, b.Names[n], len(col)-next[n])
		}
	}
	return cs, nil
}

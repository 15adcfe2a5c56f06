package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf8"

	"fieldreg/change"
)

// Unlock decrypts every record once to build the index, and decoding whole
// records with reflection is most of that time. The index needs only a
// record's kind and the current value of a few fields, so summarize walks the
// record's CBOR (the storedRecord layout) directly and picks those out. A
// record with any field written more than once might hold a conflict, which
// needs every version, so for those the caller decodes the whole record.

// summaryFields are the fields the index reads.
var summaryFields = func() map[string]bool {
	m := map[string]bool{householdField: true, change.DeletedField: true}
	for _, fs := range searchFields {
		for _, f := range fs {
			m[f] = true
		}
	}
	return m
}()

type recordSummary struct {
	kind   string
	values []fieldValue // current values of the summaryFields present
	multi  bool         // some field has more than one version
}

type fieldValue struct{ name, value string }

// value returns a summarized field's current value ("" when absent).
func (s *recordSummary) value(name string) string {
	for _, fv := range s.values {
		if fv.name == name {
			return fv.value
		}
	}
	return ""
}

var (
	errBadCBOR = errors.New("malformed CBOR")
	errNotUTF8 = errors.New("text is not UTF-8")
)

type cborReader struct {
	b []byte
	i int
}

// head reads an item's major type and argument. Indefinite lengths, which
// our encoder never writes, are refused.
func (r *cborReader) head() (major byte, arg uint64, err error) {
	if r.i >= len(r.b) {
		return 0, 0, errBadCBOR
	}
	c := r.b[r.i]
	r.i++
	major, info := c>>5, c&0x1f
	var n int
	switch {
	case info < 24:
		return major, uint64(info), nil
	case info == 24:
		n = 1
	case info == 25:
		n = 2
	case info == 26:
		n = 4
	case info == 27:
		n = 8
	default:
		return 0, 0, errBadCBOR
	}
	if len(r.b)-r.i < n {
		return 0, 0, errBadCBOR
	}
	var buf [8]byte
	copy(buf[8-n:], r.b[r.i:r.i+n])
	r.i += n
	return major, binary.BigEndian.Uint64(buf[:]), nil
}

// text reads a text string; the bytes alias the input.
func (r *cborReader) text() ([]byte, error) {
	major, n, err := r.head()
	if err != nil {
		return nil, err
	}
	if major != 3 || n > uint64(len(r.b)-r.i) {
		return nil, errBadCBOR
	}
	s := r.b[r.i : r.i+int(n)]
	r.i += int(n)
	if !utf8.Valid(s) {
		// The decoder refuses it too: such a record is damaged, whichever
		// of the two reads it first.
		return nil, errNotUTF8
	}
	return s, nil
}

func (r *cborReader) container(want byte) (uint64, error) {
	major, n, err := r.head()
	if err != nil {
		return 0, err
	}
	// Each element takes at least one byte: a larger count is a lie.
	if major != want || n > uint64(len(r.b)-r.i) {
		return 0, errBadCBOR
	}
	return n, nil
}

// skip steps over one item, nested to at most depth levels.
func (r *cborReader) skip(depth int) error {
	if depth == 0 {
		return errBadCBOR
	}
	major, n, err := r.head()
	if err != nil {
		return err
	}
	switch major {
	case 0, 1, 7:
		return nil
	case 2, 3:
		if n > uint64(len(r.b)-r.i) {
			return errBadCBOR
		}
		r.i += int(n)
		return nil
	case 4, 5:
		if n > uint64(len(r.b)-r.i) {
			return errBadCBOR
		}
		items := n
		if major == 5 {
			items *= 2
		}
		for range items {
			if err := r.skip(depth - 1); err != nil {
				return err
			}
		}
		return nil
	case 6:
		return r.skip(depth - 1)
	}
	return errBadCBOR
}

// summarize reads a stored record's kind and the current values of
// summaryFields. The current value is the last version's: versions are
// stored sorted by stamp.
func summarize(b []byte) (recordSummary, error) {
	var s recordSummary
	r := &cborReader{b: b}
	bad := func(err error) (recordSummary, error) {
		return recordSummary{}, fmt.Errorf("record summary at byte %d: %v: %w", r.i, err, ErrCorrupt)
	}
	keys, err := r.container(5)
	if err != nil {
		return bad(err)
	}
	for range keys {
		major, key, err := r.head()
		if err != nil || major != 0 {
			return bad(errBadCBOR)
		}
		switch key {
		case 1:
			kind, err := r.text()
			if err != nil {
				return bad(err)
			}
			s.kind = string(kind)
		case 2:
			fields, err := r.container(5)
			if err != nil {
				return bad(err)
			}
			for range fields {
				name, err := r.text()
				if err != nil {
					return bad(err)
				}
				versions, err := r.container(4)
				if err != nil {
					return bad(err)
				}
				if versions > 1 {
					s.multi = true
				}
				for v := range versions {
					parts, err := r.container(4)
					if err != nil || parts != 4 {
						return bad(errBadCBOR)
					}
					value, err := r.text()
					if err != nil {
						return bad(err)
					}
					if v == versions-1 && summaryFields[string(name)] {
						s.values = append(s.values, fieldValue{string(name), string(value)})
					}
					for range 3 {
						if err := r.skip(8); err != nil {
							return bad(err)
						}
					}
				}
			}
		default:
			if err := r.skip(8); err != nil {
				return bad(err)
			}
		}
	}
	if r.i != len(b) {
		return bad(errors.New("trailing bytes"))
	}
	return s, nil
}

package exchange

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
)

// Version is what an export says of one record's fields: the stamp of each
// field's value as it was written out. A re-import writes against those
// stamps, so a field changed in the workspace since the export becomes a
// conflict instead of being silently put back (see docs/design.md,
// "Re-imports"). Fields that never held a value have no entry: their base
// is the zero stamp.
//
// It travels as one opaque cell or JSON string, the "version token": "v1."
// then unpadded base64url of the device ids (each once) and, per field in
// name order, its name, its device's index and its HLC. It holds no value,
// so an export carries no more personal data for it; a spreadsheet shows
// and keeps it as text (it starts with a letter, not a digit or formula).
type Version map[string]change.Stamp

// versionPrefix starts every version token; the digit is the format's.
const versionPrefix = "v1."

// maxVersionToken bounds a token's length: far above what a form's fields
// need, far below what would let one cell exhaust memory.
const maxVersionToken = 16 << 10

// ErrVersion is wrapped by ParseVersion's errors: the token was not written
// by an export, or was changed since.
var ErrVersion = errors.New("not a version token an export wrote, or one changed since")

// VersionOf returns the version of a record's current values: every field
// but the system's ("_…"), which no import writes.
func VersionOf(r registry.Record) Version {
	v := make(Version, len(r.Fields))
	for name, f := range r.Fields {
		if strings.HasPrefix(name, "_") || len(f.Versions) == 0 {
			continue
		}
		v[name] = f.Stamp()
	}
	return v
}

// String returns the version token; "" for an empty version.
func (v Version) String() string {
	if len(v) == 0 {
		return ""
	}
	names := slices.Sorted(maps.Keys(v))
	var devices []uuid.UUID
	index := make(map[uuid.UUID]int)
	for _, n := range names {
		d := v[n].Device
		if _, ok := index[d]; !ok {
			index[d] = len(devices)
			devices = append(devices, d)
		}
	}
	buf := binary.AppendUvarint(nil, uint64(len(devices)))
	for _, d := range devices {
		buf = append(buf, d[:]...)
	}
	buf = binary.AppendUvarint(buf, uint64(len(names)))
	for _, n := range names {
		s := v[n]
		buf = binary.AppendUvarint(buf, uint64(len(n)))
		buf = append(buf, n...)
		buf = binary.AppendUvarint(buf, uint64(index[s.Device]))
		buf = binary.AppendUvarint(buf, s.HLC)
	}
	return versionPrefix + base64.RawURLEncoding.EncodeToString(buf)
}

// ParseVersion reads a version token; "" is an empty version (the input
// does not say what its values were read at).
func ParseVersion(token string) (Version, error) {
	if token == "" {
		return nil, nil
	}
	body, ok := strings.CutPrefix(token, versionPrefix)
	if !ok || len(token) > maxVersionToken {
		return nil, ErrVersion
	}
	buf, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return nil, ErrVersion
	}
	r := tokenReader{buf: buf}
	ndev := r.uvarint()
	if ndev > uint64(len(buf)/16) {
		return nil, ErrVersion
	}
	devices := make([]uuid.UUID, ndev)
	for i := range devices {
		copy(devices[i][:], r.bytes(16))
	}
	nfields := r.uvarint()
	if nfields > uint64(len(buf)) {
		return nil, ErrVersion
	}
	v := make(Version, nfields)
	prev := ""
	for range nfields {
		name := string(r.bytes(int(min(r.uvarint(), uint64(len(buf)+1)))))
		dev, hlc := r.uvarint(), r.uvarint()
		if r.bad || name == "" || name <= prev || dev >= ndev || hlc == 0 {
			return nil, ErrVersion
		}
		prev = name
		v[name] = change.Stamp{HLC: hlc, Device: devices[dev]}
	}
	// Only what String writes is a token: a cell changed by hand (or by a
	// tool) is refused, not read as some other version.
	if r.bad || len(r.buf) != 0 || v.String() != token {
		return nil, ErrVersion
	}
	return v, nil
}

// tokenReader reads a version token's bytes; bad is set, and zeroes read,
// once the bytes run out.
type tokenReader struct {
	buf []byte
	bad bool
}

func (r *tokenReader) uvarint() uint64 {
	x, n := binary.Uvarint(r.buf)
	if n <= 0 {
		r.bad = true
		r.buf = nil
		return 0
	}
	r.buf = r.buf[n:]
	return x
}

func (r *tokenReader) bytes(n int) []byte {
	if n > len(r.buf) {
		r.bad = true
		r.buf = nil
		return nil
	}
	b := r.buf[:n]
	r.buf = r.buf[n:]
	return b
}

// checkVersion words a bad token for a decoder's or reader's message.
func checkVersion(token string) error {
	if _, err := ParseVersion(token); err != nil {
		return fmt.Errorf("version: %w", err)
	}
	return nil
}

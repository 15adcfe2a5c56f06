package exchange

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	"fieldreg/change"
	"fieldreg/registry"
)

// Version is what an export says of one record: which version of each of
// its fields it wrote out. A re-import writes against those versions, so a
// field changed in the workspace since the export becomes a conflict
// instead of being silently put back (see docs/design.md, "Re-imports").
//
// It holds a fingerprint of each distinct stamp of the record's current
// values, nothing else. That is enough: a stamp is one change of this
// record, and a change brings all its fields at once, so a field's newest
// version whose stamp is among them is the one the export wrote out (the
// workspace keeps every version). A record registered in one go and edited
// once has two stamps: its token is some thirty characters. It travels as
// one opaque cell or JSON string, the "version token": "v1." then the
// sorted fingerprints in unpadded base64url. It holds no value, so an
// export carries no more personal data for it, and a spreadsheet keeps it
// as text.
type Version struct {
	prints []fingerprint // sorted, no duplicates
}

// fingerprint is the first eight bytes of the SHA-256 of a stamp: for a
// changed field to pass for an unchanged one by chance, its new stamp would
// have to hit one of a record's few fingerprints among 2^64.
type fingerprint [8]byte

func fingerprintOf(s change.Stamp) fingerprint {
	h := sha256.New()
	h.Write(binary.BigEndian.AppendUint64(nil, s.HLC))
	h.Write(s.Device[:])
	var fp fingerprint
	copy(fp[:], h.Sum(nil))
	return fp
}

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
	var v Version
	for name, f := range r.Fields {
		if strings.HasPrefix(name, "_") || len(f.Versions) == 0 {
			continue
		}
		v.prints = append(v.prints, fingerprintOf(f.Stamp()))
	}
	slices.SortFunc(v.prints, compare)
	v.prints = slices.Compact(v.prints)
	return v
}

func compare(a, b fingerprint) int { return bytes.Compare(a[:], b[:]) }

// IsZero reports whether v says nothing: no export wrote it.
func (v Version) IsZero() bool { return len(v.prints) == 0 }

// String returns the version token; "" for an empty version.
func (v Version) String() string {
	if v.IsZero() {
		return ""
	}
	buf := make([]byte, 0, len(v.prints)*len(fingerprint{}))
	for _, fp := range v.prints {
		buf = append(buf, fp[:]...)
	}
	return versionPrefix + base64.RawURLEncoding.EncodeToString(buf)
}

// Exported returns the stamp of the version of field name that the export
// wrote out, among the versions f holds; false when it holds none of them
// (the field had no value at the export, or the export came from a replica
// whose version has not reached this one). The name is the interface's
// (ops.Version): a stamp is one change of the record, whatever the field.
func (v Version) Exported(name string, f change.Field) (change.Stamp, bool) {
	for i := len(f.Versions) - 1; i >= 0; i-- {
		s := f.Versions[i].Stamp
		if _, found := slices.BinarySearchFunc(v.prints, fingerprintOf(s), compare); found {
			return s, true
		}
	}
	return change.Stamp{}, false
}

// ParseVersion reads a version token; "" is an empty version (the input
// does not say what its values were read at). Only what String writes is a
// token: a cell changed by hand, or by a tool, is refused rather than read
// as some other version.
func ParseVersion(token string) (Version, error) {
	if token == "" {
		return Version{}, nil
	}
	body, ok := strings.CutPrefix(token, versionPrefix)
	if !ok || len(token) > maxVersionToken {
		return Version{}, ErrVersion
	}
	buf, err := base64.RawURLEncoding.Strict().DecodeString(body)
	n := len(fingerprint{})
	if err != nil || len(buf) == 0 || len(buf)%n != 0 {
		return Version{}, ErrVersion
	}
	v := Version{prints: make([]fingerprint, len(buf)/n)}
	for i := range v.prints {
		copy(v.prints[i][:], buf[i*n:])
		if i > 0 && compare(v.prints[i-1], v.prints[i]) >= 0 {
			return Version{}, ErrVersion
		}
	}
	if v.String() != token { // base64 skips line breaks
		return Version{}, ErrVersion
	}
	return v, nil
}

// checkVersion words a bad token for a decoder's or reader's message.
func checkVersion(token string) error {
	if _, err := ParseVersion(token); err != nil {
		return fmt.Errorf("version: %w", err)
	}
	return nil
}

package pki

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"strings"

	"github.com/fxamacker/cbor/v2"
	qrcode "github.com/skip2/go-qrcode"
)

// ErrBadCode is wrapped by every error ParseEnrollCode returns.
var ErrBadCode = errors.New("not a valid enrollment code")

// EnrollCode is what a device needs to enroll: where HQ is, which
// certificate HQ will present, and a one-time token.
type EnrollCode struct {
	Addr        string // host:port
	Fingerprint string // Fingerprint of HQ's server certificate
	Token       string
}

// codePrefix names the format and its version, so a code pasted into the
// wrong box is recognized as such.
const codePrefix = "FR1"

// maxCodeLen bounds what ParseEnrollCode reads.
const maxCodeLen = 2048

type wireCode struct {
	Addr        string `cbor:"1,keyasint,omitempty"`
	Fingerprint []byte `cbor:"2,keyasint,omitempty"`
	Token       string `cbor:"3,keyasint,omitempty"`
}

// crockford is Douglas Crockford's base32 alphabet: digits and capitals
// without I, L, O and U, so that no two symbols are easily confused.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func appendChecksum(b []byte) []byte {
	return binary.BigEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// String returns the code as people copy it: "FR1-" and groups of five
// base32 characters. Case, dashes and spaces do not matter when parsed, and a
// checksum catches any mistyped character.
func (c EnrollCode) String() string {
	fp, _ := hex.DecodeString(normalizeFingerprint(c.Fingerprint)) // a bad one fails ParseEnrollCode
	em, _ := cbor.CoreDetEncOptions().EncMode()
	body, _ := em.Marshal(wireCode{Addr: c.Addr, Fingerprint: fp, Token: c.Token}) // cannot fail for this type
	body = appendChecksum(body)
	text := base32Encode(body)
	var b strings.Builder
	b.WriteString(codePrefix)
	for i := 0; i < len(text); i += 5 {
		b.WriteByte('-')
		b.WriteString(text[i:min(i+5, len(text))])
	}
	return b.String()
}

// ParseEnrollCode reads a code as String writes it, forgiving case, spaces,
// dashes, and the letters I, L and O typed for 1, 1 and 0.
func ParseEnrollCode(s string) (EnrollCode, error) {
	if len(s) > maxCodeLen {
		return EnrollCode{}, fmt.Errorf("%w: %d characters is too long", ErrBadCode, len(s))
	}
	clean := strings.Map(func(r rune) rune {
		switch r {
		case '-', ' ', '\t', '\n', '\r':
			return -1
		case 'i', 'I', 'l', 'L':
			return '1'
		case 'o', 'O':
			return '0'
		}
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
	if !strings.HasPrefix(clean, "FR1") {
		return EnrollCode{}, fmt.Errorf("%w: it does not start with %s", ErrBadCode, codePrefix)
	}
	body, err := base32Decode(clean[len("FR1"):])
	if err != nil {
		return EnrollCode{}, fmt.Errorf("%w: %v", ErrBadCode, err)
	}
	if len(body) < 4 {
		return EnrollCode{}, fmt.Errorf("%w: too short", ErrBadCode)
	}
	payload := body[:len(body)-4]
	if !bytes.Equal(appendChecksum(bytes.Clone(payload)), body) {
		return EnrollCode{}, fmt.Errorf("%w: checksum does not match (a character was mistyped)", ErrBadCode)
	}
	var w wireCode
	dm, _ := cbor.DecOptions{MaxArrayElements: 16, MaxMapPairs: 16, MaxNestedLevels: 4,
		IndefLength: cbor.IndefLengthForbidden, TagsMd: cbor.TagsForbidden}.DecMode()
	if err := dm.Unmarshal(payload, &w); err != nil {
		return EnrollCode{}, fmt.Errorf("%w: %v", ErrBadCode, err)
	}
	if len(w.Fingerprint) != 32 || w.Addr == "" || w.Token == "" {
		return EnrollCode{}, fmt.Errorf("%w: address, fingerprint or token missing", ErrBadCode)
	}
	return EnrollCode{Addr: w.Addr, Fingerprint: hex.EncodeToString(w.Fingerprint), Token: w.Token}, nil
}

// EnrollQRPNG renders a code as a QR image for a tablet's camera.
func EnrollQRPNG(code string) ([]byte, error) {
	png, err := qrcode.Encode(code, qrcode.Medium, 512)
	if err != nil {
		return nil, fmt.Errorf("enrollment QR code: %w", err)
	}
	return png, nil
}

func base32Encode(b []byte) string {
	var out strings.Builder
	var acc uint32
	bits := 0
	for _, c := range b {
		acc = acc<<8 | uint32(c)
		bits += 8
		for bits >= 5 {
			bits -= 5
			out.WriteByte(crockford[acc>>bits&31])
		}
	}
	if bits > 0 {
		out.WriteByte(crockford[acc<<(5-bits)&31])
	}
	return out.String()
}

func base32Decode(s string) ([]byte, error) {
	out := make([]byte, 0, len(s)*5/8)
	var acc uint32
	bits := 0
	for i := 0; i < len(s); i++ {
		v := strings.IndexByte(crockford, s[i])
		if v < 0 {
			return nil, fmt.Errorf("character %q is not in a code", s[i])
		}
		acc = acc<<5 | uint32(v)
		bits += 5
		if bits >= 8 {
			bits -= 8
			out = append(out, byte(acc>>bits))
		}
	}
	if bits >= 5 || acc&(1<<bits-1) != 0 {
		return nil, errors.New("wrong length")
	}
	return out, nil
}

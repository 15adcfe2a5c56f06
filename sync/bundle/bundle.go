// Package bundle carries sync batches where there is no link: on a USB stick,
// by courier, as an e-mail attachment.
//
// A bundle holds the same messages as a sync round trip (a device's push, or
// HQ's pull for one device), signed by the sender with its Ed25519 key and
// encrypted to the recipient with age (an X25519 recipient). Whoever carries
// it learns nothing but its size; whoever opens it knows who made it and
// that nothing was changed.
//
// Layout: the length of what follows as 8 bytes big-endian, then
// age(envelope), where envelope is deterministic
// CBOR holding the signer's public key, the zstd-compressed payload, and an
// Ed25519 signature over a context string and that compressed payload. The
// length is not trusted for anything but telling a file cut short (a copy
// interrupted) from a damaged one; age authenticates every byte. The
// signature is checked before anything is decompressed or decoded beyond the
// envelope.
//
// Nothing in clear names Fieldreg, a device or HQ: a bundle found on a
// stick at a checkpoint reads as an age file of some size. age's X25519
// stanza holds an ephemeral key, not the recipient's; the sender, the
// recipient's device id and the signer's key are inside the encryption.
// HQ needs no hint to pick its key: it has one.
//
// Bundles written before this layout start with the cleartext line
// "fieldreg-bundle-v1\n" before the length; Open still reads them (they
// are on sticks in the field, and reading one tells nobody anything), and
// Seal no longer writes them.
//
// Importing a bundle is idempotent because its messages are: changes are
// identified by (device, sequence), pulls by HQ sequence numbers.
package bundle

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"filippo.io/age"
	"github.com/fxamacker/cbor/v2"
	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/sync/wire"
)

// Version is the bundle format version.
const Version = 1

// legacyMagic started every bundle file written before the layout without
// cleartext identification; Open still accepts it.
const legacyMagic = "fieldreg-bundle-v1\n"

// ageMagic is the first line of every age file: what follows the length.
const ageMagic = "age-encryption.org/v1\n"

// signContext separates bundle signatures from any other use of the key.
const signContext = "fieldreg bundle v1\x00"

// Errors Open returns, each wrapped with detail.
var (
	ErrNotForUs      = errors.New("bundle is encrypted for someone else")
	ErrTruncated     = errors.New("bundle is truncated")
	ErrCorrupt       = errors.New("bundle is damaged or was tampered with")
	ErrBadSignature  = errors.New("bundle signature does not verify")
	ErrUnknownSender = errors.New("bundle is signed by an unknown sender")
	ErrMalformed     = errors.New("bundle is malformed")
	ErrTooLarge      = errors.New("bundle exceeds limits")
)

// Payload is what a bundle carries. A device's bundle for HQ has Push; HQ's
// return bundle for a device has Pull. Both may be set.
type Payload struct {
	Version int
	From    uuid.UUID // the sending device, or HQ
	To      uuid.UUID // the receiving device, or HQ
	Created time.Time // the sender's clock, to millisecond precision; for people only
	Push    *wire.SyncRequest
	Pull    *wire.SyncResponse
}

// Changes returns every change the payload carries: pushed, then pulled.
func (p Payload) Changes() []change.Change {
	var cs []change.Change
	if p.Push != nil {
		cs = append(cs, p.Push.Push...)
	}
	if p.Pull != nil {
		for _, pc := range p.Pull.Pull {
			cs = append(cs, pc.Change)
		}
	}
	return cs
}

type wirePayload struct {
	Version int    `cbor:"1,keyasint,omitempty"`
	From    []byte `cbor:"2,keyasint,omitempty"`
	To      []byte `cbor:"3,keyasint,omitempty"`
	Created int64  `cbor:"4,keyasint,omitempty"`
	Push    []byte `cbor:"5,keyasint,omitempty"` // wire.EncodeRequest
	Pull    []byte `cbor:"6,keyasint,omitempty"` // wire.EncodeResponse
}

type envelope struct {
	Version   int    `cbor:"1,keyasint,omitempty"`
	Signer    []byte `cbor:"2,keyasint,omitempty"`
	Body      []byte `cbor:"3,keyasint,omitempty"` // zstd of the wirePayload
	Signature []byte `cbor:"4,keyasint,omitempty"`
}

// envelopeOverhead bounds the envelope's own bytes beyond the body.
const envelopeOverhead = 256

var encMode, _ = cbor.CoreDetEncOptions().EncMode()

var decMode, _ = cbor.DecOptions{
	DupMapKey:        cbor.DupMapKeyEnforcedAPF,
	MaxNestedLevels:  4,
	MaxArrayElements: 16,
	MaxMapPairs:      16,
	IndefLength:      cbor.IndefLengthForbidden,
	TagsMd:           cbor.TagsForbidden,
}.DecMode()

// Seal writes payload to w, signed by signer and encrypted to to.
func Seal(w io.Writer, p Payload, signer ed25519.PrivateKey, to age.Recipient) error {
	wp := wirePayload{Version: p.Version, From: p.From[:], To: p.To[:]}
	if !p.Created.IsZero() {
		wp.Created = p.Created.UnixMilli()
	}
	var err error
	if p.Push != nil {
		if wp.Push, err = wire.EncodeRequest(p.Push); err != nil {
			return fmt.Errorf("seal bundle: %w", err)
		}
	}
	if p.Pull != nil {
		if wp.Pull, err = wire.EncodeResponse(p.Pull); err != nil {
			return fmt.Errorf("seal bundle: %w", err)
		}
	}
	plain, err := encMode.Marshal(&wp)
	if err != nil {
		return fmt.Errorf("seal bundle: %w", err)
	}
	body := wire.Compress(nil, plain)
	env := envelope{
		Version:   Version,
		Signer:    signer.Public().(ed25519.PublicKey),
		Body:      body,
		Signature: ed25519.Sign(signer, signed(body)),
	}
	sealed, err := encMode.Marshal(&env)
	if err != nil {
		return fmt.Errorf("seal bundle: %w", err)
	}
	var ciphertext bytes.Buffer
	aw, err := age.Encrypt(&ciphertext, to)
	if err != nil {
		return fmt.Errorf("seal bundle: encrypt: %w", err)
	}
	if _, err := aw.Write(sealed); err != nil {
		return fmt.Errorf("seal bundle: encrypt: %w", err)
	}
	if err := aw.Close(); err != nil {
		return fmt.Errorf("seal bundle: encrypt: %w", err)
	}
	head := binary.BigEndian.AppendUint64(nil, uint64(ciphertext.Len()))
	if _, err := w.Write(head); err != nil {
		return fmt.Errorf("seal bundle: write: %w", err)
	}
	if _, err := ciphertext.WriteTo(w); err != nil {
		return fmt.Errorf("seal bundle: write: %w", err)
	}
	return nil
}

func signed(body []byte) []byte {
	return append([]byte(signContext), body...)
}

// Open reads a bundle encrypted to id, checks its signature, and returns its
// payload if trusted says the signing key belongs to the sender the payload
// names. Limits bound every size read, before it is allocated.
func Open(r io.Reader, id age.Identity, trusted func(from uuid.UUID, pub ed25519.PublicKey) bool, l wire.Limits) (Payload, error) {
	maxEnvelope := int64(l.MaxBody) + envelopeOverhead
	ciphertext, err := readFramed(r, maxCiphertext(maxEnvelope))
	if err != nil {
		return Payload{}, err
	}
	plain, err := age.Decrypt(bytes.NewReader(ciphertext), id)
	if err != nil {
		return Payload{}, decryptError(err)
	}
	sealed, err := io.ReadAll(io.LimitReader(plain, maxEnvelope+1))
	if err != nil {
		return Payload{}, decryptError(err)
	}
	if int64(len(sealed)) > maxEnvelope {
		return Payload{}, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, maxEnvelope)
	}
	var env envelope
	if err := decMode.Unmarshal(sealed, &env); err != nil {
		return Payload{}, fmt.Errorf("%w: envelope: %v", ErrMalformed, err)
	}
	if env.Version != Version {
		return Payload{}, fmt.Errorf("%w: format version %d, this program reads %d", ErrMalformed, env.Version, Version)
	}
	if len(env.Signer) != ed25519.PublicKeySize || len(env.Signature) != ed25519.SignatureSize {
		return Payload{}, fmt.Errorf("%w: signer key or signature of the wrong size", ErrMalformed)
	}
	signer := ed25519.PublicKey(env.Signer)
	if !ed25519.Verify(signer, signed(env.Body), env.Signature) {
		return Payload{}, ErrBadSignature
	}
	plainPayload, err := wire.Decompress(env.Body, l.MaxBody)
	if errors.Is(err, wire.ErrTooLarge) {
		return Payload{}, fmt.Errorf("%w: payload: %w", ErrTooLarge, err)
	}
	if err != nil {
		return Payload{}, fmt.Errorf("%w: payload: %w", ErrMalformed, err)
	}
	var wp wirePayload
	if err := decMode.Unmarshal(plainPayload, &wp); err != nil {
		return Payload{}, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	p, err := fromWire(wp, l)
	if err != nil {
		return Payload{}, err
	}
	if !trusted(p.From, signer) {
		return Payload{}, fmt.Errorf("%w: key %x for %s", ErrUnknownSender, []byte(signer), p.From)
	}
	return p, nil
}

func fromWire(wp wirePayload, l wire.Limits) (Payload, error) {
	if wp.Version != Version {
		return Payload{}, fmt.Errorf("%w: payload version %d, this program reads %d", ErrMalformed, wp.Version, Version)
	}
	p := Payload{Version: wp.Version}
	for _, f := range []struct {
		dst *uuid.UUID
		src []byte
	}{{&p.From, wp.From}, {&p.To, wp.To}} {
		if len(f.src) != 16 {
			return Payload{}, fmt.Errorf("%w: device id of %d bytes", ErrMalformed, len(f.src))
		}
		copy(f.dst[:], f.src)
	}
	if wp.Created != 0 {
		p.Created = time.UnixMilli(wp.Created).UTC()
	}
	var err error
	if wp.Push != nil {
		if p.Push, err = wire.DecodeRequest(wp.Push, l); err != nil {
			return Payload{}, fmt.Errorf("%w: push: %w", ErrMalformed, err)
		}
	}
	if wp.Pull != nil {
		if p.Pull, err = wire.DecodeResponse(wp.Pull, l); err != nil {
			return Payload{}, fmt.Errorf("%w: pull: %w", ErrMalformed, err)
		}
	}
	return p, nil
}

// maxCiphertext is the age encryption's size for a plaintext of n bytes at
// most: a header, and a 16-byte tag per 64 KiB chunk.
func maxCiphertext(n int64) int64 { return n + (n/(64<<10)+1)*16 + 4096 }

// readFramed reads the length and that many bytes, after the legacy magic
// line if the bundle has one.
func readFramed(r io.Reader, limit int64) ([]byte, error) {
	br := bufio.NewReader(r)
	if start, _ := br.Peek(len(legacyMagic)); len(start) > 0 && bytes.HasPrefix([]byte(legacyMagic), start) {
		if len(start) < len(legacyMagic) {
			return nil, fmt.Errorf("%w: %d bytes", ErrTruncated, len(start))
		}
		br.Discard(len(legacyMagic))
	}
	head, err := br.Peek(8 + len(ageMagic))
	if !bytes.HasPrefix([]byte(ageMagic), head[min(len(head), 8):]) {
		return nil, fmt.Errorf("%w: not a Fieldreg bundle", ErrMalformed)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %d bytes", ErrTruncated, len(head))
	}
	size := binary.BigEndian.Uint64(head)
	if size > uint64(limit) {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, size, limit)
	}
	br.Discard(8)
	ciphertext := make([]byte, size)
	if n, err := io.ReadFull(br, ciphertext); err != nil {
		return nil, fmt.Errorf("%w: %d of %d bytes", ErrTruncated, n, size)
	}
	return ciphertext, nil
}

// decryptError names what age's error means for a bundle.
func decryptError(err error) error {
	var noMatch *age.NoIdentityMatchError
	switch {
	case errors.As(err, &noMatch):
		return fmt.Errorf("%w: %v", ErrNotForUs, err)
	}
	return fmt.Errorf("%w: %v", ErrCorrupt, err)
}

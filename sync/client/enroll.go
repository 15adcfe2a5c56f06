package client

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/google/uuid"

	"fieldreg/store"
	"fieldreg/sync/pki"
	"fieldreg/sync/wire"
)

// Enrollment is what a device knows of its place at HQ.
type Enrollment struct {
	HQAddr   string
	Device   uuid.UUID // HQ's id for this device (its certificate's name)
	Team     string
	Sites    []string
	Enrolled time.Time
}

// storedEnrollment is the sealed meta: the enrollment and the device's
// secrets.
type storedEnrollment struct {
	HQAddr   string    `cbor:"1,keyasint"`
	Device   uuid.UUID `cbor:"2,keyasint"`
	Team     string    `cbor:"3,keyasint"`
	Sites    []string  `cbor:"4,keyasint"`
	Enrolled int64     `cbor:"5,keyasint"`
	KeySeed  []byte    `cbor:"6,keyasint"`           // Ed25519 private key seed
	Cert     []byte    `cbor:"7,keyasint"`           // DER, issued by HQ's CA
	CA       []byte    `cbor:"8,keyasint"`           // DER
	Bundle   string    `cbor:"9,keyasint,omitempty"` // HQ's age recipient for bundles
}

func (s *storedEnrollment) public() Enrollment {
	return Enrollment{HQAddr: s.HQAddr, Device: s.Device, Team: s.Team, Sites: slices.Clone(s.Sites), Enrolled: time.UnixMilli(s.Enrolled)}
}

func (s *storedEnrollment) key() ed25519.PrivateKey { return ed25519.NewKeyFromSeed(s.KeySeed) }

func (s *storedEnrollment) tlsConfig() (*tls.Config, error) {
	cert, err := pki.DeviceCert(s.key(), s.Cert)
	if err != nil {
		return nil, err
	}
	return pki.DeviceTLSConfig(cert, s.CA)
}

var metaEnc = func() cbor.EncMode {
	em, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(err) // constant options
	}
	return em
}()

func loadEnrollment(w Workspace) (*storedEnrollment, error) {
	b, err := w.Meta(metaEnrollment)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNotEnrolled
	}
	if err != nil {
		return nil, fmt.Errorf("read enrollment: %w", err)
	}
	var s storedEnrollment
	if err := cbor.Unmarshal(b, &s); err != nil || len(s.KeySeed) != ed25519.SeedSize {
		return nil, fmt.Errorf("read enrollment: %w", store.ErrCorrupt)
	}
	return &s, nil
}

// Enrolled returns the workspace's enrollment, if it has one.
func Enrolled(w Workspace) (Enrollment, bool, error) {
	s, err := loadEnrollment(w)
	if errors.Is(err, ErrNotEnrolled) {
		return Enrollment{}, false, nil
	}
	if err != nil {
		return Enrollment{}, false, err
	}
	return s.public(), true, nil
}

// Enrollment retries: a few, quickly; a person is waiting.
const (
	enrollAttempts   = 5
	enrollRetryDelay = 500 * time.Millisecond
)

// Enroll enrolls the workspace with the HQ an enrollment code names, over
// TLS pinned to the certificate fingerprint in the code.
func Enroll(ctx context.Context, w Workspace, code string) (Enrollment, error) {
	c, err := pki.ParseEnrollCode(code)
	if err != nil {
		return Enrollment{}, fmt.Errorf("enroll: %w", err)
	}
	t := newHTTPSTransport(c.Addr, pki.PinnedTLSConfig(c.Fingerprint), 0)
	defer t.close()
	return EnrollVia(ctx, w, code, TransportFunc(t.enroll))
}

// EnrollVia enrolls through t, which carries the compressed enrollment
// request to HQ (Enroll uses HTTPS; tests use HQ in-process).
func EnrollVia(ctx context.Context, w Workspace, code string, t Transport) (Enrollment, error) {
	c, err := pki.ParseEnrollCode(code)
	if err != nil {
		return Enrollment{}, fmt.Errorf("enroll: %w", err)
	}
	if _, ok, err := Enrolled(w); err != nil {
		return Enrollment{}, fmt.Errorf("enroll: %w", err)
	} else if ok {
		return Enrollment{}, fmt.Errorf("enroll: %w", ErrAlreadyEnrolled)
	}
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return Enrollment{}, fmt.Errorf("enroll: new key: %w", err)
	}
	enc, err := wire.EncodeEnrollRequest(&wire.EnrollRequest{Version: wire.Version, Token: c.Token, Name: w.User(), PublicKey: pub})
	if err != nil {
		return Enrollment{}, fmt.Errorf("enroll: %w", err)
	}
	// A link that dies after HQ spent the token but before its answer
	// arrives is not the end: HQ answers again to the same key.
	var body []byte
	for attempt := 1; ; attempt++ {
		body, err = t.RoundTrip(ctx, wire.Compress(nil, enc))
		if err == nil {
			break
		}
		if perm := classify(err); perm != nil {
			return Enrollment{}, fmt.Errorf("enroll: %w", perm)
		}
		if attempt == enrollAttempts || ctx.Err() != nil {
			return Enrollment{}, fmt.Errorf("enroll: %w: %w", ErrUnreachable, err)
		}
		select {
		case <-ctx.Done():
			return Enrollment{}, fmt.Errorf("enroll: %w: %w", ErrUnreachable, err)
		case <-time.After(time.Duration(attempt) * enrollRetryDelay):
		}
	}
	plain, err := wire.Decompress(body, 1<<20)
	if err != nil {
		return Enrollment{}, fmt.Errorf("enroll: HQ's answer: %w", err)
	}
	resp, err := wire.DecodeEnrollResponse(plain, wire.DefaultLimits())
	if err != nil {
		return Enrollment{}, fmt.Errorf("enroll: HQ's answer: %w", err)
	}
	s := &storedEnrollment{HQAddr: c.Addr, Device: resp.Device, Team: resp.Team, Sites: resp.Sites,
		Enrolled: w.Clock().Now().Time().UnixMilli(), KeySeed: key.Seed(), Cert: resp.Cert, CA: resp.CA}
	if s.HQAddr == "" {
		s.HQAddr = resp.HQAddr
	}
	if _, err := s.tlsConfig(); err != nil { // the certificate must be for our key
		return Enrollment{}, fmt.Errorf("enroll: HQ's certificate: %w", err)
	}
	b, err := metaEnc.Marshal(s)
	if err != nil {
		return Enrollment{}, fmt.Errorf("enroll: %w", err)
	}
	if err := w.PutMeta(metaEnrollment, b); err != nil {
		return Enrollment{}, fmt.Errorf("enroll: %w", err)
	}
	return s.public(), nil
}

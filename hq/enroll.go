package hq

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/sync/pki"
	"fieldreg/sync/wire"
)

// DefaultEnrollTTL is how long an enrollment code stays usable.
const DefaultEnrollTTL = 7 * 24 * time.Hour

// Enrollment is what an operator asks for a new device.
type Enrollment struct {
	Name  string
	Team  string
	Sites []string
	TTL   time.Duration // zero → DefaultEnrollTTL
	Addr  string        // host:port in the code; "" → HQ's address
}

func tokenHash(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// NewEnrollment records a one-time token for a device and returns the code
// to give it (print it, or show it as a QR image).
func (s *Server) NewEnrollment(ctx context.Context, e Enrollment) (pki.EnrollCode, error) {
	e.Name = strings.TrimSpace(e.Name)
	if e.Name == "" {
		return pki.EnrollCode{}, fmt.Errorf("new enrollment: %w: a device name is needed", ErrInvalidRequest)
	}
	if len(e.Sites) == 0 {
		return pki.EnrollCode{}, fmt.Errorf("new enrollment for %q: %w: at least one site is needed (%q for all)", e.Name, ErrInvalidRequest, AllSites)
	}
	if err := s.checkSites(e.Sites); err != nil {
		return pki.EnrollCode{}, fmt.Errorf("new enrollment for %q: %w", e.Name, err)
	}
	if e.TTL <= 0 {
		e.TTL = DefaultEnrollTTL
	}
	if e.Addr == "" {
		e.Addr = s.addr
	}
	raw := make([]byte, 16)
	rand.Read(raw)
	tok := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw)
	t := &token{Name: e.Name, Team: e.Team, Sites: slices.Clone(e.Sites), Expires: s.cfg.now().Add(e.TTL).UnixMilli()}
	_, _, err := s.submit(ctx, func(st *state) ([]change.Change, error) {
		st.Tokens[tokenHash(tok)] = t
		return nil, nil
	})
	if err != nil {
		return pki.EnrollCode{}, fmt.Errorf("new enrollment for %q: %w", e.Name, err)
	}
	return pki.EnrollCode{Addr: e.Addr, Fingerprint: s.Fingerprint(), Token: tok}, nil
}

// enrollee is the id a device enrolling with the token of hash h and key
// pub gets: a new one for a pending token, the same one for a retry with
// the same key; any other request is refused.
func (s *Server) enrollee(h string, pub []byte, now time.Time) (uuid.UUID, error) {
	st := s.state()
	if u := st.Used[h]; u != nil {
		d := st.Devices[u.Device]
		if d == nil || d.Revoked || !ed25519.PublicKey(d.PublicKey).Equal(ed25519.PublicKey(pub)) {
			return uuid.Nil, refuse(wire.CodeUnauthorized, "enrollment code already used")
		}
		return u.Device, nil
	}
	if t := st.Tokens[h]; t == nil || now.UnixMilli() > t.Expires {
		return uuid.Nil, refuse(wire.CodeUnauthorized, "enrollment code unknown, expired or already used")
	}
	return uuid.Must(uuid.NewV7()), nil
}

// Enroll exchanges a one-time token for a device certificate. body is a
// compressed EnrollRequest; the result a compressed EnrollResponse.
func (s *Server) Enroll(ctx context.Context, body []byte) ([]byte, error) {
	s.stats.enrolls.Add(1)
	plain, err := wire.Decompress(body, 64<<10)
	if err != nil {
		return nil, err
	}
	req, err := wire.DecodeEnrollRequest(plain, s.limits)
	if err != nil {
		return nil, err
	}
	if len(req.PublicKey) != ed25519.PublicKeySize {
		return nil, refuse(wire.CodeBadRequest, "public key of %d bytes", len(req.PublicKey))
	}
	now := s.cfg.now()
	h := tokenHash(req.Token)
	// The token is checked before any signing work, so that a request
	// without a usable code costs HQ nothing; the check is repeated where
	// the token is spent, in case another request spends it first.
	id, err := s.enrollee(h, req.PublicKey, now)
	if err != nil {
		s.stats.refused.Add(1)
		return nil, err
	}
	cert, err := s.ca.IssueDevice(ed25519.PublicKey(req.PublicKey), id, now)
	if err != nil {
		return nil, refuse(wire.CodeInternal, "issue certificate")
	}
	var dev Device
	_, _, err = s.submit(ctx, func(st *state) ([]change.Change, error) {
		if u := st.Used[h]; u != nil {
			d := st.Devices[u.Device]
			if d == nil || d.ID != id || d.Revoked || !ed25519.PublicKey(d.PublicKey).Equal(ed25519.PublicKey(req.PublicKey)) {
				return nil, refuse(wire.CodeUnauthorized, "enrollment code already used")
			}
			dev = *d
			return nil, nil
		}
		t := st.Tokens[h]
		if t == nil || now.UnixMilli() > t.Expires {
			return nil, refuse(wire.CodeUnauthorized, "enrollment code unknown, expired or already used")
		}
		delete(st.Tokens, h)
		st.Used[h] = &used{Device: id, Expires: t.Expires}
		dev = Device{ID: id, Name: t.Name, Team: t.Team, Sites: t.Sites, Fingerprint: pki.Fingerprint(cert),
			PublicKey: req.PublicKey, Enrolled: now.UnixMilli()}
		d := dev
		st.Devices[id] = &d
		return nil, nil
	})
	if err != nil {
		s.stats.refused.Add(1)
		return nil, err
	}
	s.logf("enrolled device %q (%s), team %q, sites %s", dev.Name, dev.ID, dev.Team, strings.Join(dev.Sites, ","))
	enc, err := wire.EncodeEnrollResponse(&wire.EnrollResponse{Version: wire.Version, Cert: cert, CA: s.ca.DER(),
		Device: id, Team: dev.Team, Sites: dev.Sites, HQAddr: s.addr})
	if err != nil {
		return nil, refuse(wire.CodeInternal, "encode response")
	}
	return wire.Compress(nil, enc), nil
}

package hq

import (
	"context"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"github.com/google/uuid"
	"golang.org/x/crypto/ssh"

	"fieldreg/sync/bundle"
	"fieldreg/sync/pki"
	"fieldreg/sync/wire"
)

// Bundles reuse keys the two sides already trust each other with, so no
// key needs exchanging beyond enrollment: a device encrypts to, and
// verifies signatures by, HQ's CA key (its certificate came at enrollment);
// HQ encrypts to, and verifies, the device's enrolled Ed25519 key. age's
// ssh-ed25519 recipient type does the Ed25519 → X25519 conversion.

// caKey returns the CA's private key from its sealed PEM.
func (s *Server) caKey() (ed25519.PrivateKey, error) {
	b, err := pki.MarshalCA(s.ca)
	if err != nil {
		return nil, err
	}
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return nil, errors.New("CA key missing")
		}
		if blk.Type != "PRIVATE KEY" {
			continue
		}
		k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("CA key: %w", err)
		}
		key, ok := k.(ed25519.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("CA key is %T, want Ed25519", k)
		}
		return key, nil
	}
}

// BundleResult is what importing a bundle did.
type BundleResult struct {
	Device      Device
	Changes     int // in the bundle
	Stored      int // new to HQ
	Quarantined int
	Refused     int // changes to records outside the device's sites: not stored
}

// ImportBundle stores the changes of a device's bundle. Importing the same
// bundle again stores nothing.
func (s *Server) ImportBundle(ctx context.Context, r io.Reader) (BundleResult, error) {
	key, err := s.caKey()
	if err != nil {
		return BundleResult{}, fmt.Errorf("import bundle: %w", err)
	}
	id, err := agessh.NewEd25519Identity(key)
	if err != nil {
		return BundleResult{}, fmt.Errorf("import bundle: %w", err)
	}
	st := s.state()
	p, err := bundle.Open(r, id, func(from uuid.UUID, pub ed25519.PublicKey) bool {
		d := st.Devices[from]
		return d != nil && pub.Equal(ed25519.PublicKey(d.PublicKey))
	}, s.limits)
	if err != nil {
		return BundleResult{}, fmt.Errorf("import bundle: %w", err)
	}
	if p.Push == nil {
		return BundleResult{}, fmt.Errorf("import bundle: it carries no changes from a device")
	}
	res, err := s.push(ctx, p.From, p.Push)
	if err != nil {
		return BundleResult{}, fmt.Errorf("import bundle from device %s: %w", p.From, err)
	}
	return BundleResult{Device: res.device, Changes: len(p.Push.Push), Stored: res.stored, Quarantined: len(res.results), Refused: res.refused}, nil
}

// ExportBundle writes a return bundle for a device: every change of its
// scope after the last cursor it reported, and HQ's acknowledgement of its
// changes. It returns how many changes it wrote.
func (s *Server) ExportBundle(ctx context.Context, deviceKey string, w io.Writer) (int, error) {
	d, err := s.state().find(deviceKey)
	if err != nil {
		return 0, fmt.Errorf("export bundle: %w", err)
	}
	if d.Revoked && !d.WipeOrdered { // a revoked device's bundle carries only its wipe order
		return 0, fmt.Errorf("export bundle for %q: %w", d.Name, ErrDeviceRevoked)
	}
	dev := *d
	resp := &wire.SyncResponse{Version: wire.Version, Acked: dev.Acked}
	resp.Results, resp.OutcomeSeq = outcomes(&dev, nil, 0, s.limits.MaxChanges)
	// Every published form: HQ does not know which the device holds, and
	// the device skips those it does.
	resp.Forms = s.formsAfter(0)
	if dev.WipeOrdered {
		resp.Order = wire.OrderWipe
	} else {
		// One bundle carries everything: no byte budget, and no scan limit.
		// Bundles carry no evictions or re-scopes yet (hq/scopefollow.go):
		// a re-scoped device must sync online.
		req := &wire.SyncRequest{Cursor: dev.Cursor, PullMax: maxBundleBytes, Scope: dev.Scope}
		resp.Cursor = dev.Cursor
		for {
			part := &wire.SyncResponse{}
			if err := s.pull(&dev, req, part); err != nil {
				return 0, fmt.Errorf("export bundle for %q: %w", d.Name, err)
			}
			resp.Pull = append(resp.Pull, part.Pull...)
			progressed := part.Cursor != req.Cursor
			resp.Cursor, req.Cursor = part.Cursor, part.Cursor
			if !part.More || !progressed {
				break
			}
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
		}
	}
	if err := s.auditPulled(&dev, "bundle", resp.Pull); err != nil {
		return 0, fmt.Errorf("export bundle for %q: %w", d.Name, err)
	}
	pub, err := ssh.NewPublicKey(ed25519.PublicKey(dev.PublicKey))
	if err != nil {
		return 0, fmt.Errorf("export bundle for %q: device key: %w", d.Name, err)
	}
	to, err := agessh.NewEd25519Recipient(pub)
	if err != nil {
		return 0, fmt.Errorf("export bundle for %q: %w", d.Name, err)
	}
	key, err := s.caKey()
	if err != nil {
		return 0, fmt.Errorf("export bundle: %w", err)
	}
	p := bundle.Payload{Version: bundle.Version, From: uuid.Nil, To: dev.ID, Created: s.cfg.now(), Pull: resp}
	if err := bundle.Seal(w, p, key, age.Recipient(to)); err != nil {
		return 0, fmt.Errorf("export bundle for %q: %w", d.Name, err)
	}
	return len(resp.Pull), nil
}

// maxBundleBytes bounds a return bundle's changes, as a device's bundle
// decoder bounds what it reads.
const maxBundleBytes = 12 << 20

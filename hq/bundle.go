package hq

import (
	"context"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"slices"

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

// ImportBundle stores the changes of a device's bundle, checked as a sync's
// push is (authorize.go), with the audit anchor it carries (anchor.go): a
// device put back to an older copy of itself is refused, by stick as by
// link. Importing the same bundle again stores nothing.
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
	if d := st.Devices[p.From]; d != nil && d.Revoked && d.WipeOrdered {
		// As on sync: nothing a revoked device sends is stored; what it
		// needs is its wipe order.
		return BundleResult{}, fmt.Errorf("import bundle from device %q: %w; its return bundle (bundle export) carries its wipe order", d.Name, ErrDeviceRevoked)
	}
	if d := st.Devices[p.From]; d != nil && oldNews(d, p.Push) {
		p.Push.Anchor = nil
	}
	res, err := s.push(ctx, p.From, p.Push)
	if err != nil {
		return BundleResult{}, fmt.Errorf("import bundle from device %s: %w", p.From, err)
	}
	return BundleResult{Device: res.device, Changes: len(p.Push.Push), Stored: res.stored, Quarantined: len(res.results), Refused: res.refused}, nil
}

// ExportBundle writes a return bundle for a device: what a sync would
// answer it — every change of its scope after the last cursor it
// reported, the households that left its sites and its sites' generation
// (bundlePull), HQ's acknowledgement of its changes, the outcomes of those
// held, every form — or, for a device ordered to wipe (revoked or not),
// the wipe order alone. A revoked device without a wipe order gets no
// bundle. It returns how many changes it wrote.
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
	} else if err := s.bundlePull(ctx, &dev, resp); err != nil {
		return 0, fmt.Errorf("export bundle for %q: %w", d.Name, err)
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

// bundlePull fills a return bundle's answer as successive online pulls
// would, in one: every change of d's scope after the cursor it last
// reported, and what scope-following asks of it (scopefollow.go) — the
// households that left its sites, by a move or by a re-scope it has not
// confirmed, and the generation of its sites. One bundle carries
// everything: no byte budget, and no scan limit.
//
// The device removes the evicted households before it stores the changes:
// they are not the same households, since what is evicted is out of d's
// scope now and what is sent is in it, so the evictions of every part may
// go first.
func (s *Server) bundlePull(ctx context.Context, d *Device, resp *wire.SyncResponse) error {
	// The generation the device last confirmed: an unconfirmed re-scope
	// evicts what the old sites held and starts the log again from 0.
	req := &wire.SyncRequest{Cursor: d.Cursor, PullMax: maxBundleBytes, Scope: d.ScopeAcked}
	resp.Cursor, resp.Scope = d.Cursor, d.Scope
	for {
		part := &wire.SyncResponse{}
		if err := s.pull(d, req, part); err != nil {
			return err
		}
		for _, h := range part.Evict {
			if !slices.Contains(resp.Evict, h) {
				resp.Evict = append(resp.Evict, h)
			}
		}
		resp.Pull = append(resp.Pull, part.Pull...)
		progressed := part.Cursor != req.Cursor || req.Scope != d.Scope
		resp.Cursor, req.Cursor, req.Scope = part.Cursor, part.Cursor, d.Scope
		if !part.More || !progressed {
			break
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if n := len(resp.Evict); n > s.limits.MaxChanges {
		// A device refuses a longer list. A re-scope stays unconfirmed, so
		// the next bundle evicts again; the rest of the households moved
		// away stay on the device, as they would online.
		s.logf("return bundle for device %q: %d households left its sites, only %d are evicted", d.Name, n, s.limits.MaxChanges)
		resp.Evict = resp.Evict[:s.limits.MaxChanges]
		resp.Scope = d.ScopeAcked
	}
	return nil
}

// maxBundleBytes bounds a return bundle's changes, as a device's bundle
// decoder bounds what it reads.
const maxBundleBytes = 12 << 20

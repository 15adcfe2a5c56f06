package hq

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"fieldreg/sync/wire"
)

// anchor checks the audit head a device reports with a sync against the
// latest one HQ holds for it, and keeps the new one. The head only ever
// moves on: a device whose head is behind (or at the same seq with another
// hash) is a workspace put back to an older copy of both its files — which
// the device's own rollback mark cannot see — and is refused with
// CodeRolledBack. A device with a wipe order is not refused: the order must
// reach it; its head is simply not kept. A device's bundle carries its
// anchor as a sync request does, checked the same way; a request without
// one (an older device, an older bundle) is not checked. ResetAnchor
// forgets the head after a legitimate restore.
//
// What HQ cannot see: a device that forks from a copy and then writes past
// the seq HQ holds before it syncs (HQ keeps a head, not the chain), and a
// device that never syncs.
func anchor(d *Device, a *wire.AuditAnchor) error {
	if a == nil {
		return nil
	}
	back := a.Seq < d.AnchorSeq || (a.Seq == d.AnchorSeq && d.AnchorSeq != 0 && !bytes.Equal(a.Hash, d.AnchorHash))
	switch {
	case back && d.WipeOrdered:
		return nil
	case back:
		return refuse(wire.CodeRolledBack, "device %q reports audit entry %d, HQ has seen %d: its workspace was put back to an older copy", d.Name, a.Seq, d.AnchorSeq)
	}
	d.AnchorSeq, d.AnchorHash = a.Seq, bytes.Clone(a.Hash)
	return nil
}

// compact rewrites HQ's store after a revocation or a wipe order, so that
// its free pages hold no older state (the device still served) for someone
// with the files to write back. The store's rollback mark refuses such a
// put-back too; compaction leaves nothing to put back. A store that cannot
// compact (not bbolt) has no free pages of this kind. A failure is logged:
// the order itself is stored.
func (s *Server) compact(after string) {
	c, ok := s.ws.(interface{ Compact() error })
	if !ok {
		return
	}
	if err := c.Compact(); err != nil {
		s.logf("compact after %s: %v", after, err)
	}
}

// oldNews reports whether a device's bundle is older than what HQ has
// heard from the device since: it brings no change HQ has not stored, and
// its anchor is behind the one HQ holds. Such a bundle was found on a
// stick again, or carried after the device synced: its anchor is neither
// checked nor kept. A workspace put back to an older copy is still refused
// by the first bundle that brings anything new.
func oldNews(d *Device, req *wire.SyncRequest) bool {
	if req.Anchor == nil || req.Anchor.Seq >= d.AnchorSeq {
		return false
	}
	for _, c := range req.Push {
		if c.DeviceSeq > d.Acked {
			return false
		}
	}
	return true
}

// ResetAnchor forgets the audit head HQ holds for a device, so that its
// next sync or bundle sets a new one: for a tablet legitimately restored
// from its own backup, which HQ otherwise refuses for ever as rolled back
// (or which must enroll again). Until that next contact HQ checks nothing
// for the device: an operator resets only a device they have in hand. The
// reset is audited with who asked and why; reason is required.
func (s *Server) ResetAnchor(ctx context.Context, key, reason string) (Device, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Device{}, fmt.Errorf("reset the audit anchor of %q: %w: give a reason (it goes in the audit log)", key, ErrInvalidRequest)
	}
	var was uint64
	d, err := s.updateDevice(ctx, key, func(d *Device) {
		was = d.AnchorSeq
		d.AnchorSeq, d.AnchorHash = 0, nil
	})
	if err != nil {
		return Device{}, fmt.Errorf("reset the audit anchor of %q: %w", key, err)
	}
	detail := fmt.Sprintf("device %s (%s), audit entry %d forgotten; reason: %s", d.Name, d.ID, was, reason)
	if err := s.auditAdmin(ctx, "anchor reset", detail); err != nil {
		return d, err
	}
	return d, nil
}

package client

import "fieldreg/sync/wire"

// auditHeader is a workspace that keeps an audit chain (*store.Workspace
// does). It is not part of Workspace, so that stores without a chain still
// sync: they send no anchor.
type auditHeader interface {
	// AuditHead is the last audit entry's seq and the chain hash there.
	AuditHead() (seq uint64, hash []byte)
}

// auditAnchor is what a sync request tells HQ of the workspace's audit
// chain, nil when the workspace keeps none. HQ refuses an anchor that goes
// back (wire.CodeRolledBack): the workspace was put back, both files
// together, to an older copy of itself, which nothing on the device can see.
func auditAnchor(w Workspace) *wire.AuditAnchor {
	a, ok := w.(auditHeader)
	if !ok {
		return nil
	}
	seq, hash := a.AuditHead()
	if seq == 0 {
		return nil // closed, or no chain yet
	}
	return &wire.AuditAnchor{Seq: seq, Hash: hash}
}

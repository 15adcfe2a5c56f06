package hq

import (
	"slices"

	"github.com/google/uuid"

	"fieldreg/sync/wire"
)

// Scope follows the data. A household whose site leaves a device's sites
// is evicted from the device (wire.SyncResponse.Evict): the device removes
// it, its members and assessments, once HQ holds all its own changes. A
// household that enters a device's sites arrives whole: with the change
// that moved it, HQ sends every change of the household's records before
// it, which the device never received. Both follow the log: a device that
// is behind meets each move in order as it pulls past it, so a lost answer
// costs nothing (the cursor did not move).
//
// An admin's re-scope (Server.SetSites) numbers a new generation of the
// device's sites. Until the device confirms it (SyncRequest.Scope), each
// pull evicts the households at sites it lost and starts again from the
// beginning of the log, so what entered arrives whole.

// follow applies the move m, made by log entry e, to the answer for d.
// stop says the answer ends before e: an eviction must come before every
// change of the same answer (a device evicts first, then stores Pull), and
// a household arriving whole must fit the budget unless it comes first.
func (s *Server) follow(d *Device, m move, e logEntry, resp *wire.SyncResponse, size *int, budget int) (stop bool, err error) {
	was, is := d.HasSite(m.from), d.HasSite(m.to)
	now := s.scope.visible(d, m.household)
	switch {
	case was && !is && !now: // gone (and not come back by a later move)
		if len(resp.Pull) > 0 {
			return true, nil
		}
		if !slices.Contains(resp.Evict, m.household) {
			resp.Evict = append(resp.Evict, m.household)
		}
	case !was && is && now: // entered (and still in scope)
		records := map[uuid.UUID]bool{m.household: true}
		for _, id := range s.ws.Members(m.household) {
			records[id] = true
		}
		for _, id := range s.ws.Assessments(m.household) {
			records[id] = true
		}
		var seqs []uint64
		for _, f := range s.log.family(records, e.logSeq) {
			if f.device != d.Replica {
				seqs = append(seqs, f.logSeq)
			}
		}
		var arriving []wire.PulledChange
		n := 0
		if len(seqs) > 0 {
			cs, err := s.readLogged(seqs)
			if err != nil {
				return false, err
			}
			for i, c := range cs {
				n += wire.EstimateSize(c)
				arriving = append(arriving, wire.PulledChange{LogSeq: seqs[i], Change: c})
			}
		}
		if *size+n > budget && len(resp.Pull) > 0 {
			return true, nil
		}
		*size += n
		resp.Pull = append(resp.Pull, arriving...)
	}
	return false, nil
}

// leaving lists the households d could see with the sites old and cannot
// any more.
func (s *scope) leaving(d *Device, old []string) []uuid.UUID {
	before := &Device{Replica: d.Replica, Sites: old}
	s.mu.RLock()
	var candidates []uuid.UUID
	for id, e := range s.records {
		if e.household == uuid.Nil && before.HasSite(e.site) && !d.HasSite(e.site) {
			candidates = append(candidates, id)
		}
	}
	s.mu.RUnlock()
	var out []uuid.UUID
	for _, id := range candidates {
		if !s.visible(d, id) {
			out = append(out, id)
		}
	}
	slices.SortFunc(out, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	return out
}

// rescope gives d new sites: a new generation, pending until the device
// confirms it; ScopeFrom keeps the sites it last confirmed.
func rescope(d *Device, sites []string) {
	if d.Scope == d.ScopeAcked {
		d.ScopeFrom = slices.Clone(d.Sites)
	}
	d.Sites = slices.Clone(sites)
	d.Scope++
}

// confirmScope records that the device applied its sites' generation seq.
func confirmScope(d *Device, seq uint64) {
	if seq >= d.Scope && d.ScopeAcked != d.Scope {
		d.ScopeAcked = d.Scope
		d.ScopeFrom = nil
	}
}

package hq

import (
	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store"
)

// HQ authorizes every write it is pushed, change by change, by the device
// that pushed it, never by the author the change names: HQ cannot verify a
// workspace's users, so Author is a claim, kept for people to read. The
// device is authenticated (its certificate, bound to its workspace id at
// its first sync, or its bundle's signature) and HQ keeps which device
// made each change it stores (logIndex).
//
// A device may write a record that is at one of its sites now (a person's
// or assessment's site is its household's), or that it created (the first
// change of the record HQ stored came from it); a change that puts a
// person or assessment into a household needs that household to pass the
// same test, and a household's site may be set only to one of the
// device's sites (a record is not put, by a move, where the device could
// not have made it: a device of both camps moves a household between
// them). A record HQ does not hold yet is created where its change says: a
// household at one of the device's sites, a member in a household the
// device may write. Role rules (who may delete or resolve a conflict)
// are the store's, on the device; HQ cannot tell which user made a change,
// so at HQ a device's scope is the whole of its rights.
//
// Who may create a record. A record is created by the first change of it
// HQ stores, and its creator may write it wherever it goes. A record id
// made by registry.NewIDFor names the device that made it: HQ lets no
// other device create a record under it, so a device that learns the id of
// a record another has registered but not synced yet (from a paper card, a
// screen, a QR code) cannot create it first at its own site, own it, and
// have the rightful device's changes refused. The rightful device's record
// arrives whole, and nothing the squatter sent is on it. An id of
// registry.NewID (older records, and front ends that do not bind ids yet)
// names nobody: its record is the first device's to create, as before.
// Binding refuses nothing a device does honestly: it creates only the ids
// it made, and writes others' records (a coordinator moving a household,
// a second tablet of a site) as records HQ already holds.
//
// A refused change is not stored and not held in quarantine: nobody can
// make it right by releasing it, since what is wrong is who sent it. The
// device is told with wire.CodeForbidden, as an outcome it confirms (so a
// lost response does not lose the word), and its acknowledged run moves
// past it, so the rest of its work still flows.

// What a device is told of a refused change. It names no record and
// quotes no value, so that a run of refusals is one outcome.
const (
	refusedReason = "the record is not at this device's sites"
	squatReason   = "the record's id was made by another device: only it may create the record"
)

// writeCheck authorizes the changes of one push, in order: a change may
// rest on a record an earlier change of the same push created.
type writeCheck struct {
	scope   *scope
	log     *logIndex
	ws      Store
	device  *Device
	pending map[uuid.UUID]pendingRecord // records this push wrote, as it left them
	held    map[uuid.UUID]bool          // records of this device's changes held in quarantine; nil until needed
	why     string                      // the reason of the last refusal
}

// pendingRecord is where a change of the push put a record.
type pendingRecord struct {
	site      string    // households
	household uuid.UUID // persons and assessments
	mine      bool      // this push created it
}

func (s *Server) writeCheck(d *Device) *writeCheck {
	return &writeCheck{scope: s.scope, log: &s.log, ws: s.ws, device: d, pending: map[uuid.UUID]pendingRecord{}}
}

// authorized reports whether the device may write c; reason says why not.
func (w *writeCheck) authorized(c change.Change) bool {
	w.why = refusedReason
	if store.IsSetAside(c) {
		// A placeholder writes no record: the store holds it as it is. A
		// record it names that HQ does not hold was the device's own, new
		// (its first change could not be read): its members may follow.
		if id, ok := setAsideRecord(c); ok && w.mayCreate(id) {
			if _, known := w.record(id); !known {
				w.pending[id] = pendingRecord{mine: true}
			}
		}
		return true
	}
	p, known := w.record(c.Record)
	if !known {
		if !w.mayCreate(c.Record) {
			w.why = squatReason
			return false
		}
		return w.create(c)
	}
	if !w.mayWrite(c.Record, p) {
		return false
	}
	if h, moves := writtenHousehold(c); moves && c.Kind != registry.KindHousehold {
		id, err := uuid.Parse(h)
		if err != nil || !w.mayWriteHousehold(id) {
			return false
		}
		p.household = id
	}
	if site, ok := writtenSite(c); ok && c.Kind == registry.KindHousehold {
		if !w.device.HasSite(site) {
			return false // moved where it could not have been made
		}
		p.site = site
	}
	w.pending[c.Record] = p
	return true
}

// reason is what the device is told of the change authorized last refused.
func (w *writeCheck) reason() string { return w.why }

// mayCreate reports whether the device may create a record under id: any
// id but one bound to another device (registry.NewIDFor).
func (w *writeCheck) mayCreate(id uuid.UUID) bool {
	return !registry.DeviceBound(id) || registry.MadeBy(id, w.device.Replica)
}

// create authorizes a change to a record HQ does not store: its first, or
// one after a first HQ holds in quarantine. Either way the change may not
// put the record where the device could not have made it.
func (w *writeCheck) create(c change.Change) bool {
	p := pendingRecord{mine: true}
	if c.Kind == registry.KindHousehold {
		site, _ := writtenSite(c)
		switch {
		case site != "" && !w.device.HasSite(site):
			return false
		case site == "" && !w.heldMine(c.Record):
			return false // at no site: not the device's to make
		}
		p.site = site
	} else {
		h, ok := writtenHousehold(c)
		if !ok {
			if !w.heldMine(c.Record) {
				return false // in no household: not the device's to make
			}
		} else if id, err := uuid.Parse(h); err != nil || !w.mayWriteHousehold(id) {
			return false
		} else {
			p.household = id
		}
	}
	w.pending[c.Record] = p
	return true
}

// record is where record id is: as this push left it, else as HQ holds it.
func (w *writeCheck) record(id uuid.UUID) (pendingRecord, bool) {
	if p, ok := w.pending[id]; ok {
		return p, true
	}
	site, ok := w.scope.siteOf(id)
	if !ok {
		return pendingRecord{}, false
	}
	return pendingRecord{site: site}, true
}

// mayWrite reports whether the device may write record id, found at p.
func (w *writeCheck) mayWrite(id uuid.UUID, p pendingRecord) bool {
	if p.mine || w.log.createdBy(id, w.device.Replica) {
		return true
	}
	if p.household != uuid.Nil {
		return w.mayWriteHousehold(p.household)
	}
	return p.site != "" && w.device.HasSite(p.site)
}

// mayWriteHousehold reports whether the device may write household id,
// and so put a member in it.
func (w *writeCheck) mayWriteHousehold(id uuid.UUID) bool {
	p, known := w.record(id)
	if !known {
		return w.heldMine(id)
	}
	if p.household != uuid.Nil {
		return false // not a household
	}
	return w.mayWrite(id, p)
}

// heldMine reports whether HQ holds in quarantine a change of record id
// from this device: a record the device created that waits for a
// supervisor (or for HQ's clock) is still the device's to write.
func (w *writeCheck) heldMine(id uuid.UUID) bool {
	if w.held == nil {
		w.held = map[uuid.UUID]bool{}
		q, err := w.ws.Quarantined()
		if err != nil {
			return false // refuse rather than guess; the device is told
		}
		for _, e := range q {
			if e.Change.Device != w.device.Replica {
				continue
			}
			w.held[e.Change.Record] = true
			if id, ok := setAsideRecord(e.Change); ok {
				w.held[id] = true
			}
		}
	}
	return w.held[id]
}

// writtenSite is the site c writes, if it writes one.
func writtenSite(c change.Change) (string, bool) {
	for _, wr := range c.Writes {
		if wr.Field == registry.FieldSite {
			return wr.Value, true
		}
	}
	return "", false
}

// setAsideRecord is the record a placeholder names, when its device knew
// it (the store writes it as the placeholder's "record" field).
func setAsideRecord(c change.Change) (uuid.UUID, bool) {
	if !store.IsSetAside(c) {
		return uuid.Nil, false
	}
	for _, wr := range c.Writes {
		if wr.Field == "record" {
			id, err := uuid.Parse(wr.Value)
			return id, err == nil && id != uuid.Nil
		}
	}
	return uuid.Nil, false
}

package hq

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"fieldreg/store"
	"fieldreg/sync/wire"
)

// HQ audits every pull that gives a device changes: which device, over
// which path, how many changes, of which records. Ids, not values: after
// a theft the audit says whose records were on the tablet without holding
// a copy of them. The entry goes in the store's audit chain before the
// device is answered; a pull HQ cannot audit is refused.

// auditPull is the audit action of a pull.
const auditPull = "pull"

// Pull is one audited pull.
type Pull struct {
	Time    time.Time
	Device  uuid.UUID // HQ id
	Via     string    // "sync" or "bundle"
	Changes int
	Records []uuid.UUID // each record once, in the order first pulled
}

// pullDetail is a pull's audit detail: "device=ID via=sync changes=N
// records=ID,ID". Only HQ writes it, and Pulled reads it back.
func pullDetail(device uuid.UUID, via string, pulled []wire.PulledChange) string {
	var b strings.Builder
	fmt.Fprintf(&b, "device=%s via=%s changes=%d records=", device, via, len(pulled))
	seen := make(map[uuid.UUID]bool, len(pulled))
	for _, p := range pulled {
		if seen[p.Change.Record] {
			continue
		}
		if len(seen) > 0 {
			b.WriteByte(',')
		}
		seen[p.Change.Record] = true
		b.WriteString(p.Change.Record.String())
	}
	return b.String()
}

// parsePull reads back a pull's audit entry.
func parsePull(e store.AuditEntry) (Pull, error) {
	p := Pull{Time: e.Time}
	for _, f := range strings.Fields(e.Detail) {
		k, v, _ := strings.Cut(f, "=")
		var err error
		switch k {
		case "device":
			p.Device, err = uuid.Parse(v)
		case "via":
			p.Via = v
		case "changes":
			p.Changes, err = strconv.Atoi(v)
		case "records":
			for _, id := range strings.Split(v, ",") {
				if id == "" {
					continue
				}
				r, perr := uuid.Parse(id)
				if perr != nil {
					err = perr
					break
				}
				p.Records = append(p.Records, r)
			}
		}
		if err != nil {
			return Pull{}, fmt.Errorf("audit entry %d: pull %s: %w", e.AuditSeq, k, err)
		}
	}
	return p, nil
}

// audit records that d was given pulled, when it was given anything.
func (s *Server) auditPulled(d *Device, via string, pulled []wire.PulledChange) error {
	if len(pulled) == 0 {
		return nil
	}
	if err := s.ws.AuditEvent(auditPull, pullDetail(d.ID, via, pulled)); err != nil {
		return fmt.Errorf("audit a pull by device %s: %w", d.ID, err)
	}
	return nil
}

// Pulled lists, oldest first, the pulls HQ gave a device (name, HQ id or
// workspace id): what it received, as record ids.
func (s *Server) Pulled(deviceKey string) ([]Pull, error) {
	d, err := s.state().find(deviceKey)
	if err != nil {
		return nil, fmt.Errorf("pulls: %w", err)
	}
	var out []Pull
	err = s.ws.Audit(func(e store.AuditEntry) error {
		if e.Action != auditPull || !strings.HasPrefix(e.Detail, "device="+d.ID.String()+" ") {
			return nil
		}
		p, err := parsePull(e)
		if err != nil {
			return err
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pulls of device %q: %w", d.Name, err)
	}
	return out, nil
}

// PulledRecords is every record a list of pulls gave, each once.
func PulledRecords(pulls []Pull) []uuid.UUID {
	var out []uuid.UUID
	seen := map[uuid.UUID]bool{}
	for _, p := range pulls {
		for _, id := range p.Records {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return slices.Clip(out)
}

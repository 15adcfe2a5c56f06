package hq

import (
	"slices"
	"sync"

	"github.com/google/uuid"

	"fieldreg/registry"
)

// scope is an in-memory index, kept current by the store (store.Indexer),
// that says which devices may receive a record: those whose sites include
// the record's site (a person's or assessment's is its household's), and
// those that wrote the record or its household.
type scope struct {
	mu      sync.RWMutex
	records map[uuid.UUID]scopeEntry
	sites   map[string]string // interned site names
}

type scopeEntry struct {
	site      string
	household uuid.UUID   // for persons and assessments
	writers   []uuid.UUID // replica ids of every device that wrote the record
}

func newScope() *scope {
	return &scope{records: map[uuid.UUID]scopeEntry{}, sites: map[string]string{}}
}

// Index implements store.Indexer.
func (s *scope) Index(rec registry.Record) {
	e := scopeEntry{}
	if rec.Kind == registry.KindHousehold {
		e.site = rec.Value(registry.FieldSite)
	} else if h, err := uuid.Parse(rec.Value(registry.FieldHouseholdID)); err == nil {
		e.household = h
	}
	for _, f := range rec.Fields {
		for _, v := range f.Versions {
			if !slices.Contains(e.writers, v.Stamp.Device) {
				e.writers = append(e.writers, v.Stamp.Device)
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.site != "" {
		if interned, ok := s.sites[e.site]; ok {
			e.site = interned
		} else {
			s.sites[e.site] = e.site
		}
	}
	s.records[rec.ID] = e
}

// visible reports whether device d may receive changes of record id.
func (s *scope) visible(d *Device, id uuid.UUID) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.records[id]
	if !ok {
		return false
	}
	if slices.Contains(e.writers, d.Replica) {
		return true
	}
	if e.household != uuid.Nil {
		h, ok := s.records[e.household]
		if !ok {
			return false
		}
		return d.HasSite(h.site) || slices.Contains(h.writers, d.Replica)
	}
	return d.HasSite(e.site)
}

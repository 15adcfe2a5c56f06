package hq

import (
	"sync"

	"github.com/google/uuid"

	"fieldreg/registry"
)

// scope is an in-memory index, kept current by the store (store.Indexer),
// that says which devices may receive a record: those whose sites include
// the record's site (a person's or assessment's is its household's). Scope
// alone decides: having written a record does not make it readable.
type scope struct {
	mu      sync.RWMutex
	records map[uuid.UUID]scopeEntry
	sites   map[string]string // interned site names
}

type scopeEntry struct {
	site      string
	household uuid.UUID // for persons and assessments
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
	site, ok := s.siteOf(id)
	return ok && d.HasSite(site)
}

// siteOf is the site of record id (a person's or assessment's is its
// household's), and whether HQ holds the record; a member of a household
// HQ does not hold is at no site.
func (s *scope) siteOf(id uuid.UUID) (site string, known bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.records[id]
	if !ok {
		return "", false
	}
	if e.household != uuid.Nil {
		return s.records[e.household].site, true
	}
	return e.site, true
}

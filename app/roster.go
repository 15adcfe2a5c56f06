package app

import (
	"bytes"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"fieldreg/registry"
)

// roster is the app's own in-memory index, kept current by the store (it is a
// store.Indexer): per household its site, status and head's name, per person
// its household, sex and birth date. The household list filters and draws its
// rows from it, and the home screen counts from it, without decrypting
// records. It holds no more than a list screen shows.
type roster struct {
	now func() time.Time

	mu         sync.RWMutex
	households map[uuid.UUID]*householdInfo
	persons    map[uuid.UUID]personInfo
	sorted     []uuid.UUID // live households, newest first; nil when stale
}

type householdInfo struct {
	site, status string
	head         uuid.UUID
	created      time.Time
	live         bool // false until the household record itself arrives, and once deleted
}

type personInfo struct {
	household uuid.UUID
	sex       string
	birthDate string
	name      string // heads only: the list shows it
	head      bool
	created   time.Time
}

func newRoster(now func() time.Time) *roster {
	return &roster{now: now, households: make(map[uuid.UUID]*householdInfo), persons: make(map[uuid.UUID]personInfo)}
}

// created is when a record was first written: its oldest stamp.
func created(rec registry.Record) time.Time {
	var first time.Time
	for _, f := range rec.Fields {
		for _, v := range f.Versions {
			if t := v.Stamp.Time(); first.IsZero() || t.Before(first) {
				first = t
			}
		}
	}
	return first
}

// Index implements store.Indexer.
func (r *roster) Index(rec registry.Record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch rec.Kind {
	case registry.KindHousehold:
		h := r.household(rec.ID)
		wasLive := h.live
		h.site, h.status = rec.Value(registry.FieldSite), rec.Value(registry.FieldStatus)
		h.created = created(rec)
		h.live = !rec.Deleted()
		if wasLive != h.live {
			r.sorted = nil
		}
	case registry.KindPerson:
		old, had := r.persons[rec.ID]
		if had && old.head {
			if h := r.households[old.household]; h != nil && h.head == rec.ID {
				h.head = uuid.Nil
			}
		}
		if rec.Deleted() {
			delete(r.persons, rec.ID)
			return
		}
		hh, err := uuid.Parse(rec.Value(registry.FieldHouseholdID))
		if err != nil {
			delete(r.persons, rec.ID)
			return
		}
		p := personInfo{household: hh, sex: rec.Value(registry.FieldSex), birthDate: rec.Value(registry.FieldBirthDate), created: created(rec)}
		if registry.IsHead(rec) {
			p.head = true
			p.name = registry.DisplayName(rec)
			r.household(hh).head = rec.ID
		}
		r.persons[rec.ID] = p
	}
}

// household returns the entry of a household, making a placeholder for a
// member that arrives before its household.
func (r *roster) household(id uuid.UUID) *householdInfo {
	h := r.households[id]
	if h == nil {
		h = &householdInfo{}
		r.households[id] = h
	}
	return h
}

// householdRow is what one line of the household list shows.
type householdRow struct {
	ID           uuid.UUID
	Head         string
	Site, Status string
	Created      time.Time
}

func (r *roster) row(id uuid.UUID) householdRow {
	r.mu.RLock()
	defer r.mu.RUnlock()
	h := r.households[id]
	if h == nil {
		return householdRow{ID: id}
	}
	return householdRow{ID: id, Head: r.persons[h.head].name, Site: h.site, Status: h.status, Created: h.created}
}

// householdOf returns the household a person belongs to.
func (r *roster) householdOf(person uuid.UUID) (uuid.UUID, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	p, ok := r.persons[person]
	return p.household, ok
}

// filter tells whether a household passes the list's filters ("" = any).
func (h *householdInfo) matches(site, status string) bool {
	return h.live && (site == "" || h.site == site) && (status == "" || h.status == status)
}

// list returns the live households passing the filters, newest first.
func (r *roster) list(site, status string) []uuid.UUID {
	r.mu.Lock()
	if r.sorted == nil {
		r.sorted = make([]uuid.UUID, 0, len(r.households))
		for id, h := range r.households {
			if h.live {
				r.sorted = append(r.sorted, id)
			}
		}
		// UUIDv7 ids sort by creation time.
		slices.SortFunc(r.sorted, func(a, b uuid.UUID) int { return bytes.Compare(b[:], a[:]) })
	}
	all := r.sorted
	r.mu.Unlock()
	if site == "" && status == "" {
		return all
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]uuid.UUID, 0, len(all)/4)
	for _, id := range all {
		if r.households[id].matches(site, status) {
			out = append(out, id)
		}
	}
	return out
}

// passes reports whether a household is live and passes the filters.
func (r *roster) passes(id uuid.UUID, site, status string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	h := r.households[id]
	return h != nil && h.matches(site, status)
}

// ageGroups are the sex-and-age bands agencies report (0–4, 5–11, 12–17, 18–59, 60+).
var ageGroups = [...]struct {
	key      string
	min, max int
}{
	{"0–4", 0, 4}, {"5–11", 5, 11}, {"12–17", 12, 17}, {"18–59", 18, 59}, {"60+", 60, 1 << 30},
}

// counts is what the home screen shows.
type counts struct {
	Households, HouseholdsToday int
	Persons, PersonsToday       int
	Female, Male                [len(ageGroups)]int
}

func (r *roster) counts() counts {
	now := r.now()
	y, m, d := now.Date()
	sameDay := func(t time.Time) bool {
		t = t.In(now.Location())
		ty, tm, td := t.Date()
		return ty == y && tm == m && td == d
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	var c counts
	for _, h := range r.households {
		if !h.live {
			continue
		}
		c.Households++
		if sameDay(h.created) {
			c.HouseholdsToday++
		}
	}
	for _, p := range r.persons {
		if h := r.households[p.household]; h == nil || !h.live {
			continue
		}
		c.Persons++
		if sameDay(p.created) {
			c.PersonsToday++
		}
		age, err := registry.Age(p.birthDate, now)
		if err != nil {
			continue
		}
		for i, g := range ageGroups {
			if age >= g.min && age <= g.max {
				switch p.sex {
				case "female":
					c.Female[i]++
				case "male":
					c.Male[i]++
				}
			}
		}
	}
	return c
}

package match

import (
	"slices"
	"strings"
	"sync"

	"github.com/google/uuid"

	"fieldreg/registry"
)

// RecordIndex keeps an Index current from the records a store holds. The
// store calls Index for every record at unlock and after every change, in any
// order: a person may arrive before its household. Persons are re-indexed
// lazily, on the next check, so unlocking a large workspace does the matching
// work once per person rather than once per record seen.
//
// It is safe for concurrent use: checks run while the store updates.
type RecordIndex struct {
	ix *Index

	mu         sync.RWMutex
	households map[uuid.UUID]*householdInfo
	persons    map[uuid.UUID]*personInfo
	dirty      map[uuid.UUID]struct{} // persons whose entry in ix is stale
}

type householdInfo struct {
	site, phone string
	deleted     bool
	members     []uuid.UUID
}

type personInfo struct {
	household                        uuid.UUID
	given, family, other, sex, birth string
	document                         string
	estimated                        bool
	merged                           bool
	notDuplicate                     []uuid.UUID
}

// NewRecordIndex returns an empty RecordIndex judging pairs by cfg.
func NewRecordIndex(cfg Config) *RecordIndex {
	return &RecordIndex{
		ix:         NewIndex(cfg),
		households: make(map[uuid.UUID]*householdInfo),
		persons:    make(map[uuid.UUID]*personInfo),
		dirty:      make(map[uuid.UUID]struct{}),
	}
}

// Index takes note of one record's current state. Records of other kinds than
// household and person are ignored.
func (r *RecordIndex) Index(rec registry.Record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch rec.Kind {
	case registry.KindHousehold:
		h := r.household(rec.ID)
		h.site, h.phone, h.deleted = rec.Value(FieldSite), rec.Value(FieldPhone), rec.Deleted()
		r.markMembers(h)
	case registry.KindPerson:
		r.indexPerson(rec)
	}
}

func (r *RecordIndex) household(id uuid.UUID) *householdInfo {
	h := r.households[id]
	if h == nil {
		h = &householdInfo{}
		r.households[id] = h
	}
	return h
}

func (r *RecordIndex) markMembers(h *householdInfo) {
	for _, id := range h.members {
		r.dirty[id] = struct{}{}
	}
}

func (r *RecordIndex) indexPerson(rec registry.Record) {
	prev := r.persons[rec.ID]
	if prev != nil {
		if old := r.households[prev.household]; old != nil {
			old.members = slices.DeleteFunc(old.members, func(id uuid.UUID) bool { return id == rec.ID })
			r.markMembers(old) // their household names lose this person
		}
	}
	r.dirty[rec.ID] = struct{}{}
	if rec.Deleted() {
		delete(r.persons, rec.ID)
		return
	}
	p := &personInfo{
		given:        rec.Value(FieldGivenName),
		family:       rec.Value(FieldFamilyName),
		other:        rec.Value(FieldOtherNames),
		sex:          rec.Value(FieldSex),
		birth:        rec.Value(FieldBirthDate),
		document:     rec.Value(FieldDocumentNumber),
		estimated:    rec.Value(FieldBirthDateEstimated) == "true",
		merged:       rec.Value(FieldMergedInto) != "",
		notDuplicate: parseIDs(rec.Value(FieldNotDuplicate)),
	}
	p.household, _ = uuid.Parse(rec.Value(FieldHouseholdID))
	r.persons[rec.ID] = p
	if p.household == uuid.Nil {
		return // no household: no context, and no one to share it with
	}
	h := r.household(p.household)
	r.markMembers(h)
	h.members = append(h.members, rec.ID)
}

func parseIDs(s string) []uuid.UUID {
	var ids []uuid.UUID
	for _, f := range strings.Fields(s) {
		if id, err := uuid.Parse(f); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// active reports whether a person should be matched at all: merged persons
// and members of deleted households are not.
func (r *RecordIndex) active(p *personInfo) bool {
	if p == nil || p.merged {
		return false
	}
	h := r.households[p.household]
	return h == nil || !h.deleted
}

// person builds the Person for id from what the index knows.
func (r *RecordIndex) person(id uuid.UUID, p *personInfo) Person {
	out := Person{
		ID: id, Household: p.household,
		GivenName: p.given, FamilyName: p.family, OtherNames: p.other,
		Sex: p.sex, BirthDate: p.birth, BirthDateEstimated: p.estimated,
		DocumentNumber: p.document,
	}
	if h := r.households[p.household]; h != nil {
		out.Site, out.Phone = h.site, h.phone
		out.HouseholdNames = r.memberNames(h, id)
	}
	return out
}

func (r *RecordIndex) memberNames(h *householdInfo, except uuid.UUID) []string {
	var names []string
	for _, m := range h.members {
		if mp := r.persons[m]; m != except && r.active(mp) {
			if name := memberName(mp.given, mp.family); name != "" {
				names = append(names, name)
			}
		}
	}
	return names
}

// flush brings the Index up to date. The caller holds the write lock.
func (r *RecordIndex) flush() {
	var put []Person
	for id := range r.dirty {
		if p := r.persons[id]; r.active(p) {
			put = append(put, r.person(id, p))
		} else {
			r.ix.Remove(id)
		}
	}
	r.ix.PutAll(put)
	clear(r.dirty)
}

// readLock takes the read lock on an up-to-date index.
func (r *RecordIndex) readLock() {
	r.mu.RLock()
	if len(r.dirty) == 0 {
		return
	}
	r.mu.RUnlock()
	r.mu.Lock()
	r.flush()
	r.mu.Unlock()
	r.mu.RLock() // an update may slip in here; the next check will see it
}

// keep reports whether a pair may be reported: not if a supervisor decided
// the two are different people.
func (r *RecordIndex) keep(a, b uuid.UUID) bool {
	if pa := r.persons[a]; pa != nil && slices.Contains(pa.notDuplicate, b) {
		return false
	}
	if pb := r.persons[b]; pb != nil && slices.Contains(pb.notDuplicate, a) {
		return false
	}
	return true
}

// Candidates returns the stored persons that person possibly or likely
// duplicates, best first, at most limit (all when limit <= 0). person is the
// record being typed, stored or not; household is its household record, or
// the zero Record when not known yet. The household's stored members give the
// household context.
func (r *RecordIndex) Candidates(person, household registry.Record, limit int) []Match {
	r.readLock()
	defer r.mu.RUnlock()
	p := PersonFromRecords(person, household, nil)
	if h := r.households[p.Household]; h != nil {
		if household.ID == uuid.Nil {
			p.Site, p.Phone = h.site, h.phone
		}
		p.HouseholdNames = r.memberNames(h, person.ID)
	}
	notDup := parseIDs(person.Value(FieldNotDuplicate))
	q := newProfile(p, r.ix.fields)
	r.ix.mu.RLock()
	defer r.ix.mu.RUnlock()
	return r.ix.candidates(q, limit, func(a, b uuid.UUID) bool {
		return !slices.Contains(notDup, b) && r.keep(a, b)
	})
}

// Pairs returns every pair at Possible or above, each once, best first,
// without the pairs a supervisor marked as not duplicates.
func (r *RecordIndex) Pairs() []Match {
	r.readLock()
	defer r.mu.RUnlock()
	r.ix.mu.RLock()
	defer r.ix.mu.RUnlock()
	return r.ix.pairs(r.keep)
}

// Warm brings the index up to date now. Checks do it themselves, so this is
// only to take the work off the first check: call it in a goroutine after
// unlocking a workspace.
func (r *RecordIndex) Warm() {
	r.readLock()
	r.mu.RUnlock()
}

// Len returns the number of persons being matched.
func (r *RecordIndex) Len() int {
	r.readLock()
	defer r.mu.RUnlock()
	return r.ix.Len()
}

package store

import (
	"bytes"
	"slices"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
)

// householdField links persons and assessments to their household.
const householdField = registry.FieldHouseholdID

// index is what the store knows about records without decrypting them: kind,
// household link, deletion, open conflicts, and name tokens. It holds ids
// and tokens, never whole records.
type index struct {
	recs       map[uuid.UUID]recInfo
	byKind     map[string][]uuid.UUID // live records, sorted
	members    map[uuid.UUID][]uuid.UUID
	assess     map[uuid.UUID][]uuid.UUID
	conflicted map[uuid.UUID]bool
	names      *nameIndex
	kinds      map[string]string // interned kind names
	bulk       bool              // loading: append now, sort once in finish
}

type recInfo struct {
	kind      string
	household uuid.UUID
	deleted   bool
}

func newIndex() *index {
	return &index{
		recs:       make(map[uuid.UUID]recInfo),
		byKind:     make(map[string][]uuid.UUID),
		members:    make(map[uuid.UUID][]uuid.UUID),
		assess:     make(map[uuid.UUID][]uuid.UUID),
		conflicted: make(map[uuid.UUID]bool),
		names:      newNameIndex(),
		kinds:      make(map[string]string),
		bulk:       true,
	}
}

func cmpID(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }

func (ix *index) insertID(m map[uuid.UUID][]uuid.UUID, key, id uuid.UUID) {
	if ix.bulk {
		m[key] = append(m[key], id)
		return
	}
	l := m[key]
	i, found := slices.BinarySearchFunc(l, id, cmpID)
	if !found {
		m[key] = slices.Insert(l, i, id)
	}
}

func removeID(m map[uuid.UUID][]uuid.UUID, key, id uuid.UUID) {
	l := m[key]
	if i, found := slices.BinarySearchFunc(l, id, cmpID); found {
		l = slices.Delete(l, i, i+1)
		if len(l) == 0 {
			delete(m, key)
		} else {
			m[key] = l
		}
	}
}

func (ix *index) intern(kind string) string {
	if k, ok := ix.kinds[kind]; ok {
		return k
	}
	ix.kinds[kind] = kind
	return kind
}

// indexEntry is what the index keeps of one record. Computing it (name
// normalization included) needs no shared state, so unlock does it in
// parallel and only applies entries in sequence.
type indexEntry struct {
	id         uuid.UUID
	info       recInfo
	conflicted bool
	tokens     []string
}

func entryOf(rec registry.Record) indexEntry {
	return newEntry(rec.ID, rec.Kind, rec.Value, hasConflicts(rec))
}

func newEntry(id uuid.UUID, kind string, value func(string) string, conflicted bool) indexEntry {
	e := indexEntry{id: id, info: recInfo{kind: kind, deleted: value(change.DeletedField) == "true"}}
	if h, err := uuid.Parse(value(householdField)); err == nil {
		e.info.household = h
	}
	if e.info.deleted {
		return e
	}
	e.conflicted = conflicted
	for _, f := range searchFields[kind] {
		if v := value(f); v != "" {
			e.tokens = append(e.tokens, registry.NameTokens(v)...)
		}
	}
	return e
}

// hasConflicts is rec.Conflicts() != nil without building the map: only a
// field written more than once can hold a conflict.
func hasConflicts(rec registry.Record) bool {
	for _, f := range rec.Fields {
		if len(f.Versions) > 1 && len(f.Conflicts()) > 0 {
			return true
		}
	}
	return false
}

// update replaces what the index knows about rec.
func (ix *index) update(rec registry.Record) { ix.apply(entryOf(rec)) }

func (ix *index) apply(e indexEntry) {
	id := e.id
	listed := false // already in the right kind and household lists
	if !ix.bulk {   // a bulk load sees each record once: nothing to undo
		if old, ok := ix.recs[id]; ok && !old.deleted {
			// An edit that keeps the record's kind and household (nearly
			// all of them) leaves the sorted lists alone: removing and
			// reinserting would move half of a list of a million ids.
			listed = !e.info.deleted && old.kind == e.info.kind && old.household == e.info.household
			if !listed {
				ix.unlink(id, old)
			}
		}
		delete(ix.conflicted, id)
		if e.info.deleted {
			ix.names.remove(id)
		}
	}
	info := e.info
	info.kind = ix.intern(info.kind)
	ix.recs[id] = info
	if info.deleted {
		return
	}
	if !listed {
		ix.list(id, info)
	}
	if e.conflicted {
		ix.conflicted[id] = true
	}
	ix.names.set(id, info.kind, e.tokens)
}

// list adds a live record to the list of its kind and of its household.
func (ix *index) list(id uuid.UUID, info recInfo) {
	if ix.bulk {
		ix.byKind[info.kind] = append(ix.byKind[info.kind], id)
	} else {
		l := ix.byKind[info.kind]
		if i, found := slices.BinarySearchFunc(l, id, cmpID); !found {
			ix.byKind[info.kind] = slices.Insert(l, i, id)
		}
	}
	if info.household != uuid.Nil {
		switch info.kind {
		case registry.KindPerson:
			ix.insertID(ix.members, info.household, id)
		case registry.KindAssessment:
			ix.insertID(ix.assess, info.household, id)
		}
	}
}

func (ix *index) unlink(id uuid.UUID, old recInfo) {
	l := ix.byKind[old.kind]
	if i, found := slices.BinarySearchFunc(l, id, cmpID); found {
		ix.byKind[old.kind] = slices.Delete(l, i, i+1)
	}
	if old.household != uuid.Nil {
		removeID(ix.members, old.household, id)
		removeID(ix.assess, old.household, id)
	}
}

// reserve sizes the index for n records before a bulk load.
func (ix *index) reserve(n int) {
	ix.recs = make(map[uuid.UUID]recInfo, n)
	ix.names.ord = make(map[uuid.UUID]uint32, n)
	ix.names.ids = make([]uuid.UUID, 0, n)
	ix.names.kinds = make([]string, 0, n)
	ix.names.recToks = make([][]uint32, 0, n)
}

// finish ends a bulk load: lists are sorted once instead of per insert.
func (ix *index) finish() {
	sortIDs := func(m map[uuid.UUID][]uuid.UUID) {
		for _, l := range m {
			slices.SortFunc(l, cmpID)
		}
	}
	for _, l := range ix.byKind {
		slices.SortFunc(l, cmpID)
	}
	sortIDs(ix.members)
	sortIDs(ix.assess)
	ix.names.finish()
	ix.bulk = false
}

// searchFields are the fields whose words a name search finds, per kind.
var searchFields = map[string][]string{
	registry.KindPerson:    {registry.FieldGivenName, registry.FieldFamilyName, registry.FieldOtherNames},
	registry.KindHousehold: {"name", "head_name"},
}

package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store"
)

// epoch is the suite's wall clock at the start of every test.
var epoch = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// ticking returns a wall clock that starts at epoch and moves on a
// millisecond at every reading, so stamps made across a reopen stay apart.
func ticking() func() time.Time {
	var mu sync.Mutex
	t := epoch
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Millisecond)
		return t
	}
}

// newConfig is the configuration most tests use: the suite's clock and
// validator.
func newConfig() Config { return Config{Now: ticking(), Validate: validate} }

const householdID = "household_id"

// validate is a small stand-in for the forms: a household needs a site, a
// person a given name.
func validate(r registry.Record) error {
	switch {
	case r.Kind == registry.KindHousehold && r.Value("site") == "":
		return errors.New("site: required")
	case r.Kind == registry.KindPerson && r.Value("given_name") == "":
		return errors.New("given_name: required")
	}
	return nil
}

// replica makes changes as another device would: its own device id, device
// seqs 1, 2, 3…, and stamps an hour before the suite's epoch, a millisecond
// apart, so that they are never ahead of the store's clock.
type replica struct {
	device uuid.UUID
	seq    uint64
	ms     int64
}

func newReplica() *replica {
	return &replica{device: uuid.New(), ms: epoch.Add(-time.Hour).UnixMilli()}
}

func (r *replica) stamp() change.Stamp {
	r.ms++
	return change.Stamp{HLC: change.MakeHLC(r.ms, 0), Device: r.device}
}

// write makes the replica's next change of record id: set's fields, each
// based on the stamp in base (zero: a field the replica never saw).
func (r *replica) write(id uuid.UUID, kind string, set map[string]string, base map[string]change.Stamp) change.Change {
	r.seq++
	c := change.Change{Device: r.device, DeviceSeq: r.seq, Record: id, Kind: kind, Author: "enumerator", Stamp: r.stamp()}
	fields := make([]string, 0, len(set))
	for f := range set {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		c.Writes = append(c.Writes, change.Write{Field: f, Value: set[f], Base: base[f]})
	}
	return c
}

// household makes the changes registering a household at site with one
// person per name, and returns the household's id.
func (r *replica) household(site string, names ...string) (uuid.UUID, []change.Change) {
	h := registry.NewID()
	cs := []change.Change{r.write(h, registry.KindHousehold, map[string]string{"site": site, "phone": "+000"}, nil)}
	for _, n := range names {
		cs = append(cs, r.write(registry.NewID(), registry.KindPerson, map[string]string{householdID: h.String(), "given_name": n}, nil))
	}
	return h, cs
}

// households makes n households of one person each.
func (r *replica) households(n int) []change.Change {
	var cs []change.Change
	for i := range n {
		_, c := r.household(fmt.Sprintf("camp-%d", i%3), fmt.Sprintf("Person %d", i))
		cs = append(cs, c...)
	}
	return cs
}

// apply is ApplyRemote that must succeed and return one result per change.
func apply(t *testing.T, s Store, cs []change.Change, meta map[string][]byte) []store.Result {
	t.Helper()
	res, err := s.ApplyRemote(cs, meta)
	if err != nil {
		t.Fatalf("ApplyRemote of %d changes: %v", len(cs), err)
	}
	if len(res) != len(cs) {
		t.Fatalf("ApplyRemote: %d results for %d changes", len(res), len(cs))
	}
	return res
}

// applyAll applies changes that must all be stored.
func applyAll(t *testing.T, s Store, cs []change.Change) {
	t.Helper()
	for i, r := range apply(t, s, cs, nil) {
		if r.Outcome != store.Applied {
			t.Fatalf("change %d (%s#%d): %s (%s), want applied", i, cs[i].Device, cs[i].DeviceSeq, r.Outcome, r.Reason)
		}
	}
}

// wholeLog reads the change log by pages of limit.
func wholeLog(t *testing.T, s Store, limit int) []store.Logged {
	t.Helper()
	var out []store.Logged
	var cursor uint64
	for {
		page, err := s.ChangesAfter(cursor, limit)
		if err != nil {
			t.Fatalf("ChangesAfter(%d, %d): %v", cursor, limit, err)
		}
		if len(page) == 0 {
			return out
		}
		if limit > 0 && len(page) > limit {
			t.Fatalf("ChangesAfter(%d, %d) returned %d changes", cursor, limit, len(page))
		}
		checkAfter(t, cursor, page)
		out = append(out, page...)
		cursor = page[len(page)-1].LogSeq
	}
}

// checkAfter fails unless page holds log seqs after cursor in increasing
// order (a reader that gets anything else loops or repeats).
func checkAfter(t *testing.T, cursor uint64, page []store.Logged) {
	t.Helper()
	for _, l := range page {
		if l.LogSeq <= cursor {
			t.Fatalf("ChangesAfter(%d) returned log seq %d: not after the cursor, or out of order", cursor, l.LogSeq)
		}
		cursor = l.LogSeq
	}
}

func get(t *testing.T, s Store, id uuid.UUID) registry.Record {
	t.Helper()
	rec, err := s.Get(id)
	if err != nil {
		t.Fatalf("Get(%s): %v", id, err)
	}
	return rec
}

func meta(t *testing.T, s Store, name string) string {
	t.Helper()
	b, err := s.Meta(name)
	if err != nil {
		t.Fatalf("Meta(%q): %v", name, err)
	}
	return string(b)
}

// normalized makes empty slices nil, so that a change read back compares
// equal to the one stored whatever the store does with empty lists.
func normalized(c change.Change) change.Change {
	c.Writes = slices.Clone(c.Writes)
	if len(c.Writes) == 0 {
		c.Writes = nil
	}
	for i := range c.Writes {
		if len(c.Writes[i].Resolves) == 0 {
			c.Writes[i].Resolves = nil
		}
	}
	return c
}

func sameChange(a, b change.Change) bool { return reflect.DeepEqual(normalized(a), normalized(b)) }

// sameRecord compares records field by field, version by version.
func sameRecord(a, b registry.Record) bool {
	if a.ID != b.ID || a.Kind != b.Kind || len(a.Fields) != len(b.Fields) {
		return false
	}
	for name, fa := range a.Fields {
		fb, ok := b.Fields[name]
		if !ok || len(fa.Versions) != len(fb.Versions) {
			return false
		}
		for i, va := range fa.Versions {
			vb := fb.Versions[i]
			if va.Value != vb.Value || va.Stamp != vb.Stamp || va.Base != vb.Base || !slices.Equal(va.Resolves, vb.Resolves) {
				return false
			}
		}
	}
	return true
}

func sortedIDs(ids ...uuid.UUID) []uuid.UUID {
	out := slices.Clone(ids)
	slices.SortFunc(out, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	return out
}

// recorder is an Indexer that keeps the last state it was given of each
// record.
type recorder struct {
	mu   sync.Mutex
	seen map[uuid.UUID]registry.Record
}

func newRecorder() *recorder { return &recorder{seen: map[uuid.UUID]registry.Record{}} }

func (r *recorder) Index(rec registry.Record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen[rec.ID] = rec.Clone()
}

func (r *recorder) last(id uuid.UUID) (registry.Record, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec, ok := r.seen[id]
	return rec, ok
}

package change

import (
	"encoding/binary"
	"flag"
	"maps"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"pgregory.net/rapid"
)

// The randomized sync property: replicas with skewed clocks make changes and
// exchange them partially, duplicated and out of order; after a full exchange
// they hold the same fields, nothing is lost, and a field is in conflict
// exactly when concurrent writes to it — neither author had seen the
// other's — left different values.
//
// The model tracks causality on its own, apart from stamps and bases: each
// change carries the set of change ids its author's replica held when it was
// made (its causal context). A write is on the field's frontier when no
// later write to that field had it in its context. Authors here resolve
// whatever concurrent values they see when they edit a field, as the app
// does when it shows a conflict; TestConflicts covers an edit that does not.

type changeID struct {
	device uuid.UUID
	seq    uint64
}

func idOf(c Change) changeID { return changeID{c.Device, c.DeviceSeq} }

type simReplica struct {
	device  uuid.UUID
	skew    time.Duration
	clock   *Clock
	seq     uint64
	records map[uuid.UUID]map[string]Field
	have    map[changeID]bool
}

type simWorld struct {
	t        *rapid.T
	now      time.Duration // global time since t0; each replica's wall clock adds its skew
	replicas []*simReplica
	changes  []Change                       // every change made, in order
	context  map[changeID]map[changeID]bool // what the author's replica held
	nextID   uint64
}

var simFields = []string{"a", "b", "c", DeletedField}

func newSimWorld(t *rapid.T) *simWorld {
	w := &simWorld{t: t, context: make(map[changeID]map[changeID]bool)}
	n := rapid.IntRange(3, 5).Draw(t, "replicas")
	for i := range n {
		r := &simReplica{
			// Skews from -12h to +12h: up to a day between two replicas,
			// in steps so that equal clock readings (ties) happen too.
			skew:    time.Duration(rapid.IntRange(-4, 4).Draw(t, "skew")) * 3 * time.Hour,
			records: make(map[uuid.UUID]map[string]Field),
			have:    make(map[changeID]bool),
		}
		r.device[0], r.device[15] = byte(rapid.IntRange(0, 255).Draw(t, "device")), byte(i+1)
		r.clock = NewClock(r.device, func() time.Time { return t0.Add(w.now + r.skew) })
		w.replicas = append(w.replicas, r)
	}
	return w
}

// receive merges a change into a replica, as the store does.
func (w *simWorld) receive(r *simReplica, c Change) {
	if err := r.clock.Observe(c.Stamp); err != nil {
		w.t.Fatalf("replica %d refused %v: %v", r.device[15], c.Stamp, err)
	}
	fields := r.records[c.Record]
	if fields == nil {
		fields = make(map[string]Field)
		r.records[c.Record] = fields
	}
	news := Apply(fields, c)
	if news == r.have[idOf(c)] {
		w.t.Fatalf("Apply reported news=%v for a change held=%v", news, r.have[idOf(c)])
	}
	r.have[idOf(c)] = true
}

// author makes a change on r and applies it there.
func (w *simWorld) author(r *simReplica, record uuid.UUID, writes []Write) {
	r.seq++
	c := Change{Device: r.device, DeviceSeq: r.seq, Record: record, Kind: "person", Author: "sim",
		Stamp: r.clock.Now(), Writes: writes}
	if err := c.Validate(); err != nil {
		w.t.Fatalf("authored an invalid change: %v", err)
	}
	w.context[idOf(c)] = maps.Clone(r.have)
	w.changes = append(w.changes, c)
	w.receive(r, c)
}

func (w *simWorld) create(r *simReplica) {
	w.nextID++
	var id uuid.UUID
	id[0] = 0x01
	binary.BigEndian.PutUint64(id[8:], w.nextID)
	var writes []Write
	for _, f := range simFields[:3] {
		if rapid.Bool().Draw(w.t, "set") {
			writes = append(writes, Write{Field: f, Value: rapid.SampledFrom([]string{"x", "y"}).Draw(w.t, "value")})
		}
	}
	if len(writes) == 0 {
		writes = []Write{{Field: "a", Value: "x"}}
	}
	w.author(r, id, writes)
}

func (w *simWorld) edit(r *simReplica) {
	if len(r.records) == 0 {
		w.create(r)
		return
	}
	ids := slices.SortedFunc(maps.Keys(r.records), func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	record := rapid.SampledFrom(ids).Draw(w.t, "record")
	fields := r.records[record]
	names := rapid.SliceOfNDistinct(rapid.SampledFrom(simFields), 1, 2, func(s string) string { return s }).Draw(w.t, "fields")
	var writes []Write
	for _, name := range names {
		values := []string{"x", "y", "z"}
		if name == DeletedField {
			values = []string{"true", ""}
		}
		f := fields[name]
		wr := Write{Field: name, Value: rapid.SampledFrom(values).Draw(w.t, "value"), Base: f.Stamp()}
		for _, h := range f.Heads() {
			if h.Stamp != f.Stamp() {
				wr.Resolves = append(wr.Resolves, h.Stamp)
			}
		}
		writes = append(writes, wr)
	}
	w.author(r, record, writes)
}

// exchange delivers some of what src holds to dst, in random order, some of
// it twice: a partial, reordered, duplicated sync.
func (w *simWorld) exchange(src, dst *simReplica) {
	var held []Change
	for _, c := range w.changes {
		if src.have[idOf(c)] {
			held = append(held, c)
		}
	}
	if len(held) == 0 {
		return
	}
	batch := rapid.SliceOfN(rapid.SampledFrom(held), 0, 2*len(held)).Draw(w.t, "batch")
	for _, c := range batch {
		w.receive(dst, c)
	}
}

func TestMergeConvergesProperty(t *testing.T) {
	if os.Getenv("FIELDREG_SOAK") == "1" {
		// A long run: rapid reads its check count from a flag.
		if err := flag.Set("rapid.checks", "20000"); err != nil {
			t.Fatal(err)
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		w := newSimWorld(t)
		steps := rapid.IntRange(5, 60).Draw(t, "steps")
		for range steps {
			w.now += time.Duration(rapid.IntRange(0, 3000).Draw(t, "elapsed ms")) * time.Millisecond
			r := w.replicas[rapid.IntRange(0, len(w.replicas)-1).Draw(t, "replica")]
			switch rapid.IntRange(0, 5).Draw(t, "action") {
			case 0:
				w.create(r)
			case 1, 2:
				w.edit(r)
			default:
				other := w.replicas[rapid.IntRange(0, len(w.replicas)-1).Draw(t, "peer")]
				if other != r {
					w.exchange(r, other)
				}
			}
		}
		// Full exchange, every replica in its own order, with duplicates.
		for _, r := range w.replicas {
			for _, c := range rapid.Permutation(append(slices.Clone(w.changes), w.changes...)).Draw(t, "delivery") {
				w.receive(r, c)
			}
		}
		w.check()
	})
}

func (w *simWorld) check() {
	t := w.t
	first := w.replicas[0]
	for _, r := range w.replicas[1:] {
		if !reflect.DeepEqual(r.records, first.records) {
			t.Fatalf("replicas %d and %d differ after a full exchange", first.device[15], r.device[15])
		}
	}
	// Nothing lost; every write ordered after all its author had seen.
	stampOf := make(map[changeID]Stamp)
	for _, c := range w.changes {
		stampOf[idOf(c)] = c.Stamp
	}
	for _, c := range w.changes {
		for seen := range w.context[idOf(c)] {
			if !Wins(c.Stamp, stampOf[seen]) {
				t.Fatalf("change %v stamped %v, not after %v it had seen", idOf(c), c.Stamp, stampOf[seen])
			}
		}
		for _, wr := range c.Writes {
			f := first.records[c.Record][wr.Field]
			if !slices.ContainsFunc(f.Versions, func(v Version) bool { return v.Stamp == c.Stamp && v.Value == wr.Value }) {
				t.Fatalf("write %s=%q of change %v lost", wr.Field, wr.Value, idOf(c))
			}
		}
	}
	// Conflicts exactly where concurrent writes left different values.
	type fieldKey struct {
		record uuid.UUID
		field  string
	}
	type modelWrite struct {
		id    changeID
		stamp Stamp
		value string
	}
	writes := make(map[fieldKey][]modelWrite)
	for _, c := range w.changes {
		for _, wr := range c.Writes {
			k := fieldKey{c.Record, wr.Field}
			writes[k] = append(writes[k], modelWrite{idOf(c), c.Stamp, wr.Value})
		}
	}
	for k, ws := range writes {
		frontier := make(map[string]bool)
		latest := ws[0]
		for _, a := range ws {
			if Wins(a.stamp, latest.stamp) {
				latest = a
			}
			seenLater := slices.ContainsFunc(ws, func(b modelWrite) bool { return w.context[b.id][a.id] })
			if !seenLater {
				frontier[a.value] = true
			}
		}
		f := first.records[k.record][k.field]
		if f.Value() != latest.value {
			t.Fatalf("%v: value %q, want the latest write's %q", k, f.Value(), latest.value)
		}
		got := map[string]bool{f.Value(): true}
		for _, v := range f.Conflicts() {
			got[v.Value] = true
		}
		if !maps.Equal(got, frontier) {
			t.Fatalf("%v: current and conflicting values %v, want the concurrent values %v", k, slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(frontier)))
		}
	}
}

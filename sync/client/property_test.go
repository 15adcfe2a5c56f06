package client_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"pgregory.net/rapid"

	"fieldreg/change"
	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/client"
)

// The randomized sync property: 3–5 devices and HQ, random registrations,
// edits and deletes, syncs in random order through a link that cuts, loses
// answers, delivers requests twice and replays old ones, clocks up to 11 h
// behind HQ's or a few minutes ahead (further ahead, HQ holds a device's
// changes: hq's TestClockAheadCannotDragHQ). After everyone syncs: every replica holds the
// same data, no change a device made is missing, and a field is in conflict
// exactly when the model (which tracks what each device had seen when it
// wrote) says two heads disagree.
func TestSyncProperty(t *testing.T) {
	checks, maxSteps := 50, 60
	if os.Getenv("FIELDREG_SOAK") == "1" {
		checks, maxSteps = 1000, 300
	}
	if testing.Short() {
		checks = 5
	}
	// Each check builds an HQ and devices: fewer than rapid's default 100,
	// unless -rapid.checks asks for another number.
	if f := flag.Lookup("rapid.checks"); f != nil && f.Value.String() == f.DefValue {
		f.Value.Set(strconv.Itoa(checks))
		defer f.Value.Set(f.DefValue)
	}
	var seen stats
	rapid.Check(t, func(rt *rapid.T) { syncProperty(t, rt, maxSteps, &seen) })
	t.Logf("%d checks: %d writes, %d conflicted fields, %d faults", checks, seen.writes, seen.conflicts, seen.faults)
	if seen.conflicts == 0 || seen.faults == 0 {
		t.Errorf("the generator made no conflict or no fault: the property was not exercised")
	}
}

// stats shows the generator exercises what the property is about.
type stats struct{ writes, conflicts, faults int }

// fieldKey names one field of one record.
type fieldKey struct {
	record uuid.UUID
	field  string
}

type modelWrite struct {
	stamp change.Stamp
	value string
	base  change.Stamp
}

// model is what the test knows independently of the store: every write, and
// which writes each replica has seen.
type model struct {
	writes map[fieldKey][]modelWrite
	known  map[int]map[change.Stamp]bool // replica → stamps of changes seen; -1 is HQ
	kinds  map[uuid.UUID]string
}

func (m *model) seenBase(replica int, k fieldKey) change.Stamp {
	var base change.Stamp
	for _, w := range m.writes[k] {
		if m.known[replica][w.stamp] && w.stamp.Compare(base) > 0 {
			base = w.stamp
		}
	}
	return base
}

// expectConflict: some head other than the winner holds another value.
func (m *model) expectConflict(k fieldKey) bool {
	ws := m.writes[k]
	based := map[change.Stamp]bool{}
	var winner modelWrite
	for _, w := range ws {
		based[w.base] = true
		if w.stamp.Compare(winner.stamp) > 0 {
			winner = w
		}
	}
	for _, w := range ws {
		if !based[w.stamp] && w.stamp != winner.stamp && w.value != winner.value {
			return true
		}
	}
	return false
}

type replica struct {
	w      *store.Workspace
	enr    client.Enrollment
	faulty *faultyLink
}

// faultyLink misbehaves as its draws say, but lets every sync finish: after
// a few faults in a row it delivers.
type faultyLink struct {
	rt      *rapid.T
	s       *hq.Server
	device  uuid.UUID
	inARow  int
	faults  *int
	history *[]replay
}

type replay struct {
	device uuid.UUID
	body   []byte
}

func (l *faultyLink) RoundTrip(ctx context.Context, body []byte) ([]byte, error) {
	*l.history = append(*l.history, replay{l.device, body})
	fault := 0
	if l.inARow < 3 {
		fault = rapid.IntRange(0, 9).Draw(l.rt, "fault")
	}
	if fault >= 1 && fault <= 4 {
		*l.faults++
	}
	switch fault {
	case 1: // cut before HQ sees the request
		l.inARow++
		return nil, errors.New("link cut before the request arrived")
	case 2: // cut after HQ stored it: the answer is lost
		l.inARow++
		l.s.Sync(ctx, l.device, body)
		return nil, errors.New("link cut during the answer")
	case 3: // the request arrives twice
		l.s.Sync(ctx, l.device, body)
	case 4: // an old request of any device arrives again, out of order
		h := *l.history
		old := h[rapid.IntRange(0, len(h)-1).Draw(l.rt, "replayed")]
		l.s.Sync(ctx, old.device, old.body)
	}
	l.inARow = 0
	return l.s.Sync(ctx, l.device, body)
}

var editValues = map[string][]string{
	"status":       {"active", "moved", "returned", "closed"},
	"phone":        {"+123", "+456"},
	"shelter_type": {"tent", "collective", "host_family"},
}

func syncProperty(t *testing.T, rt *rapid.T, maxSteps int, seen *stats) {
	clock := newFakeClock()
	s := newHQAt(rt, t.TempDir(), clock.Now, nil)
	defer s.Close()
	n := rapid.IntRange(3, 5).Draw(rt, "devices")
	var history []replay
	m := &model{writes: map[fieldKey][]modelWrite{}, known: map[int]map[change.Stamp]bool{-1: {}}, kinds: map[uuid.UUID]string{}}
	reps := make([]*replica, n)
	for i := range reps {
		skew := time.Duration(rapid.Int64Range(-11*3600, int64(hq.MaxClockAhead/time.Second)-60).Draw(rt, "skew")) * time.Second
		w := newDeviceAt(rt, t.TempDir(), fmt.Sprintf("user%d", i), clock.skewed(skew))
		defer w.Close()
		enr := enrollInProcess(rt, s, w, fmt.Sprintf("device-%d", i), hq.AllSites)
		reps[i] = &replica{w: w, enr: enr, faulty: &faultyLink{rt: rt, s: s, device: enr.Device, history: &history, faults: &seen.faults}}
		m.known[i] = map[change.Stamp]bool{}
	}
	record := func(i int, made []change.Change) {
		for _, c := range made {
			m.known[i][c.Stamp] = true
			for _, wr := range c.Writes {
				k := fieldKey{c.Record, wr.Field}
				if want := m.seenBase(i, k); wr.Base != want {
					rt.Fatalf("device %d wrote %s.%s on base %s; it had seen up to %s", i, c.Record, wr.Field, wr.Base, want)
				}
				m.writes[k] = append(m.writes[k], modelWrite{c.Stamp, wr.Value, wr.Base})
			}
		}
	}
	syncDevice := func(i int) {
		r := reps[i]
		c, err := client.New(client.Config{Workspace: r.w, Transport: r.faulty, Backoff: noBackoff,
			MinBatch: 256, StartBatch: 512, MaxBatch: 4096})
		if err != nil {
			rt.Fatal(err)
		}
		if _, err := c.Sync(context.Background(), nil); err != nil {
			rt.Fatalf("sync device %d: %v", i, err)
		}
		for st := range m.known[i] {
			m.known[-1][st] = true
		}
		for st := range m.known[-1] {
			m.known[i][st] = true
		}
	}
	// live lists the records a replica holds that are not deleted.
	live := func(w *store.Workspace) []uuid.UUID {
		return slices.Concat(w.IDs(registry.KindHousehold), w.IDs(registry.KindPerson))
	}

	// A few households everyone holds, so that edits can be concurrent from
	// the first step.
	for range rapid.IntRange(1, 3).Draw(rt, "shared households") {
		made, err := reps[0].w.Commit(store.Edit{Record: registry.NewID(), Kind: registry.KindHousehold,
			Set: map[string]string{"site": "camp-1", "status": "active"}})
		if err != nil {
			rt.Fatal(err)
		}
		record(0, made)
	}
	for i := range reps {
		syncDevice(i)
	}
	for i := range reps {
		syncDevice(i)
	}

	steps := rapid.IntRange(5, maxSteps).Draw(rt, "steps")
	for range steps {
		i := rapid.IntRange(0, n-1).Draw(rt, "device")
		w := reps[i].w
		switch op := rapid.IntRange(0, 19).Draw(rt, "op"); {
		case op < 3: // register a household, maybe with a member
			h := registry.NewID()
			edits := []store.Edit{{Record: h, Kind: registry.KindHousehold, Set: map[string]string{
				"site": "camp-1", "status": "active", "phone": "+123"}}}
			if rapid.Bool().Draw(rt, "member") {
				edits = append(edits, store.Edit{Record: registry.NewID(), Kind: registry.KindPerson, Set: map[string]string{
					"household_id": h.String(), "given_name": "Amina", "sex": "female"}})
			}
			made, err := w.Commit(edits...)
			if err != nil {
				rt.Fatal(err)
			}
			record(i, made)
		case op < 12: // edit a field of a record this device has
			ids := live(w)
			if len(ids) == 0 {
				continue
			}
			id := ids[rapid.IntRange(0, len(ids)-1).Draw(rt, "record")]
			kind, _ := w.Kind(id)
			field, values := "given_name", []string{"Amina", "Aminah", "Amena"}
			if kind == registry.KindHousehold {
				field = rapid.SampledFrom([]string{"status", "phone", "shelter_type"}).Draw(rt, "field")
				values = editValues[field]
			}
			made, err := w.Commit(store.Edit{Record: id, Kind: kind, Set: map[string]string{
				field: rapid.SampledFrom(values).Draw(rt, "value")}})
			if err != nil {
				rt.Fatal(err)
			}
			record(i, made)
		case op < 14: // two devices edit one field of a record both hold
			j := (i + 1 + rapid.IntRange(0, n-2).Draw(rt, "other device")) % n
			both := slices.DeleteFunc(w.IDs(registry.KindHousehold), func(id uuid.UUID) bool {
				return !slices.Contains(reps[j].w.IDs(registry.KindHousehold), id)
			})
			if len(both) == 0 {
				continue
			}
			id := both[rapid.IntRange(0, len(both)-1).Draw(rt, "shared record")]
			kind := registry.KindHousehold
			field := rapid.SampledFrom([]string{"status", "phone", "shelter_type"}).Draw(rt, "shared field")
			for _, d := range []int{i, j} {
				made, err := reps[d].w.Commit(store.Edit{Record: id, Kind: kind, Set: map[string]string{
					field: rapid.SampledFrom(editValues[field]).Draw(rt, "concurrent value")}})
				if err != nil {
					rt.Fatal(err)
				}
				record(d, made)
			}
		case op < 15: // delete
			ids := live(w)
			if len(ids) == 0 {
				continue
			}
			id := ids[rapid.IntRange(0, len(ids)-1).Draw(rt, "deleted")]
			kind, _ := w.Kind(id)
			made, err := w.Commit(store.Edit{Record: id, Kind: kind, Set: map[string]string{change.DeletedField: "true"}})
			if err != nil {
				rt.Fatal(err)
			}
			record(i, made)
		default:
			syncDevice(i)
		}
		clock.Advance(time.Duration(rapid.IntRange(0, 120).Draw(rt, "seconds")) * time.Second)
	}
	// Everyone syncs twice: the first pass brings everything to HQ, the
	// second brings it to everyone.
	for range 2 {
		for _, i := range rapid.Permutation(seq(n)).Draw(rt, "order") {
			syncDevice(i)
		}
	}

	hqw := s.Workspace()
	want := exportJSON(rt, hqw)
	for i, r := range reps {
		if got := exportJSON(rt, r.w); !bytes.Equal(got, want) {
			rt.Fatalf("device %d exports differently from HQ:\n%s\nHQ:\n%s", i, got, want)
		}
		if p, _ := client.Pending(r.w); p != 0 {
			rt.Fatalf("device %d still has %d changes to send", i, p)
		}
	}
	for k, writes := range m.writes {
		rec, err := hqw.Get(k.record)
		if err != nil {
			rt.Fatalf("HQ lost record %s: %v", k.record, err)
		}
		f := rec.Fields[k.field]
		for _, wr := range writes {
			if !slices.ContainsFunc(f.Versions, func(v change.Version) bool { return v.Stamp == wr.stamp && v.Value == wr.value }) {
				rt.Fatalf("HQ lost the write %s=%q at %s", k.field, wr.value, wr.stamp)
			}
		}
		conflicted := len(f.Conflicts()) > 0
		seen.writes += len(writes)
		if conflicted {
			seen.conflicts++
		}
		if conflicted != m.expectConflict(k) {
			rt.Fatalf("%s.%s: conflict at HQ = %v, model says %v (writes %+v)", k.record, k.field, conflicted, !conflicted, writes)
		}
		for i, r := range reps {
			dr, err := r.w.Get(k.record)
			if err != nil {
				rt.Fatalf("device %d lacks record %s: %v", i, k.record, err)
			}
			df := dr.Fields[k.field]
			if df.Value() != f.Value() || df.Stamp() != f.Stamp() || len(df.Conflicts()) != len(f.Conflicts()) {
				rt.Fatalf("device %d: %s.%s = %q@%s (%d conflicts), HQ has %q@%s (%d)", i, k.record, k.field,
					df.Value(), df.Stamp(), len(df.Conflicts()), f.Value(), f.Stamp(), len(f.Conflicts()))
			}
		}
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func exportJSON(t fataler, w hq.Records) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := hq.Export(w, nil, hq.FormatJSON, time.Time{}, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

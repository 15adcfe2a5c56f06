package hq

import (
	"fmt"
	"sort"
	"sync"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store"
)

// logIndex lists, in log order, which record and device every change in
// HQ's log concerns, so that a pull finds a device's changes without
// decrypting everyone else's. It is append-only: ingest adds what it
// stores, in the order the store numbered it.
//
// A change's device is the authenticated one: HQ stores a pushed change only
// when its Device is the workspace the pushing certificate is bound to (a
// bundle's, the one its signature names), so the log index is HQ's record of
// which device made each change, whatever Author claims.
type logIndex struct {
	mu      sync.RWMutex
	entries []logEntry
	creator map[uuid.UUID]uuid.UUID // record → device of its first change in the log
	moves   map[uint64]move         // by the log seq of the change that moved the household
	sites   map[uuid.UUID]siteVersion
}

// move is a household changing site: the devices of the old site but not
// the new must evict it, those of the new but not the old receive it whole.
type move struct {
	household uuid.UUID
	from, to  string
}

// siteVersion is the winning site write of a household so far, in log order.
type siteVersion struct {
	site  string
	stamp change.Stamp
}

// note follows the winning site of households through the log (the merge
// rule: the highest stamp wins), recording a move when it changes. The
// caller holds x.mu.
func (x *logIndex) note(logSeq uint64, c change.Change) {
	if c.Kind != registry.KindHousehold {
		return
	}
	for _, w := range c.Writes {
		if w.Field != registry.FieldSite {
			continue
		}
		if x.sites == nil {
			x.sites, x.moves = map[uuid.UUID]siteVersion{}, map[uint64]move{}
		}
		old, known := x.sites[c.Record]
		if known && !change.Wins(c.Stamp, old.stamp) {
			return
		}
		x.sites[c.Record] = siteVersion{w.Value, c.Stamp}
		if known && old.site != w.Value {
			x.moves[logSeq] = move{household: c.Record, from: old.site, to: w.Value}
		}
	}
}

// moveAt returns the move the change at logSeq made, if any.
func (x *logIndex) moveAt(logSeq uint64) (move, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	m, ok := x.moves[logSeq]
	return m, ok
}

// family returns the log entries before logSeq of records, in log order:
// what a device needs of a household entering its scope.
func (x *logIndex) family(records map[uuid.UUID]bool, before uint64) []logEntry {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var out []logEntry
	for _, e := range x.entries {
		if e.logSeq >= before {
			break
		}
		if records[e.record] {
			out = append(out, e)
		}
	}
	return out
}

type logEntry struct {
	logSeq uint64
	record uuid.UUID
	device uuid.UUID
}

// load reads the whole log once, at start.
func (x *logIndex) load(ws Store) error {
	var after uint64
	for {
		chunk, err := ws.ChangesAfter(after, 4096)
		if err != nil {
			return fmt.Errorf("index the change log: %w", err)
		}
		if len(chunk) == 0 {
			return nil
		}
		for _, l := range chunk {
			x.append(logEntry{l.LogSeq, l.Change.Record, l.Change.Device})
			x.note(l.LogSeq, l.Change)
		}
		after = chunk[len(chunk)-1].LogSeq
	}
}

// add records what one ApplyRemote stored.
func (x *logIndex) add(changes []change.Change, results []store.Result) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for i, r := range results {
		if r.Outcome == store.Applied {
			x.append(logEntry{r.LogSeq, changes[i].Record, changes[i].Device})
			x.note(r.LogSeq, changes[i])
		}
	}
}

func (x *logIndex) append(e logEntry) {
	x.entries = append(x.entries, e)
	if x.creator == nil {
		x.creator = map[uuid.UUID]uuid.UUID{}
	}
	if _, ok := x.creator[e.record]; !ok {
		x.creator[e.record] = e.device
	}
}

// createdBy reports whether the first change of record in HQ's log came
// from the device with workspace id device.
func (x *logIndex) createdBy(record, device uuid.UUID) bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	d, ok := x.creator[record]
	return ok && d == device
}

// after returns the entries after log seq cursor. The slice stays valid:
// entries are never changed once added.
func (x *logIndex) after(cursor uint64) []logEntry {
	x.mu.RLock()
	defer x.mu.RUnlock()
	i := sort.Search(len(x.entries), func(i int) bool { return x.entries[i].logSeq > cursor })
	return x.entries[i:len(x.entries):len(x.entries)]
}

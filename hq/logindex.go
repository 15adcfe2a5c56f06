package hq

import (
	"fmt"
	"sort"
	"sync"

	"github.com/google/uuid"

	"fieldreg/change"
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

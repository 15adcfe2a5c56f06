package match

import (
	"cmp"
	"runtime"
	"slices"
	"sync"

	"github.com/google/uuid"
)

// Index holds persons in memory for duplicate checks. It is safe for
// concurrent use: checks share a read lock, Put and Remove take the write lock.
type Index struct {
	cfg    Config
	fields *fieldCache

	mu       sync.RWMutex
	profiles []*profile // by slot; nil for a free slot
	slots    map[uuid.UUID]int32
	free     []int32
	blocks   map[blockKey][]int32
	counts   *nameCounts // how common each name is among the persons held
}

// NewIndex returns an empty index that judges pairs by cfg.
func NewIndex(cfg Config) *Index {
	return &Index{cfg: cfg, fields: newFieldCache(), slots: make(map[uuid.UUID]int32), blocks: make(map[blockKey][]int32), counts: newNameCounts()}
}

// Len returns the number of persons in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.slots)
}

// Put adds p, or replaces the person with p's id.
func (ix *Index) Put(p Person) {
	pr := newProfile(p, ix.fields) // outside the lock: the expensive part
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.put(pr)
}

// PutAll puts many persons, preparing them on every core: what loading a
// workspace needs.
func (ix *Index) PutAll(ps []Person) {
	profiles := make([]*profile, len(ps))
	workers := min(runtime.GOMAXPROCS(0), 1+len(ps)/1000)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(ps); i += workers {
				profiles[i] = newProfile(ps[i], ix.fields)
			}
		}()
	}
	wg.Wait()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, pr := range profiles {
		ix.put(pr)
	}
}

func (ix *Index) put(pr *profile) {
	ix.remove(pr.id)
	var slot int32
	if n := len(ix.free); n > 0 {
		slot = ix.free[n-1]
		ix.free = ix.free[:n-1]
		ix.profiles[slot] = pr
	} else {
		slot = int32(len(ix.profiles))
		ix.profiles = append(ix.profiles, pr)
	}
	ix.slots[pr.id] = slot
	ix.counts.add(pr, 1)
	pr.keys(false, func(k blockKey) {
		b := ix.blocks[k]
		if n := len(b); n > 0 && b[n-1] == slot {
			return // the same key twice (two words with one skeleton)
		}
		ix.blocks[k] = append(b, slot)
	})
}

// Remove drops the person with id, if present.
func (ix *Index) Remove(id uuid.UUID) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.remove(id)
}

func (ix *Index) remove(id uuid.UUID) {
	slot, ok := ix.slots[id]
	if !ok {
		return
	}
	ix.profiles[slot].keys(false, func(k blockKey) {
		b := ix.blocks[k]
		if i := slices.Index(b, slot); i >= 0 {
			b[i] = b[len(b)-1]
			b = b[:len(b)-1]
		}
		if len(b) == 0 {
			delete(ix.blocks, k)
		} else {
			ix.blocks[k] = b
		}
	})
	ix.counts.add(ix.profiles[slot], -1)
	ix.profiles[slot] = nil
	ix.free = append(ix.free, slot)
	delete(ix.slots, id)
}

// Candidates returns the persons that p possibly or likely duplicates, best
// first, at most limit of them (all when limit <= 0). In each Match, A is p's
// id and B the candidate's. A person with p's id is never its own candidate.
func (ix *Index) Candidates(p Person, limit int) []Match {
	q := newProfile(p, ix.fields)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.candidates(q, limit, nil)
}

// candidates compares q with every person sharing a block with it; keep, when
// not nil, decides which pairs count. The caller holds the read lock.
func (ix *Index) candidates(q *profile, limit int, keep func(a, b uuid.UUID) bool) []Match {
	var slots []int32
	q.keys(true, func(k blockKey) { slots = append(slots, ix.blocks[k]...) })
	slices.Sort(slots)
	slots = slices.Compact(slots)
	memo := newSimMemo(checkMemoBits)
	var out []Match
	for _, slot := range slots {
		other := ix.profiles[slot]
		if other.id == q.id || (keep != nil && !keep(q.id, other.id)) {
			continue
		}
		if m := compareProfiles(q, other, ix.cfg, memo, ix.counts, false); m.Level >= Possible {
			out = append(out, m)
		}
	}
	sortMatches(out)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Pairs returns every pair at Possible or above, each once, best first.
func (ix *Index) Pairs() []Match {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.pairs(nil)
}

func (ix *Index) pairs(keep func(a, b uuid.UUID) bool) []Match {
	workers := min(runtime.GOMAXPROCS(0), 1+len(ix.profiles)/10_000)
	results := make([][]Match, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[w] = ix.pairsFrom(w, workers, keep)
		}()
	}
	wg.Wait()
	out := slices.Concat(results...)
	sortMatches(out)
	return out
}

// pairsFrom finds the pairs met from every step-th slot, starting at first.
// Blocking is symmetric, so each pair is met from its lower slot.
func (ix *Index) pairsFrom(first, step int, keep func(a, b uuid.UUID) bool) []Match {
	var out []Match
	met := make([]int32, len(ix.profiles)) // met[j] == i+1: j already compared with i
	memo := newSimMemo(pairsMemoBits)
	for slot := first; slot < len(ix.profiles); slot += step {
		p := ix.profiles[slot]
		if p == nil {
			continue
		}
		mark := int32(slot + 1)
		p.keys(true, func(k blockKey) {
			for _, other := range ix.blocks[k] {
				if other <= int32(slot) || met[other] == mark {
					continue
				}
				met[other] = mark
				q := ix.profiles[other]
				if keep != nil && !keep(p.id, q.id) {
					continue
				}
				if m := compareProfiles(p, q, ix.cfg, memo, ix.counts, false); m.Level >= Possible {
					out = append(out, m)
				}
			}
		})
	}
	return out
}

// sortMatches orders best first, then by ids, so results are reproducible.
func sortMatches(ms []Match) {
	slices.SortFunc(ms, func(x, y Match) int {
		if c := cmp.Compare(y.Score, x.Score); c != 0 {
			return c
		}
		if c := slices.Compare(x.A[:], y.A[:]); c != 0 {
			return c
		}
		return slices.Compare(x.B[:], y.B[:])
	})
}

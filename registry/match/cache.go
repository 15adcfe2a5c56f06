package match

import (
	"slices"
	"strconv"
	"strings"
	"sync"
)

// fieldCache remembers prepared name fields by their text. Names repeat a
// great deal (every Mohammed, every member of a family sharing its name), so
// an Index prepares each spelling once and its persons share the result,
// which saves both time and memory. Prepared fields are never modified.
type fieldCache struct {
	mu  sync.RWMutex
	m   map[string]nameField
	ids map[string]uint32 // a number per distinct fold, for simMemo
}

// maxCachedFields bounds the cache, so text typed into checks cannot grow it
// without end; beyond it fields are prepared every time.
const maxCachedFields = 1 << 20

func newFieldCache() *fieldCache {
	return &fieldCache{m: make(map[string]nameField), ids: make(map[string]uint32)}
}

// field returns s prepared; a nil cache prepares without remembering.
func (c *fieldCache) field(s string) nameField {
	if c == nil || s == "" {
		return prepareField(s)
	}
	c.mu.RLock()
	f, ok := c.m[s]
	c.mu.RUnlock()
	if ok {
		return f
	}
	f = prepareField(s)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCachedFields {
		return f
	}
	for i := range f.tokens {
		c.number(&f.tokens[i])
	}
	if f.joined != nil {
		c.number(f.joined)
	}
	c.m[s] = f
	return f
}

// number gives t its word number (one per fold and readings: what tokenSim
// reads) and its name number (one per name of namegroups.txt, else per fold:
// what counts for how common a name is).
func (c *fieldCache) number(t *nameToken) {
	idKey := t.fold
	if alts := t.alts(); len(alts) > 0 {
		idKey += "\x00" + strings.Join(alts, "\x00")
	}
	t.id = c.id(idKey)
	t.key = c.id(nameKey(*t))
}

// nameKey is the name a word counts as when counting how common names are:
// the first name of namegroups.txt it spells, else its fold.
func nameKey(t nameToken) string {
	if gs := t.groupList(); len(gs) > 0 {
		return "\x01" + strconv.Itoa(int(slices.Min(gs)))
	}
	return t.fold
}

func (c *fieldCache) id(fold string) uint32 {
	id, ok := c.ids[fold]
	if !ok {
		id = uint32(len(c.ids) + 1)
		c.ids[fold] = id
	}
	return id
}

// simMemo remembers word similarities during one check or one pass over all
// pairs: the same few hundred words meet again and again, and Jaro-Winkler
// is the costly part of a comparison. It is a direct-mapped table: a
// collision only costs a recomputation. A nil memo computes every time.
type simMemo struct {
	bits uint
	keys []uint64
	sims []float64
}

// Memo sizes: a check meets a few hundred persons, a pass over all pairs
// meets most pairs of words in the index.
const (
	checkMemoBits = 12 // 64 KiB
	pairsMemoBits = 20 // 16 MiB
)

func newSimMemo(bits uint) *simMemo {
	return &simMemo{bits: bits, keys: make([]uint64, 1<<bits), sims: make([]float64, 1<<bits)}
}

func (memo *simMemo) tokenSim(a, b nameToken) float64 {
	if memo == nil || a.id == 0 || b.id == 0 {
		return tokenSim(a, b)
	}
	lo, hi := a.id, b.id
	if hi < lo {
		lo, hi = hi, lo
	}
	key := uint64(lo)<<32 | uint64(hi) // never 0: ids start at 1
	slot := (key * 0x9E3779B97F4A7C15) >> (64 - memo.bits)
	if memo.keys[slot] == key {
		return memo.sims[slot]
	}
	s := tokenSim(a, b)
	memo.keys[slot], memo.sims[slot] = key, s
	return s
}

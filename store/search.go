package store

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"fieldreg/registry"
	"fieldreg/registry/match"
)

// nameIndex finds records by the words of their names. Words are normalized
// with registry.NormalizeName and kept once each in a dictionary; each word
// lists the records holding it. A query word matches a dictionary word
// exactly, as a prefix, or — for words of four letters or more — with one
// typo (one letter added, dropped, changed, or two neighbours swapped). It
// also matches across scripts and spellings by the duplicate matcher's keys
// (match.SearchKeys): "Mohamed" finds محمد, "Иван" finds Ivan. Keys sit in
// the dictionary behind a NUL, which no normalized word holds, so prefix
// and typo search never meet them.
type nameIndex struct {
	tokID  map[string]uint32
	toks   []string
	post   [][]uint32 // token → record ordinals
	sorted []uint32   // token ids in token order, for prefix search
	byLen  map[int][]uint32

	ord     map[uuid.UUID]uint32
	ids     []uuid.UUID
	kinds   []string
	recToks [][]uint32
	free    []uint32
	bulk    bool

	// keys remembers each word's match keys, stored: names repeat.
	keys map[string][]string
}

func newNameIndex() *nameIndex {
	return &nameIndex{tokID: map[string]uint32{}, byLen: map[int][]uint32{}, ord: map[uuid.UUID]uint32{}, bulk: true, keys: map[string][]string{}}
}

func (n *nameIndex) token(t string) uint32 {
	if id, ok := n.tokID[t]; ok {
		return id
	}
	id := uint32(len(n.toks))
	n.tokID[t] = id
	n.toks = append(n.toks, t)
	n.post = append(n.post, nil)
	if !strings.HasPrefix(t, keyMark) {
		l := utf8.RuneCountInString(t)
		n.byLen[l] = append(n.byLen[l], id)
	}
	if !n.bulk {
		i, _ := slices.BinarySearchFunc(n.sorted, t, func(x uint32, t string) int { return strings.Compare(n.toks[x], t) })
		n.sorted = slices.Insert(n.sorted, i, id)
	}
	return id
}

// set replaces the words (normalized name tokens) of record id.
func (n *nameIndex) set(id uuid.UUID, kind string, words []string) {
	if !n.bulk { // a bulk load sees each record once: nothing to remove
		n.remove(id)
	}
	var toks []uint32
	add := func(t string) {
		tid := n.token(t)
		if !slices.Contains(toks, tid) {
			toks = append(toks, tid)
		}
	}
	for _, t := range words {
		add(t)
		for _, k := range n.storedKeys(t) {
			add(k)
		}
	}
	if len(toks) == 0 {
		return
	}
	var o uint32
	if l := len(n.free); l > 0 {
		o, n.free = n.free[l-1], n.free[:l-1]
		n.ids[o], n.kinds[o], n.recToks[o] = id, kind, toks
	} else {
		o = uint32(len(n.ids))
		n.ids = append(n.ids, id)
		n.kinds = append(n.kinds, kind)
		n.recToks = append(n.recToks, toks)
	}
	n.ord[id] = o
	for _, t := range toks {
		n.post[t] = append(n.post[t], o)
	}
}

func (n *nameIndex) remove(id uuid.UUID) {
	o, ok := n.ord[id]
	if !ok {
		return
	}
	for _, t := range n.recToks[o] {
		if i := slices.Index(n.post[t], o); i >= 0 {
			n.post[t] = slices.Delete(n.post[t], i, i+1)
		}
	}
	n.recToks[o] = nil
	delete(n.ord, id)
	n.free = append(n.free, o)
}

func (n *nameIndex) finish() {
	n.sorted = make([]uint32, len(n.toks))
	for i := range n.sorted {
		n.sorted[i] = uint32(i)
	}
	slices.SortFunc(n.sorted, func(a, b uint32) int { return strings.Compare(n.toks[a], n.toks[b]) })
	n.bulk = false
}

// keyMark starts the dictionary entries that are match keys, not words.
const keyMark = "\x00"

// maxKeyedWords bounds the distinct words whose keys are remembered.
const maxKeyedWords = 1 << 18

func (n *nameIndex) storedKeys(word string) []string {
	if ks, ok := n.keys[word]; ok {
		return ks
	}
	stored, _ := match.SearchKeys(word)
	for i, k := range stored {
		stored[i] = keyMark + k
	}
	if len(n.keys) < maxKeyedWords {
		n.keys[word] = stored
	}
	return stored
}

// Match qualities: an exact word beats a prefix beats the same name in
// another spelling or script beats a typo.
const (
	qualityExact  float32 = 1.0
	qualityPrefix float32 = 0.8
	qualityKey    float32 = 0.7
	qualityTypo   float32 = 0.6
	minTypoRunes          = 4
	maxQueryWords         = 16
)

// search scores records against the query's words. A record's score is the
// mean quality of its best match for each query word, plus one when every
// query word matched, so full matches always rank first.
func (n *nameIndex) search(query string, limit int) []Hit {
	qs := slices.Compact(slices.Sorted(slices.Values(registry.NameTokens(query))))
	if len(qs) == 0 || limit == 0 {
		return nil
	}
	if len(qs) > maxQueryWords {
		qs = qs[:maxQueryWords]
	}
	// Dense arrays by record ordinal: cheaper than maps when a common name
	// matches thousands of records.
	sum := make([]float32, len(n.ids))
	count := make([]uint16, len(n.ids))
	best := make([]float32, len(n.ids))
	var touched, hit []uint32
	for _, q := range qs {
		touched = touched[:0]
		add := func(tid uint32, quality float32) {
			for _, o := range n.post[tid] {
				if best[o] == 0 {
					touched = append(touched, o)
				}
				best[o] = max(best[o], quality)
			}
		}
		// Exact and prefix: the dictionary words that start with q.
		i, _ := slices.BinarySearchFunc(n.sorted, q, func(x uint32, q string) int { return strings.Compare(n.toks[x], q) })
		for ; i < len(n.sorted) && strings.HasPrefix(n.toks[n.sorted[i]], q); i++ {
			tid := n.sorted[i]
			if n.toks[tid] == q {
				add(tid, qualityExact)
			} else {
				add(tid, qualityPrefix)
			}
		}
		// The same name in another spelling or script.
		_, keys := match.SearchKeys(q)
		for _, k := range keys {
			if tid, ok := n.tokID[keyMark+k]; ok {
				add(tid, qualityKey)
			}
		}
		if l := utf8.RuneCountInString(q); l >= minTypoRunes {
			for d := l - 1; d <= l+1; d++ {
				for _, tid := range n.byLen[d] {
					if t := n.toks[tid]; t != q && withinOneEdit(q, t) {
						add(tid, qualityTypo)
					}
				}
			}
		}
		for _, o := range touched {
			if count[o] == 0 {
				hit = append(hit, o)
			}
			sum[o] += best[o]
			count[o]++
			best[o] = 0
		}
	}
	hits := make([]Hit, 0, len(hit))
	for _, o := range hit {
		score := float64(sum[o]) / float64(len(qs))
		if int(count[o]) == len(qs) {
			score++
		}
		hits = append(hits, Hit{ID: n.ids[o], Kind: n.kinds[o], Score: score})
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return cmpID(a.ID, b.ID)
	})
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	return hits
}

// withinOneEdit reports whether a and b differ by at most one rune inserted,
// deleted or replaced, or two neighbouring runes swapped.
func withinOneEdit(a, b string) bool {
	// Strip the common prefix and suffix, rune-aligned; what is left must be
	// one edit.
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	for p > 0 && (p < len(a) && !utf8.RuneStart(a[p]) || p < len(b) && !utf8.RuneStart(b[p])) {
		p--
	}
	a, b = a[p:], b[p:]
	s := 0
	for s < len(a) && s < len(b) && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	for s > 0 && (!utf8.RuneStart(a[len(a)-s]) || !utf8.RuneStart(b[len(b)-s])) {
		s--
	}
	a, b = a[:len(a)-s], b[:len(b)-s]
	ra, rb := utf8.RuneCountInString(a), utf8.RuneCountInString(b)
	if ra <= 1 && rb <= 1 {
		return true
	}
	if ra == 2 && rb == 2 {
		a1, n := utf8.DecodeRuneInString(a)
		a2, _ := utf8.DecodeRuneInString(a[n:])
		b1, m := utf8.DecodeRuneInString(b)
		b2, _ := utf8.DecodeRuneInString(b[m:])
		return a1 == b2 && a2 == b1
	}
	return false
}

package match

import "hash/maphash"

// Blocking keys. A person is stored under the start of each name word's
// skeleton combined with a birth year, and under the pair of its first given
// and family name skeletons whatever the year. The query side looks one year
// either way. Storage and query are built so that "a finds b" holds exactly
// when "b finds a", which lets Pairs visit each pair once.

// skeletonPrefix is how much of a skeleton a key uses: a typo late in a long
// name still lands in the same block.
const skeletonPrefix = 3

// maxKeyTokens bounds the words a person is stored under.
const maxKeyTokens = 5

type blockKey uint64

var blockSeed = maphash.MakeSeed()

func tokenKey(skeleton string, year int) blockKey {
	var h maphash.Hash
	h.SetSeed(blockSeed)
	h.WriteByte('t')
	h.WriteString(skeleton[:min(len(skeleton), skeletonPrefix)])
	h.WriteByte(byte(year))
	h.WriteByte(byte(year >> 8))
	return blockKey(h.Sum64())
}

func pairKey(a, b string) blockKey {
	a, b = a[:min(len(a), skeletonPrefix)], b[:min(len(b), skeletonPrefix)]
	if b < a {
		a, b = b, a
	}
	var h maphash.Hash
	h.SetSeed(blockSeed)
	h.WriteByte('p')
	h.WriteString(a)
	h.WriteByte(0)
	h.WriteString(b)
	return blockKey(h.Sum64())
}

// storedYears are the years a person is filed under: an estimated year
// stands for the years around it too. 0 files a person with no usable date.
func (p *profile) storedYears() (lo, hi int) {
	y := p.birth.year
	if y == 0 {
		return 0, 0
	}
	if p.birth.estimated {
		return y - 1, y + 1
	}
	return y, y
}

// keys calls fn for each block key of p, stored (query false) or looked up
// (query true). Keys may repeat; callers deduplicate what they find.
func (p *profile) keys(query bool, fn func(blockKey)) {
	lo, hi := p.storedYears()
	if query && lo != 0 {
		lo, hi = lo-1, hi+1
	}
	n := 0
	for _, field := range []nameField{p.given, p.family, p.other} {
		for _, t := range field.tokens {
			if t.skeleton == "" || n == maxKeyTokens {
				continue
			}
			n++
			for y := lo; y <= hi; y++ {
				fn(tokenKey(t.skeleton, y))
			}
		}
	}
	if !p.given.empty() && !p.family.empty() {
		fn(pairKey(p.given.tokens[0].skeleton, p.family.tokens[0].skeleton))
	}
}

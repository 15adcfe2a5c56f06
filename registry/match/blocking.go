package match

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

// FNV-1a: keys are a few bytes, and a collision only adds a comparison.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func hashBytes(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

func tokenKey(skeleton string, year int) blockKey {
	h := hashBytes(fnvOffset, "t")
	h = hashBytes(h, skeleton[:min(len(skeleton), skeletonPrefix)])
	h = (h ^ uint64(year)) * fnvPrime
	return blockKey(h)
}

func pairKey(a, b string) blockKey {
	a, b = a[:min(len(a), skeletonPrefix)], b[:min(len(b), skeletonPrefix)]
	if b < a {
		a, b = b, a
	}
	h := hashBytes(fnvOffset, "p")
	h = hashBytes(h, a)
	h = (h ^ 0xff) * fnvPrime // a separator no skeleton holds
	return blockKey(hashBytes(h, b))
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
				if t.altSkeleton != "" {
					fn(tokenKey(t.altSkeleton, y))
				}
				for _, sk := range t.altSkeletons() {
					if sk != "" {
						fn(tokenKey(sk, y))
					}
				}
			}
		}
	}
	if !p.given.empty() && !p.family.empty() {
		g, f := p.given.tokens[0], p.family.tokens[0]
		fn(pairKey(g.skeleton, f.skeleton))
		// A Cyrillic name's other readings may be how the Latin record
		// spells it; one pair key for each, bounded.
		for i, sk := range g.altSkeletons() {
			if i < 2 {
				fn(pairKey(sk, f.skeleton))
			}
		}
		for i, sk := range f.altSkeletons() {
			if i < 2 {
				fn(pairKey(g.skeleton, sk))
			}
		}
	}
}

package corpus

import (
	"math/rand/v2"
	"unicode/utf8"
)

// How often each corruption of the field happens when a family registers a
// second time. The rates are guesses from registration practice, set before
// the matcher was tuned and not changed to suit it.
const (
	otherSiteChance    = 0.7  // registered at another site
	samePhoneChance    = 0.5  // else a new number (0.3) or none (0.2)
	memberMissing      = 0.1  // a member not present at the second registration
	newbornChance      = 0.1  // a baby born in between
	spellingChance     = 0.35 // per name: another spelling
	scriptFlipChance   = 0.3  // the household written in the other script this time
	typoChance         = 0.12 // per person: a typo in the given or family name
	swapChance         = 0.05 // given and family name swapped
	dropOtherChance    = 0.5  // other names left out
	yearOffChance      = 0.10 // birth year ±1
	dayMonthSwapChance = 0.04 // day and month swapped
	estimateChance     = 0.06 // an age given instead of a date
)

// reregister makes the second registration of a household and the true
// pairs between its members and the first.
func (g *generator) reregister(h Household, people []person) (Household, []Pair) {
	t := g.tradition(h.Tradition)
	dup := h
	dup.ID = newID(g.rng)
	dup.Members = nil
	if g.rng.Float64() < otherSiteChance && len(t.sites) > 1 {
		s := t.sites[g.rng.IntN(len(t.sites))]
		dup.Site, dup.Admin1, dup.Admin2 = s.name, s.admin1, s.admin2
	}
	switch r := g.rng.Float64(); {
	case r < samePhoneChance:
	case r < samePhoneChance+0.3:
		dup.Phone = g.phone(t.sites[0])
	default:
		dup.Phone = ""
	}
	script := h.script
	if t.scriptShare > 0 && g.rng.Float64() < scriptFlipChance {
		script = !script
	}
	dup.script = script
	var pairs []Pair
	for i, p := range people {
		if i > 0 && g.rng.Float64() < memberMissing {
			continue
		}
		m := g.member(g.corrupt(p), script)
		if g.rng.Float64() < typoChance {
			if g.rng.IntN(2) == 0 {
				m.GivenName = typo(g.rng, m.GivenName)
			} else {
				m.FamilyName = typo(g.rng, m.FamilyName)
			}
		}
		if g.rng.Float64() < swapChance {
			m.GivenName, m.FamilyName = m.FamilyName, m.GivenName
		}
		dup.Members = append(dup.Members, m)
		pairs = append(pairs, Pair{A: h.Members[i].ID, B: m.ID})
	}
	if g.rng.Float64() < newbornChance {
		baby := person{male: g.rng.IntN(2) == 0, relationship: "child", family: people[0].family, family2: people[0].family2}
		baby.given = g.givenName(t, baby.male, nil)
		baby.birth = date{thisYear, 1 + g.rng.IntN(6), 1 + g.rng.IntN(28)}
		dup.Members = append(dup.Members, g.member(baby, script))
	}
	return dup, pairs
}

func (g *generator) tradition(name string) *tradition {
	for i := range g.traditions {
		if g.traditions[i].name == name {
			return &g.traditions[i]
		}
	}
	return &g.traditions[0]
}

// corrupt returns p as a second registration may record it.
func (g *generator) corrupt(p person) person {
	respell := func(n nameRef) nameRef {
		if n.e != nil && len(n.e.variants) > 1 && g.rng.Float64() < spellingChance {
			n.variant = g.rng.IntN(len(n.e.variants))
		}
		return n
	}
	p.given, p.family, p.family2, p.other = respell(p.given), respell(p.family), respell(p.family2), respell(p.other)
	if g.rng.Float64() < dropOtherChance {
		p.other = nameRef{}
	}
	switch r := g.rng.Float64(); {
	case r < yearOffChance:
		p.birth.y += 1 - 2*g.rng.IntN(2)
	case r < yearOffChance+dayMonthSwapChance:
		if !p.estimated && p.birth.d <= 12 {
			p.birth.d, p.birth.m = p.birth.m, p.birth.d
		}
	case r < yearOffChance+dayMonthSwapChance+estimateChance:
		p.birth = date{p.birth.y + g.rng.IntN(3) - 1, 1, 1}
		p.estimated = true
	}
	if p.birth.y > thisYear {
		p.birth.y = thisYear
	}
	return p
}

// typo makes one keying slip in a word of at least four letters: a letter
// replaced, dropped, doubled, or two letters swapped.
func typo(rng *rand.Rand, s string) string {
	r := []rune(s)
	if utf8.RuneCountInString(s) < 4 {
		return s
	}
	i := 1 + rng.IntN(len(r)-2) // enumerators rarely miss the first letter
	switch rng.IntN(4) {
	case 0:
		r[i] = neighbour(rng, r[i])
	case 1:
		r = append(r[:i], r[i+1:]...)
	case 2:
		r = append(r[:i+1], r[i:]...)
	default:
		r[i], r[i+1] = r[i+1], r[i]
	}
	return string(r)
}

// neighbour is a letter near r: on a QWERTY keyboard for Latin letters, a
// random Arabic letter otherwise.
func neighbour(rng *rand.Rand, r rune) rune {
	const rows = "qwertyuiop asdfghjkl zxcvbnm"
	for i, c := range rows {
		if c == r && c != ' ' {
			if i > 0 && rows[i-1] != ' ' && (i+1 >= len(rows) || rows[i+1] == ' ' || rng.IntN(2) == 0) {
				return rune(rows[i-1])
			}
			if i+1 < len(rows) && rows[i+1] != ' ' {
				return rune(rows[i+1])
			}
		}
	}
	if r >= 0x0621 && r <= 0x064A {
		return rune(0x0628 + rng.IntN(0x064A-0x0628))
	}
	return r
}

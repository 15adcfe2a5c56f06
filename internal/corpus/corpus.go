// Package corpus generates realistic, labelled registration data: households
// from several naming traditions, some registered twice with the corruptions
// of the field (other spellings, the other script, typos, swapped names,
// missing middle names, birth dates off by a year or with day and month
// swapped, ages estimated, another site). The true duplicate pairs come with
// it, so matching can be measured. It is seeded and deterministic, and writes
// nothing itself; the lead uses it to fill demo workspaces and benchmarks.
package corpus

import (
	"math/rand/v2"

	"github.com/google/uuid"

	"fieldreg/registry/match"
)

// Member is one generated person, as registered.
type Member struct {
	ID                                uuid.UUID
	Relationship                      string // head, spouse, child, parent, sibling
	GivenName, FamilyName, OtherNames string
	Sex                               string // female or male
	BirthDate                         string // YYYY-MM-DD
	BirthDateEstimated                bool
}

// Household is one generated registration.
type Household struct {
	ID                   uuid.UUID
	Site, Admin1, Admin2 string
	GPS                  string // "lat lon"
	Phone                string // "" when the family has none
	Origin               string
	DisplacementDate     string
	RegistrationDate     string
	Tradition            string // which naming tradition the names come from
	Members              []Member

	script bool // names written in the tradition's other script
}

// Pair is a true duplicate: two registrations of one person.
type Pair struct{ A, B uuid.UUID }

// Corpus is generated registrations with the truth about them.
type Corpus struct {
	Households []Household
	Persons    []match.Person // every member, with household context
	Duplicates []Pair         // the true duplicate pairs, each once
}

// Generate makes about persons persons (exactly, unless persons < 1), of
// whom about dupRate are second registrations of another person in the
// corpus. The same seed gives the same corpus.
func Generate(seed int64, persons int, dupRate float64) Corpus {
	g := newGenerator(seed)
	copyChance := 0.0
	if dupRate > 0 && dupRate < 1 {
		copyChance = dupRate / (1 - dupRate)
	}
	var c Corpus
	count := 0
	for count < persons {
		h, people := g.household()
		c.Households = append(c.Households, h)
		count += len(h.Members)
		if count < persons && g.rng.Float64() < copyChance {
			dup, pairs := g.reregister(h, people)
			c.Households = append(c.Households, dup)
			c.Duplicates = append(c.Duplicates, pairs...)
			count += len(dup.Members)
		}
	}
	c.trim(persons)
	c.Persons = make([]match.Person, 0, persons)
	for _, h := range c.Households {
		c.Persons = append(c.Persons, h.Persons()...)
	}
	return c
}

// Households makes n households ready to register, about 5% of them second
// registrations of another, as a demo workspace would hold.
func Households(seed int64, n int) []Household {
	g := newGenerator(seed)
	out := make([]Household, 0, n)
	for len(out) < n {
		h, people := g.household()
		out = append(out, h)
		if len(out) < n && g.rng.Float64() < 0.05 {
			dup, _ := g.reregister(h, people)
			out = append(out, dup)
		}
	}
	return out
}

// trim drops the last members so the corpus holds exactly n persons, and the
// pairs that named them.
func (c *Corpus) trim(n int) {
	total := 0
	for i := range c.Households {
		h := &c.Households[i]
		if total+len(h.Members) > n {
			h.Members = h.Members[:max(0, n-total)]
		}
		total += len(h.Members)
	}
	for len(c.Households) > 0 && len(c.Households[len(c.Households)-1].Members) == 0 {
		c.Households = c.Households[:len(c.Households)-1]
	}
	kept := make(map[uuid.UUID]bool, total)
	for _, h := range c.Households {
		for _, m := range h.Members {
			kept[m.ID] = true
		}
	}
	pairs := c.Duplicates[:0]
	for _, p := range c.Duplicates {
		if kept[p.A] && kept[p.B] {
			pairs = append(pairs, p)
		}
	}
	c.Duplicates = pairs
}

// Persons returns the household's members as the matcher sees them.
func (h Household) Persons() []match.Person {
	out := make([]match.Person, len(h.Members))
	for i, m := range h.Members {
		p := match.Person{
			ID: m.ID, Household: h.ID,
			GivenName: m.GivenName, FamilyName: m.FamilyName, OtherNames: m.OtherNames,
			Sex: m.Sex, BirthDate: m.BirthDate, BirthDateEstimated: m.BirthDateEstimated,
			Site: h.Site, Phone: h.Phone,
			HouseholdNames: make([]string, 0, len(h.Members)-1),
		}
		for j, o := range h.Members {
			if j != i {
				p.HouseholdNames = append(p.HouseholdNames, o.GivenName+" "+o.FamilyName)
			}
		}
		out[i] = p
	}
	return out
}

func newID(rng *rand.Rand) uuid.UUID {
	var id uuid.UUID
	a, b := rng.Uint64(), rng.Uint64()
	for i := range 8 {
		id[i], id[8+i] = byte(a>>(8*i)), byte(b>>(8*i))
	}
	id[6] = id[6]&0x0f | 0x40 // version 4: random
	id[8] = id[8]&0x3f | 0x80 // RFC 4122 variant
	return id
}

package corpus

import (
	"fmt"
	"math/rand/v2"

	"fieldreg/registry"
)

// The corpus is set in this year: ages are counted from it.
const thisYear = 2026

type generator struct {
	rng        *rand.Rand
	traditions []tradition
}

func newGenerator(seed int64) *generator {
	return &generator{rng: rand.New(rand.NewPCG(uint64(seed), 0x6669656c64726567)), traditions: traditions()}
}

// nameRef is a name as an entry and the spelling used.
type nameRef struct {
	e       *entry
	variant int
}

func (n nameRef) write(script bool) string {
	if n.e == nil {
		return ""
	}
	if script && n.e.script != "" {
		return n.e.script
	}
	return n.e.variants[n.variant]
}

type date struct{ y, m, d int }

func (d date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.y, d.m, d.d) }

// person is a generated person before writing it down.
type person struct {
	given, family, family2, other nameRef
	male                          bool
	birth                         date
	estimated                     bool
	relationship                  string
}

// pick chooses a spelling: the usual one more often than not.
func (g *generator) pick(list []entry) nameRef {
	e := &list[g.rng.IntN(len(list))]
	return nameRef{e: e, variant: g.spelling(e)}
}

func (g *generator) spelling(e *entry) int {
	if len(e.variants) == 1 || g.rng.Float64() < 0.6 {
		return 0
	}
	return 1 + g.rng.IntN(len(e.variants)-1)
}

func (g *generator) givenName(t *tradition, male bool, avoid []nameRef) nameRef {
	list := t.female
	if male {
		list = t.male
	}
	for range 10 {
		n := g.pick(list)
		clash := false
		for _, a := range avoid {
			clash = clash || a.e == n.e
		}
		if !clash {
			return n
		}
	}
	return g.pick(list)
}

func (g *generator) familyName(t *tradition, male bool) nameRef {
	switch t.style {
	case patronymic:
		return g.pick(t.male)
	case personal:
		if !male {
			return g.pick(t.femaleFamily)
		}
	}
	return g.pick(t.family)
}

// birth draws a date for someone born in year; adults often only know an age.
func (g *generator) birth(year int) (date, bool) {
	age := thisYear - year
	if g.rng.Float64() < 0.05 || (age >= 40 && g.rng.Float64() < 0.35) {
		return date{year, 1, 1}, true
	}
	return date{year, 1 + g.rng.IntN(12), 1 + g.rng.IntN(28)}, false
}

func (g *generator) adult(t *tradition, male bool, year int, rel string, avoid ...nameRef) person {
	p := person{given: g.givenName(t, male, avoid), family: g.familyName(t, male), male: male, relationship: rel}
	if t.style == doubleFamily {
		p.family2 = g.pick(t.family)
	}
	if t.grandfather {
		p.other = g.pick(t.male) // the father's name
	}
	p.birth, p.estimated = g.birth(year)
	return p
}

// household makes one original registration.
func (g *generator) household() (Household, []person) {
	t := &g.traditions[g.rng.IntN(len(g.traditions))]
	s := t.sites[g.rng.IntN(len(t.sites))]
	headMale := g.rng.Float64() < 0.75
	headYear := thisYear - 20 - g.rng.IntN(45)
	people := []person{g.adult(t, headMale, headYear, registry.RelationshipHead)}
	var father, mother *person
	if g.rng.Float64() < 0.75 {
		spouseYear := headYear + g.rng.IntN(9) - 2
		if !headMale {
			spouseYear = headYear - g.rng.IntN(8)
		}
		spouse := g.adult(t, !headMale, spouseYear, "spouse")
		if t.style == inherited && g.rng.Float64() < 0.5 {
			if headMale {
				spouse.family = people[0].family
			} else {
				people[0].family = spouse.family
			}
		}
		people = append(people, spouse)
	}
	for i := range people {
		if people[i].male {
			father = &people[i]
		} else {
			mother = &people[i]
		}
	}
	if father == nil { // the father is away, dead or unknown; children still carry his names
		f := g.adult(t, true, headYear-3, "")
		father = &f
	}
	motherYear := headYear
	if mother != nil {
		motherYear = mother.birth.y
	}
	children := g.rng.IntN(6) + g.rng.IntN(3) - 1
	var siblings []nameRef
	sonNamed := false
	for c := 0; c < children; c++ {
		year := motherYear + 17 + g.rng.IntN(27)
		if year > thisYear {
			break
		}
		twins := g.rng.Float64() < 0.04
		var twinBirth date
		for k := 0; k < 1+boolInt(twins); k++ {
			male := g.rng.IntN(2) == 0
			child := person{male: male, relationship: "child"}
			if male && !sonNamed && g.rng.Float64() < t.juniorShare {
				child.given = father.given // named after his father
			} else {
				child.given = g.givenName(t, male, siblings)
			}
			sonNamed = sonNamed || male
			siblings = append(siblings, child.given)
			switch t.style {
			case patronymic:
				child.family = father.given
			case personal:
				child.family = g.familyName(t, male)
			default:
				child.family = father.family
			}
			if t.style == doubleFamily {
				child.family2 = father.family
				if mother != nil {
					child.family2 = mother.family
				}
				child.family = father.family
			}
			if t.grandfather {
				child.other = father.given
				if t.style == patronymic {
					child.other = father.family
				}
			}
			if k == 0 {
				child.birth, child.estimated = g.birth(year)
				twinBirth = child.birth
			} else {
				child.birth, child.estimated = twinBirth, people[len(people)-1].estimated
			}
			people = append(people, child)
		}
	}
	if g.rng.Float64() < 0.1 && headYear-20 > thisYear-95 {
		parent := g.adult(t, g.rng.IntN(2) == 0, headYear-20-g.rng.IntN(15), "parent", people[0].given)
		if parent.male && t.style == inherited {
			parent.family = people[0].family
		}
		people = append(people, parent)
	}
	if g.rng.Float64() < 0.08 {
		sib := g.adult(t, g.rng.IntN(2) == 0, headYear+g.rng.IntN(11)-5, "sibling", people[0].given)
		sib.family, sib.other = people[0].family, people[0].other
		people = append(people, sib)
	}
	h := Household{
		ID: newID(g.rng), Site: s.name, Admin1: s.admin1, Admin2: s.admin2,
		GPS:              fmt.Sprintf("%.5f %.5f", t.lat+g.rng.Float64()*0.2, t.lon+g.rng.Float64()*0.2),
		Origin:           t.name,
		DisplacementDate: date{thisYear - 1 - g.rng.IntN(5), 1 + g.rng.IntN(12), 1 + g.rng.IntN(28)}.String(),
		RegistrationDate: date{thisYear, 1 + g.rng.IntN(6), 1 + g.rng.IntN(28)}.String(), // by registeredBy
		Tradition:        t.name,
	}
	if g.rng.Float64() < 0.7 {
		h.Phone = g.phone(s)
	}
	script := t.scriptShare > 0 && g.rng.Float64() < t.scriptShare
	h.script = script
	for _, p := range people {
		h.Members = append(h.Members, g.member(p, script))
	}
	return h, people
}

func (g *generator) phone(s site) string {
	return fmt.Sprintf("%s%08d", s.phonePrefix, g.rng.IntN(100_000_000))
}

func (g *generator) member(p person, script bool) Member {
	m := Member{
		ID: newID(g.rng), Relationship: p.relationship,
		GivenName: p.given.write(script), FamilyName: p.family.write(script), OtherNames: p.other.write(script),
		Sex: "female", BirthDate: p.birth.String(), BirthDateEstimated: p.estimated,
	}
	if p.family2.e != nil {
		m.FamilyName += " " + p.family2.write(script)
	}
	if p.male {
		m.Sex = "male"
	}
	return m
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

package corpus

import (
	"os"
	"testing"

	"github.com/google/uuid"

	"fieldreg/registry/match"
)

func TestTune(t *testing.T) {
	if os.Getenv("TUNE") == "" {
		t.Skip()
	}
	c := Generate(1, 20000, 0.1)
	e := c.Evaluate(match.DefaultConfig())
	t.Logf("likely %v", e.Likely)
	t.Logf("possible %v", e.Possible)
	low := match.NewIndex(match.Config{Likely: 100, Possible: 0})
	for _, p := range c.Persons {
		low.Put(p)
	}
	all := low.Pairs()
	for th := 6.0; th <= 14; th += 0.5 {
		var sel []match.Match
		for _, m := range all {
			if m.Score >= th {
				m.Level = match.Likely
				sel = append(sel, m)
			}
		}
		t.Logf("th %.1f: %v", th, c.Score(sel).Likely)
	}
	byID := map[uuid.UUID]match.Person{}
	for _, p := range c.Persons {
		byID[p.ID] = p
	}
	show := func(a, b match.Person) {
		m := match.Compare(a, b, match.DefaultConfig())
		t.Logf("  %q %q %q %s %s %v | %q %q %q %s %s %v => %.1f %v", a.GivenName, a.FamilyName, a.OtherNames, a.Sex, a.BirthDate, a.BirthDateEstimated,
			b.GivenName, b.FamilyName, b.OtherNames, b.Sex, b.BirthDate, b.BirthDateEstimated, m.Score, m.Reasons)
	}
	for i, p := range e.Misses {
		if i > 40 {
			break
		}
		show(byID[p.A], byID[p.B])
	}
	t.Log("FALSE")
	for i, m := range e.False {
		if i > 40 {
			break
		}
		show(byID[m.A], byID[m.B])
	}
}

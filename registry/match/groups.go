package match

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
)

// namegroups.txt says which spellings are one given name and which names
// are different names however alike they look (Omar and Amr, Hassan and
// Hussein, Ivan and Ivanna): string distance alone cannot tell "another
// spelling" from "another name", and twins are named that way. Its header
// gives the sources of the facts.
//
//go:embed namegroups.txt
var nameGroupsText string

// nameGroups is namegroups.txt parsed: for each fold, the names (numbered
// from 1) it is a spelling of.
type nameGroups struct {
	byFold map[string][]uint16
	common map[uint16]bool
}

// maxGroups bounds the names one spelling may stand for.
const maxGroups = 3

var (
	groupsOnce  sync.Once
	groupsTable *nameGroups
)

// knownNames returns the parsed table. The file is part of the program, so
// a mistake in it is a programming error (TestNameGroupsParse guards it).
func knownNames() *nameGroups {
	groupsOnce.Do(func() {
		g, err := parseNameGroups(nameGroupsText)
		if err != nil {
			panic(err)
		}
		groupsTable = g
	})
	return groupsTable
}

func parseNameGroups(text string) (*nameGroups, error) {
	g := &nameGroups{byFold: make(map[string][]uint16), common: make(map[uint16]bool)}
	var n uint16
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		n++
		if strings.HasPrefix(line, "*") {
			g.common[n] = true
			line = line[1:]
		}
		for _, spelling := range strings.Split(line, "|") {
			words := normalizedWords(spelling)
			if len(words) == 0 {
				return nil, fmt.Errorf("namegroups.txt line %d: empty spelling in %q", i+1, line)
			}
			t := bareToken(strings.Join(words, ""))
			for _, f := range t.folds() {
				gs := g.byFold[f]
				if containsGroup(gs, n) {
					continue
				}
				if len(gs) == maxGroups {
					return nil, fmt.Errorf("namegroups.txt line %d: %q stands for more than %d names", i+1, spelling, maxGroups)
				}
				g.byFold[f] = append(gs, n)
			}
		}
	}
	return g, nil
}

func containsGroup(gs []uint16, n uint16) bool {
	for _, g := range gs {
		if g == n {
			return true
		}
	}
	return false
}

// lookup fills in the names t is a spelling of.
func (g *nameGroups) lookup(t *nameToken) {
	for _, f := range t.folds() {
		for _, n := range g.byFold[f] {
			if gs := t.groupList(); !containsGroup(gs, n) && len(gs) < maxGroups {
				t.groups[len(gs)] = n
				t.common = t.common || g.common[n]
			}
		}
	}
}

// nameRelation is what the table says of two words.
type nameRelation int

const (
	unknownNames  nameRelation = iota // one or both not in the table
	sameName                          // spellings of one name
	distinctNames                     // two different names
)

func relation(a, b nameToken) nameRelation {
	ga, gb := a.groupList(), b.groupList()
	if len(ga) == 0 || len(gb) == 0 {
		return unknownNames
	}
	for _, x := range ga {
		if containsGroup(gb, x) {
			return sameName
		}
	}
	return distinctNames
}

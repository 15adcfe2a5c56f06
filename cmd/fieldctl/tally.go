package main

import (
	"fmt"

	"github.com/google/uuid"

	"fieldreg/registry"
	"fieldreg/store"
)

// tally counts what a bulk command stored. A household whose rows come in
// several groups is stored several times but counted once.
type tally struct {
	households           map[uuid.UUID]bool
	persons, assessments int
	refused              int // households refused whole (register)
}

func newTally() *tally { return &tally{households: make(map[uuid.UUID]bool)} }

func (t *tally) count(ed store.Edit) {
	switch ed.Kind {
	case registry.KindHousehold:
		t.households[ed.Record] = true
	case registry.KindPerson:
		t.persons++
	case registry.KindAssessment:
		t.assessments++
	}
}

func (t *tally) countAll(p planned) {
	for _, ed := range p.edits {
		t.count(ed)
	}
}

func (t *tally) String() string {
	s := fmt.Sprintf("%s in %s", plural(t.persons, "person"), plural(len(t.households), "household"))
	if t.assessments > 0 {
		s += ", " + plural(t.assessments, "assessment")
	}
	return s
}

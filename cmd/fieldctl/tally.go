package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"fieldreg/ops"
	"fieldreg/registry"
)

// tally counts what a bulk command stored, and what storing did to each
// record: new, already there unchanged, updated, or with conflicts. A
// household whose rows come in several groups is stored several times but
// counted once, by the most that happened to it.
type tally struct {
	households           map[uuid.UUID]ops.Outcome
	persons, assessments int
	refused              int // households refused whole (register)

	byOutcome map[ops.Outcome]*kinds
	conflicts map[string]bool // the fields that became conflicts
}

// kinds counts records by kind.
type kinds struct{ households, persons, assessments int }

func newTally() *tally {
	return &tally{households: make(map[uuid.UUID]ops.Outcome), byOutcome: make(map[ops.Outcome]*kinds), conflicts: make(map[string]bool)}
}

// rank orders outcomes by how much happened: a household made by the first
// rows of a list and left as it is by the later ones is new.
var rank = map[ops.Outcome]int{ops.Unchanged: 0, ops.Updated: 1, ops.Conflicted: 2, ops.Created: 3}

func (t *tally) count(rp ops.Planned) {
	for _, f := range rp.Conflicts {
		t.conflicts[f] = true
	}
	switch rp.Edit.Kind {
	case registry.KindHousehold:
		prev, seen := t.households[rp.Edit.Record]
		if seen && rank[prev] >= rank[rp.Outcome] {
			return
		}
		t.households[rp.Edit.Record] = rp.Outcome
		if seen {
			t.outcome(prev).households--
		}
		t.outcome(rp.Outcome).households++
	case registry.KindPerson:
		t.persons++
		t.outcome(rp.Outcome).persons++
	case registry.KindAssessment:
		t.assessments++
		t.outcome(rp.Outcome).assessments++
	}
}

func (t *tally) outcome(o ops.Outcome) *kinds {
	k := t.byOutcome[o]
	if k == nil {
		k = &kinds{}
		t.byOutcome[o] = k
	}
	return k
}

func (t *tally) countAll(p planned) {
	for _, rp := range p.records {
		t.count(rp)
	}
}

func (t *tally) String() string {
	s := fmt.Sprintf("%s in %s", plural(t.persons, "person"), plural(len(t.households), "household"))
	if t.assessments > 0 {
		s += ", " + plural(t.assessments, "assessment")
	}
	return s
}

// outcomes says what the records counted were to the workspace: "new: 1
// household, 2 persons; already there, unchanged: …; updated: …;
// conflicts: 1 person (given_name) — …", or "nothing new: …" when all were
// there already.
func (t *tally) outcomes() string {
	counted := func(o ops.Outcome) string {
		k := t.byOutcome[o]
		if k == nil {
			return ""
		}
		var parts []string
		for _, c := range []struct {
			n    int
			noun string
		}{{k.households, "household"}, {k.persons, "person"}, {k.assessments, "assessment"}} {
			if c.n > 0 {
				parts = append(parts, plural(c.n, c.noun))
			}
		}
		return strings.Join(parts, ", ")
	}
	unchanged := counted(ops.Unchanged)
	if counted(ops.Created) == "" && counted(ops.Updated) == "" && counted(ops.Conflicted) == "" {
		if unchanged == "" {
			return "nothing new"
		}
		return "nothing new: " + unchanged + " already there, unchanged"
	}
	var parts []string
	for _, o := range []struct {
		outcome ops.Outcome
		label   string
	}{{ops.Created, "new"}, {ops.Unchanged, "already there, unchanged"}, {ops.Updated, "updated"}, {ops.Conflicted, "conflicts"}} {
		if c := counted(o.outcome); c != "" {
			parts = append(parts, o.label+": "+c)
		}
	}
	s := strings.Join(parts, "; ")
	if len(t.conflicts) > 0 {
		fields := make([]string, 0, len(t.conflicts))
		for f := range t.conflicts {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		s += " (" + strings.Join(fields, ", ") + ") — changed here since the file was exported: the values here are kept, and fieldctl show lists the file's for a supervisor to settle"
	}
	return s
}

// printConflicts names, once a household is stored, each of its records
// whose fields became conflicts, so a supervisor can find them: where in the
// input, the record and the fields, never a value.
func printConflicts(e *env, p planned) {
	for _, rp := range p.records {
		if len(rp.Conflicts) == 0 {
			continue
		}
		where := p.label
		if rp.Name != "" {
			where += ": " + rp.Name
		}
		fmt.Fprintf(e.stderr, "fieldctl: %s: %s %s: %s changed here since the file was exported; both values are kept (fieldctl show %s)\n",
			where, rp.Edit.Kind, rp.Edit.Record, strings.Join(rp.Conflicts, ", "), rp.Edit.Record)
	}
}

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/google/uuid"

	"fieldreg/ops"
	"fieldreg/registry"
	"fieldreg/registry/match"
)

// runDuplicates lists the pairs of persons that likely or possibly are one
// person registered twice, best first, with the reasons.
func runDuplicates(e *env, args []string) error {
	fs := newFlags(e, "duplicates")
	asJSON := fs.Bool("json", false, "print one JSON object per pair")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) != 0 {
		return usagef("takes no arguments")
	}
	dups := match.NewRecordIndex(match.DefaultConfig())
	return e.withWorkspace(func(s *session) error {
		enc := json.NewEncoder(e.stdout)
		pairs := dups.Pairs()
		likely := 0
		for _, m := range pairs {
			if m.Level == match.Likely {
				likely++
			}
			if err := printPair(e.stdout, s, enc, m, *asJSON); err != nil {
				return err
			}
		}
		if !*asJSON {
			fmt.Fprintf(e.stderr, "%s likely, %d possible\n", plural(likely, "pair"), len(pairs)-likely)
		}
		return nil
	}, dups)
}

// printPair writes one pair: a JSON object through enc, or a line to w.
func printPair(w io.Writer, s *session, enc *json.Encoder, m match.Match, asJSON bool) error {
	a, err := getRecord(s, m.A)
	if err != nil {
		return err
	}
	b, err := getRecord(s, m.B)
	if err != nil {
		return err
	}
	var reasons []string
	for _, r := range m.Reasons {
		reasons = append(reasons, r.Text)
	}
	if asJSON {
		type person struct {
			ID        string `json:"id"`
			Household string `json:"household_id"`
			Name      string `json:"name"`
			BirthDate string `json:"birth_date"`
		}
		return enc.Encode(struct {
			Level   string   `json:"level"`
			Score   float64  `json:"score"`
			A       person   `json:"a"`
			B       person   `json:"b"`
			Reasons []string `json:"reasons"`
		}{m.Level.String(), m.Score,
			person{a.ID.String(), a.Value(registry.FieldHouseholdID), personName(a), a.Value(registry.FieldBirthDate)},
			person{b.ID.String(), b.Value(registry.FieldHouseholdID), personName(b), b.Value(registry.FieldBirthDate)},
			reasons})
	}
	_, err = fmt.Fprintf(w, "%s\t%.1f\t%s %s (%s)\t%s %s (%s)\t%s\n", m.Level, m.Score,
		a.ID, personName(a), birthYear(a), b.ID, personName(b), birthYear(b), strings.Join(reasons, "; "))
	return err
}

// runDuplicatesDismiss records that two persons are not one: the pair is
// never listed again, on this device or, after sync, anywhere.
func runDuplicatesDismiss(e *env, args []string) error {
	ids, err := twoPersonIDs(e, "duplicates dismiss", args)
	if err != nil {
		return err
	}
	return e.withWorkspace(func(s *session) error {
		d, err := ops.Dismiss(s.ws, ids[0], ids[1])
		if err != nil {
			return supervisorsOnly(s, err, "only supervisors and admins judge duplicates")
		}
		if d.Already {
			fmt.Fprintf(e.stdout, "%s and %s were already marked as different persons\n", ids[0], ids[1])
			return nil
		}
		fmt.Fprintf(e.stdout, "marked %s and %s as different persons\n", ids[0], ids[1])
		return nil
	})
}

// runDuplicatesMerge merges the second person into the first: the second is
// marked merged into the first and deleted, keeping its whole history, and
// the first gains the fields only the second had. Both are changes that sync.
func runDuplicatesMerge(e *env, args []string) error {
	ids, err := twoPersonIDs(e, "duplicates merge", args)
	if err != nil {
		return err
	}
	keepID, goneID := ids[0], ids[1]
	return e.withWorkspace(func(s *session) error {
		m, err := ops.Merge(s.ws, keepID, goneID)
		if err != nil {
			return supervisorsOnly(s, err, "only supervisors and admins merge duplicates")
		}
		fmt.Fprintf(e.stdout, "merged %s into %s (%s copied)\n", goneID, keepID, plural(m.Copied, "field"))
		return nil
	})
}

func twoPersonIDs(e *env, name string, args []string) ([2]uuid.UUID, error) {
	var ids [2]uuid.UUID
	fs := newFlags(e, name)
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return ids, err
	}
	if len(args) != 2 {
		return ids, usagef("want two person ids")
	}
	for i, a := range args {
		if ids[i], err = parseID(a); err != nil {
			return ids, err
		}
	}
	if ids[0] == ids[1] {
		return ids, usagef("the two ids are the same person")
	}
	return ids, nil
}

// supervisorsOnly words an operation's refusal for the command line: who
// may do it, and how to keep a household's head.
func supervisorsOnly(s *session, err error, why string) error {
	var head *ops.HeadError
	switch {
	case errors.Is(err, ops.ErrRole):
		return fmt.Errorf("%s; you are %s, an enumerator", why, s.ws.User())
	case errors.As(err, &head):
		return headHint(head)
	}
	return err
}

// addedDuplicates notes the persons a command stores (register, import) and,
// once it is done, reports those likely registered already, with the same
// scoring as `fieldctl duplicates` and HQ. Its RecordIndex must be handed
// to the workspace the command opens.
type addedDuplicates struct {
	idx     *match.RecordIndex
	persons []uuid.UUID
}

func newAddedDuplicates() *addedDuplicates {
	return &addedDuplicates{idx: match.NewRecordIndex(match.DefaultConfig())}
}

// note takes the persons a household stored; records left as they were (a
// file run again) are not new.
func (d *addedDuplicates) note(p planned) {
	for _, rp := range p.records {
		if rp.Edit.Kind == registry.KindPerson && rp.Outcome != ops.Unchanged {
			d.persons = append(d.persons, rp.Edit.Record)
		}
	}
}

// report lists each likely duplicate of a person added, each pair once:
// lines on stderr, or with asJSON the objects of `fieldctl duplicates
// --json` on stdout, after the records stored.
func (d *addedDuplicates) report(e *env, s *session, asJSON bool) error {
	enc := json.NewEncoder(e.stdout)
	seen := make(map[[2]uuid.UUID]bool)
	found := 0
	for _, id := range d.persons {
		rec, err := s.ws.Get(id)
		if err != nil || rec.Deleted() {
			continue // stored, then deleted or merged by a later row
		}
		var household registry.Record
		if hid, err := uuid.Parse(rec.Value(registry.FieldHouseholdID)); err == nil {
			household, _ = s.ws.Get(hid) // unknown: the index knows its members
		}
		for _, m := range d.idx.Candidates(rec, household, maxAddedDuplicates) {
			k := [2]uuid.UUID{m.A, m.B}
			if string(m.B[:]) < string(m.A[:]) {
				k = [2]uuid.UUID{m.B, m.A}
			}
			if m.Level != match.Likely || seen[k] {
				continue
			}
			seen[k] = true
			found++
			if !asJSON {
				fmt.Fprint(e.stderr, "fieldctl: likely duplicate: ")
			}
			if err := printPair(e.stderr, s, enc, m, asJSON); err != nil {
				return err
			}
		}
	}
	if found > 0 && !asJSON {
		fmt.Fprintf(e.stderr, "%s with the persons added: see fieldctl duplicates\n", plural(found, "likely duplicate pair"))
	}
	return nil
}

// maxAddedDuplicates bounds the candidates reported for one person added.
const maxAddedDuplicates = 3

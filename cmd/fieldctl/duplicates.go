package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"fieldreg/registry"
	"fieldreg/registry/match"
	"fieldreg/store"
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
			if err := printPair(e, s, enc, m, *asJSON); err != nil {
				return err
			}
		}
		if !*asJSON {
			fmt.Fprintf(e.stderr, "%s likely, %d possible\n", plural(likely, "pair"), len(pairs)-likely)
		}
		return nil
	}, dups)
}

func printPair(e *env, s *session, enc *json.Encoder, m match.Match, asJSON bool) error {
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
			person{a.ID.String(), a.Value("household_id"), personName(a), a.Value("birth_date")},
			person{b.ID.String(), b.Value("household_id"), personName(b), b.Value("birth_date")},
			reasons})
	}
	_, err = fmt.Fprintf(e.stdout, "%s\t%.1f\t%s %s (%s)\t%s %s (%s)\t%s\n", m.Level, m.Score,
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
		if err := requireSupervisor(s, "only supervisors and admins judge duplicates"); err != nil {
			return err
		}
		a, err := getPerson(s, ids[0])
		if err != nil {
			return err
		}
		if _, err := getPerson(s, ids[1]); err != nil {
			return err
		}
		distinct := strings.Fields(a.Value(registry.FieldNotDuplicate))
		if slices.Contains(distinct, ids[1].String()) {
			fmt.Fprintf(e.stdout, "%s and %s were already marked as different persons\n", ids[0], ids[1])
			return nil
		}
		distinct = append(distinct, ids[1].String())
		_, err = s.ws.Commit(store.Edit{Record: a.ID, Kind: registry.KindPerson,
			Set: map[string]string{registry.FieldNotDuplicate: strings.Join(distinct, " ")}})
		if err != nil {
			return fmt.Errorf("mark %s and %s as different persons: %w", ids[0], ids[1], err)
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
		if err := requireSupervisor(s, "only supervisors and admins merge duplicates"); err != nil {
			return err
		}
		keep, err := getPerson(s, keepID)
		if err != nil {
			return err
		}
		gone, err := getPerson(s, goneID)
		if err != nil {
			return err
		}
		if err := checkHeadDelete(s, gone); err != nil {
			return err
		}
		fill := map[string]string{}
		for name, v := range gone.Values() {
			if strings.HasPrefix(name, "_") || name == "household_id" || name == "relationship" {
				continue // the kept person's household and place in it stand
			}
			if keep.Value(name) == "" {
				fill[name] = v
			}
		}
		edits := []store.Edit{{Record: goneID, Kind: registry.KindPerson, Set: map[string]string{
			registry.FieldMergedInto: keepID.String(), "_deleted": "true"}}}
		if len(fill) > 0 {
			edits = append(edits, store.Edit{Record: keepID, Kind: registry.KindPerson, Set: fill})
		}
		if _, err := s.ws.Commit(edits...); err != nil {
			return fmt.Errorf("merge %s into %s: %w", goneID, keepID, err)
		}
		fmt.Fprintf(e.stdout, "merged %s into %s (%s copied)\n", goneID, keepID, plural(len(fill), "field"))
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

func getPerson(s *session, id uuid.UUID) (registry.Record, error) {
	rec, err := getRecord(s, id)
	if err == nil && rec.Kind != registry.KindPerson {
		err = fmt.Errorf("record %s is a %s, not a person", id, rec.Kind)
	}
	return rec, err
}

func requireSupervisor(s *session, why string) error {
	if s.ws.Role() == store.RoleEnumerator {
		return fmt.Errorf("%s; you are %s, an enumerator", why, s.ws.User())
	}
	return nil
}

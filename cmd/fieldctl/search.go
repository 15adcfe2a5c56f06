package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"fieldreg/registry"
)

// defaultSearchLimit is how many hits fit a terminal screen.
const defaultSearchLimit = 20

func runSearch(e *env, args []string) error {
	fs := newFlags(e, "search")
	limit := fs.Int("limit", defaultSearchLimit, "at most `N` hits")
	asJSON := fs.Bool("json", false, "print one JSON object per hit")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	// Several words need no quotes: search Amina Hassan.
	query := strings.TrimSpace(strings.Join(args, " "))
	if query == "" {
		return usagef("want a name to search for")
	}
	if *limit < 1 {
		return usagef("--limit must be at least 1")
	}
	return e.withWorkspace(func(s *session) error {
		enc := json.NewEncoder(e.stdout)
		hits := s.ws.Search(query, *limit)
		var persons []uuid.UUID
		for _, hit := range hits {
			if hit.Kind == registry.KindPerson {
				persons = append(persons, hit.ID)
			}
		}
		if err := s.ws.AuditRead("search", persons); err != nil {
			return fmt.Errorf("search: %w", err)
		}
		for _, hit := range hits {
			rec, err := s.ws.Get(hit.ID)
			if err != nil {
				return fmt.Errorf("read record %s: %w", hit.ID, err)
			}
			name, err := recordName(s, rec)
			if err != nil {
				return err
			}
			if *asJSON {
				err = enc.Encode(struct {
					ID    string  `json:"id"`
					Kind  string  `json:"kind"`
					Name  string  `json:"name"`
					Score float64 `json:"score"`
				}{hit.ID.String(), hit.Kind, name, hit.Score})
			} else {
				_, err = fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", hit.ID, hit.Kind, name)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

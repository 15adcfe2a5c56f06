package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"fieldreg/registry"
)

// listItem is one line of list: enough to recognize a record and find it
// again with show, and no personal detail unless --names asks for it.
type listItem struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	Household string `json:"household_id,omitempty"`
	Site      string `json:"site,omitempty"`
	Members   *int   `json:"members,omitempty"`
	Sex       string `json:"sex,omitempty"`
	BirthYear string `json:"birth_year,omitempty"`
	Date      string `json:"date,omitempty"`
	Name      string `json:"name,omitempty"`
}

func runList(e *env, args []string) error {
	fs := newFlags(e, "list")
	kind := fs.String("kind", "", "only records of this kind (household, person, assessment)")
	names := fs.Bool("names", false, "add names: a person's, a household head's")
	asJSON := fs.Bool("json", false, "print one JSON object per line")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef("unexpected argument")
	}
	return e.withWorkspace(func(s *session) error {
		kinds := s.forms.Kinds()
		// Households first: the order people read a registry in.
		order := []string{registry.KindHousehold, registry.KindPerson, registry.KindAssessment}
		for _, k := range kinds {
			if !slices.Contains(order, k) {
				order = append(order, k)
			}
		}
		if *kind != "" {
			if !slices.Contains(kinds, *kind) {
				return usagef("unknown kind %q (want %s)", *kind, strings.Join(kinds, ", "))
			}
			order = []string{*kind}
		}
		if (*asJSON || *names) && slices.Contains(order, registry.KindPerson) {
			if err := s.ws.AuditRead("list", s.ws.IDs(registry.KindPerson)); err != nil {
				return fmt.Errorf("list: %w", err)
			}
		}
		enc := json.NewEncoder(e.stdout)
		for _, k := range order {
			err := s.ws.Each(k, func(r registry.Record) error {
				item, err := listItemOf(s, r, *names)
				if err != nil {
					return err
				}
				if *asJSON {
					return enc.Encode(item)
				}
				_, err = fmt.Fprintln(e.stdout, item.line())
				return err
			})
			if err != nil {
				return fmt.Errorf("list %s records: %w", k, err)
			}
		}
		return nil
	})
}

func listItemOf(s *session, r registry.Record, withNames bool) (listItem, error) {
	item := listItem{ID: r.ID.String(), Kind: r.Kind}
	switch r.Kind {
	case registry.KindHousehold:
		item.Site = r.Value(registry.FieldSite)
		n := len(s.ws.Members(r.ID))
		item.Members = &n
	case registry.KindPerson:
		item.Household = r.Value(registry.FieldHouseholdID)
		item.Sex = r.Value(registry.FieldSex)
		item.BirthYear = birthYear(r)
	case registry.KindAssessment:
		item.Household = r.Value(registry.FieldHouseholdID)
		item.Date = r.Value(registry.FieldDate)
	}
	if withNames {
		name, err := recordName(s, r)
		if err != nil {
			return item, err
		}
		item.Name = name
	}
	return item, nil
}

// line is the tab-separated form of an item, for people and for cut and awk.
func (it listItem) line() string {
	cols := []string{it.ID, it.Kind}
	switch it.Kind {
	case registry.KindHousehold:
		cols = append(cols, orDash(it.Site), plural(*it.Members, "member"))
	case registry.KindPerson:
		cols = append(cols, orDash(it.Household), orDash(it.Sex), orDash(it.BirthYear))
	case registry.KindAssessment:
		cols = append(cols, orDash(it.Household), orDash(it.Date))
	}
	if it.Name != "" {
		cols = append(cols, it.Name)
	}
	return strings.Join(cols, "\t")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

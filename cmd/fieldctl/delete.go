package main

import (
	"fmt"

	"github.com/google/uuid"

	"fieldreg/registry"
)

func runDelete(e *env, args []string) error {
	fs := newFlags(e, "delete")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usagef("want one record id")
	}
	id, err := parseID(args[0])
	if err != nil {
		return err
	}
	return e.withWorkspace(func(s *session) error {
		rec, err := getRecord(s, id)
		if err != nil {
			return err
		}
		if err := checkHeadDelete(s, rec); err != nil {
			return err
		}
		nMembers, nAssessments := len(s.ws.Members(id)), len(s.ws.Assessments(id))
		if _, err := s.ws.Delete(id); err != nil {
			return fmt.Errorf("delete %s %s: %w", rec.Kind, id, roleHint(err, "only supervisors and admins delete records"))
		}
		if rec.Kind == registry.KindHousehold {
			fmt.Fprintf(e.stdout, "deleted household %s with %s and %s\n", id, plural(nMembers, "member"), plural(nAssessments, "assessment"))
			return nil
		}
		fmt.Fprintf(e.stdout, "deleted %s %s\n", rec.Kind, id)
		return nil
	})
}

// checkHeadDelete keeps a household from losing its head while others
// remain: exactly one head is a rule register and edit keep too.
func checkHeadDelete(s *session, person registry.Record) error {
	if person.Kind != registry.KindPerson || person.Value("relationship") != "head" {
		return nil
	}
	hid, err := uuid.Parse(person.Value("household_id"))
	if err != nil {
		return nil
	}
	for _, m := range s.ws.Members(hid) {
		if m != person.ID {
			return fmt.Errorf("person %s is the head of household %s, which has other members: make one of them head first, in one command: fieldctl edit NEW_HEAD relationship=head %s relationship=other_relative", person.ID, hid, person.ID)
		}
	}
	return nil
}

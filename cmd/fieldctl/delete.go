package main

import (
	"errors"
	"flag"
	"fmt"

	"github.com/google/uuid"

	"fieldreg/ops"
	"fieldreg/registry"
)

func runDelete(e *env, args []string) error {
	fs := newFlags(e, "delete")
	id, err := oneID(e, fs, args)
	if err != nil {
		return err
	}
	return e.withWorkspace(func(s *session) error {
		d, err := ops.Delete(s.ws, id)
		var head *ops.HeadError
		switch {
		case errors.As(err, &head):
			return headHint(head)
		case err != nil:
			return roleHint(err, "only supervisors and admins delete records")
		}
		if d.Kind == registry.KindHousehold {
			fmt.Fprintf(e.stdout, "deleted household %s with %s and %s\n", id, plural(d.Members, "member"), plural(d.Assessments, "assessment"))
			return nil
		}
		fmt.Fprintf(e.stdout, "deleted %s %s\n", d.Kind, id)
		return nil
	})
}

// headHint says how to change a household's head: both edits in one
// command, as a household has exactly one head at every commit.
func headHint(head *ops.HeadError) error {
	return fmt.Errorf("%w: make one of them head first, in one command: fieldctl edit NEW_HEAD relationship=head %s relationship=other_relative", head, head.Person)
}

// oneID parses a command's flags and its one argument, a record id.
func oneID(e *env, fs *flag.FlagSet, args []string) (uuid.UUID, error) {
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return uuid.Nil, err
	}
	if len(args) != 1 {
		return uuid.Nil, usagef("want one record id")
	}
	return parseID(args[0])
}

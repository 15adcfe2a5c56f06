package main

import (
	"errors"
	"fmt"

	"fieldreg/ops"
	"fieldreg/registry"
)

// runErase erases a record on request: unlike delete, no value is kept,
// and the erasure syncs and bundles so that every replica erases it too.
func runErase(e *env, args []string) error {
	fs := newFlags(e, "erase")
	id, err := oneID(e, fs, args)
	if err != nil {
		return err
	}
	return e.withWorkspace(func(s *session) error {
		d, err := ops.Erase(s.ws, id)
		var head *ops.HeadError
		switch {
		case errors.As(err, &head):
			return headHint(head)
		case err != nil:
			return roleHint(err, "only supervisors and admins erase records")
		}
		if d.Kind == registry.KindHousehold {
			fmt.Fprintf(e.stdout, "erased household %s with %s (its members and assessments)\n", id, plural(d.Records-1, "other record"))
			return nil
		}
		fmt.Fprintf(e.stdout, "erased %s %s\n", d.Kind, id)
		return nil
	})
}

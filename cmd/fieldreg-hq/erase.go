package main

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"fieldreg/hq"
	"fieldreg/registry"
)

// runErase erases a record on request at HQ; the erasure reaches every
// device that may hold the record at its next sync.
func runErase(ctx context.Context, e *env, args []string) error {
	args, err := parseFlags(e, newFlags(e, "erase"), args)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usagef("give one record ID")
	}
	id, err := uuid.Parse(args[0])
	if err != nil {
		return usagef("%q is not a record id", args[0])
	}
	d, err := withAdmin(e, func(a hq.Admin) (hq.Erasure, error) { return a.Erase(ctx, id) })
	if err != nil {
		return err
	}
	if d.Records == 0 {
		fmt.Fprintf(e.stdout, "%s %s was erased already\n", d.Kind, id)
		return nil
	}
	if d.Kind == registry.KindHousehold {
		fmt.Fprintf(e.stdout, "erased household %s with %d other records (its members and assessments); devices erase it at their next sync\n", id, d.Records-1)
		return nil
	}
	fmt.Fprintf(e.stdout, "erased %s %s; devices erase it at their next sync\n", d.Kind, id)
	return nil
}

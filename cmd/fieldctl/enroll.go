package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fieldreg/sync/client"
)

// enrollTimeout bounds enrollment: a person is waiting at the screen.
const enrollTimeout = 2 * time.Minute

func runEnroll(e *env, args []string) error {
	fs := newFlags(e, "enroll")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usagef("give the enrollment code HQ printed")
	}
	code := args[0]
	return e.withWorkspace(func(s *session) error {
		ctx, cancel := context.WithTimeout(context.Background(), enrollTimeout)
		defer cancel()
		enr, err := client.Enroll(ctx, s.ws, code)
		if err != nil {
			return fmt.Errorf("%w (%s)", err, e.explain(err))
		}
		fmt.Fprintf(e.stdout, "enrolled with HQ at %s as device %s, team %q, sites %s\n",
			enr.HQAddr, enr.Device, enr.Team, strings.Join(enr.Sites, ","))
		return nil
	})
}

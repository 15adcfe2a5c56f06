package main

import (
	"fmt"
)

func runVerify(e *env, args []string) error {
	fs := newFlags(e, "verify")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef("unexpected argument")
	}
	e.listsDamage = true // the report names them
	return e.withWorkspace(func(s *session) error {
		// The report lists the problems; the error only says there are some,
		// unless verification could not run at all.
		report, err := s.ws.Verify()
		if err != nil && len(report.Problems) == 0 {
			return err
		}
		fmt.Fprintf(e.stdout, "%s, %s, %s\n", plural(report.Records, "record"), plural(report.Changes, "change"), plural(report.AuditEntries, "audit entry"))
		for _, p := range report.Problems {
			fmt.Fprintf(e.stdout, "problem: %s\n", p)
		}
		// Own changes that could not be read went to HQ as placeholders:
		// said apart, since sync no longer waits on them.
		setAside, err := s.ws.SetAside()
		if err != nil {
			fmt.Fprintf(e.stdout, "problem: %v\n", err)
		}
		for _, sa := range setAside {
			fmt.Fprintf(e.stdout, "set aside: %s\n", sa)
		}
		if len(report.Problems) > 0 {
			return fmt.Errorf("verify found %s: the workspace is damaged or was tampered with", plural(len(report.Problems), "problem"))
		}
		fmt.Fprintln(e.stdout, "ok")
		return nil
	})
}

package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"fieldreg/hq"
)

// runPulled prints what HQ gave a device: each audited pull, then every
// record it received, once. After a theft this is the list of households
// and persons whose data was on the tablet.
func runPulled(_ context.Context, e *env, args []string) error {
	args, err := parseFlags(e, newFlags(e, "pulled"), args)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usagef("give one DEVICE (name or id)")
	}
	pulls, err := withAdmin(e, func(a hq.Admin) ([]hq.Pull, error) { return a.Pulled(args[0]) })
	if err != nil {
		return err
	}
	if len(pulls) == 0 {
		fmt.Fprintf(e.stdout, "HQ gave device %q nothing\n", args[0])
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tVIA\tCHANGES\tRECORDS")
	for _, p := range pulls {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\n", p.Time.UTC().Format("2006-01-02 15:04:05Z"), p.Via, p.Changes, len(p.Records))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	records := hq.PulledRecords(pulls)
	fmt.Fprintf(e.stdout, "records received (%d):\n", len(records))
	for _, id := range records {
		fmt.Fprintln(e.stdout, id)
	}
	return nil
}

package main

import (
	"context"
	"fmt"

	"fieldreg/hq"
)

// runAnchorReset makes HQ accept a device's lower audit anchor once: after
// a tablet was restored from its own backup, HQ refuses it as rolled back
// until an operator who has it in hand says why it is so.
func runAnchorReset(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "anchor reset")
	reason := fs.String("reason", "", "why the device's workspace went back (it goes in the audit log)")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usagef("give one DEVICE (name or id)")
	}
	if *reason == "" {
		return usagef("--reason is required: say why the device's workspace went back")
	}
	d, err := withAdmin(e, func(a hq.Admin) (hq.Device, error) { return a.ResetAnchor(ctx, args[0], *reason) })
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "device %q (%s): HQ forgot its audit anchor; its next sync or bundle sets a new one\n", d.Name, d.ID)
	return nil
}

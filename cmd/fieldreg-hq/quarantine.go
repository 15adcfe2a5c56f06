package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"fieldreg/hq"
	"fieldreg/sync/wire"
)

// The quarantine commands: what HQ holds, and a supervisor's release or
// drop of it once the cause is known. Both act on the whole unit a change
// was held with (a household and its members pushed together).

func runQuarantine(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "quarantine")
	asJSON := fs.Bool("json", false, "print one JSON object per held change")
	if err := noArgs(e, fs, args); err != nil {
		return err
	}
	held, err := withAdmin(e, hq.Admin.Quarantine)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		for _, h := range held {
			if err := enc.Encode(h); err != nil {
				return err
			}
		}
		return nil
	}
	if len(held) == 0 {
		fmt.Fprintln(e.stdout, "no changes held")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tWITH\tHELD SINCE\tDEVICE\tCHANGE\tKIND\tRECORD\tFIELDS\tWHY")
	for _, h := range held {
		with := "-"
		if h.Unit != 0 && h.Unit != h.ID {
			with = strconv.FormatUint(h.Unit, 10)
		}
		device := h.Device
		if device == "" {
			device = h.Replica.String()
		}
		why := h.Reason
		if h.Code == wire.CodeClockAhead {
			why = "device clock ahead of HQ's: " + why
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t#%d\t%s\t%s\t%s\t%s\n", h.ID, with, h.Time.UTC().Format("2006-01-02 15:04Z"),
			device, h.DeviceSeq, h.Kind, h.Record, strings.Join(h.Fields, ","), oneLine(why))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d held; release or drop one by ID (changes held WITH another go with it)\n", len(held))
	return nil
}

func runQuarantineRelease(ctx context.Context, e *env, args []string) error {
	return quarantineAct(ctx, e, "quarantine release", args, hq.Admin.ReleaseQuarantine, func(a hq.QuarantineAction) string {
		return fmt.Sprintf("released %s; %d now stored at HQ, the devices are told at their next sync", plural(len(a.Changes), "change"), a.Stored)
	})
}

func runQuarantineDrop(ctx context.Context, e *env, args []string) error {
	return quarantineAct(ctx, e, "quarantine drop", args, hq.Admin.DropQuarantine, func(a hq.QuarantineAction) string {
		return fmt.Sprintf("dropped %s for good; the devices are told at their next sync", plural(len(a.Changes), "change"))
	})
}

// quarantineAct runs release or drop on the one ID its command line names.
func quarantineAct(ctx context.Context, e *env, name string, args []string,
	act func(hq.Admin, context.Context, uint64) (hq.QuarantineAction, error), done func(hq.QuarantineAction) string) error {
	args, err := parseFlags(e, newFlags(e, name), args)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return usagef("give one ID (from fieldreg-hq quarantine)")
	}
	id, err := strconv.ParseUint(args[0], 10, 64)
	if err != nil || id == 0 {
		return usagef("%q is not an ID from fieldreg-hq quarantine", args[0])
	}
	res, err := withAdmin(e, func(a hq.Admin) (hq.QuarantineAction, error) { return act(a, ctx, id) })
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, done(res))
	return nil
}

// oneLine keeps a table row on one line whatever a reason holds.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

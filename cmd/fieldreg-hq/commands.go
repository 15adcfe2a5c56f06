package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"fieldreg/hq"
	"fieldreg/internal/cli"
	"fieldreg/store"
)

// Exit codes, shared with fieldctl (internal/cli).
const (
	exitOK              = cli.ExitOK
	exitFailure         = cli.ExitFailure
	exitUsage           = cli.ExitUsage
	exitWrongPassphrase = cli.ExitWrongPassphrase
	exitInUse           = cli.ExitInUse
)

// command is one fieldreg-hq command; adding one is its function plus one
// line in commandTable.
type command struct {
	name    string // one or two words: "devices", "bundle import"
	args    string // what follows the name on the usage line
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

// commandTable lists every command in the order the usage shows them.
func commandTable() []command {
	return []command{
		{"init", "[--addr HOST:PORT] [--hosts H1,H2] [--db postgres://…]", "create HQ: its encrypted store (a file, or a PostgreSQL database), CA and keys", runInit},
		{"serve", "[--addr HOST:PORT] [--analytics [--analytics-persons]]", "serve devices, and admin commands on DIR/admin.sock", runServe},
		{"enroll", "--device NAME --sites S1,S2 [--team T] [--qr F.png] [--addr HOST:PORT] [--ttl 168h]", "print a one-time code a device enrolls with", runEnroll},
		{"devices", "", "list enrolled devices and their state", runDevices},
		{"revoke", "DEVICE", "refuse every later request of a device (name or id)", runRevoke},
		{"unrevoke", "DEVICE", "serve a revoked device again (a wipe order stays)", runUnrevoke},
		{"scope", "DEVICE --sites S1,S2", "change the sites a device receives: at its next sync it removes what left them and receives what entered, whole", runScope},
		{"anchor reset", "DEVICE --reason TEXT", "accept a device's older audit log once (it was restored from its own backup): its next sync or bundle sets a new anchor", runAnchorReset},
		{"wipe", "DEVICE", "order a device to crypto-erase its workspace at its next contact (revoked or not)", runWipe},
		{"conflicts", "", "list fields with concurrent values", runConflicts},
		{"duplicates", "[--json]", "list persons likely or possibly registered twice, over every device", runDuplicates},
		{"export", "--format csv|hxl|json|aggregate|xlsx [--kind K] [--labels] [--bom=false] [--min-cell N] --out F", "export every household (aggregate: counts by sex and age per location)", runExport},
		{"bundle import", "F", "store the changes of a device's bundle file", runBundleImport},
		{"bundle export", "--device D --out F", "write a return bundle for a device", runBundleExport},
		{"quarantine", "[--json]", "list the pushed changes HQ holds for a supervisor, with why", runQuarantine},
		{"quarantine release", "ID", "check a held change and those held with it again, and store them if they pass now", runQuarantineRelease},
		{"quarantine drop", "ID", "discard a held change and those held with it for good", runQuarantineDrop},
		{"pulled", "DEVICE", "list what HQ gave a device in its pulls (record ids, not values): after a theft, whose records it held", runPulled},
		{"erase", "ID", "erase a record on request (a household with its members): no value kept at HQ, and devices erase it at their next sync", runErase},
		{"form publish", "F.json", "publish a form version: devices receive it at their next sync and register under it", runFormPublish},
		{"form list", "[--json]", "list the form versions HQ holds, built in and published", runFormList},
		{"stats", "", "print counts of the store and of the running server", runStats},
		{"migrate", "--to postgres://…", "move a stopped HQ's store from its file to an empty PostgreSQL database, checked bucket by bucket (the file is kept)", runMigrate},
		{"version", "", "print fieldreg-hq's version and the revision it was built from", runVersion},
	}
}

func run(ctx context.Context, e *env, args []string) int {
	err := dispatch(ctx, e, args)
	if err != nil {
		fmt.Fprintln(e.stderr, errorLine(err))
	}
	return exitCode(err)
}

func exitCode(err error) int {
	if errors.Is(err, hq.ErrInvalidRequest) {
		return exitUsage
	}
	return cli.ExitCode(err)
}

// errorLine is the one line printed on stderr for err.
func errorLine(err error) string {
	msg := err.Error()
	switch {
	case errors.Is(err, store.ErrWrongPassphrase):
		msg = store.ErrWrongPassphrase.Error()
	case errors.Is(err, store.ErrInUse):
		msg = "HQ's data is in use by another process (a server not answering on its admin socket?)"
	}
	return cli.ErrorLine("fieldreg-hq", msg)
}

func usagef(format string, args ...any) error { return cli.Usagef(format, args...) }

func dispatch(ctx context.Context, e *env, args []string) error {
	global := cli.NewFlags("fieldreg-hq")
	e.addGlobalFlags(global)
	showVersion := global.Bool("version", false, "")
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(e.stdout)
			return nil
		}
		return usagef("%v (see fieldreg-hq help)", err)
	}
	args = global.Args()
	if *showVersion {
		return runVersion(ctx, e, args)
	}
	if len(args) == 0 {
		return usagef("no command given (see fieldreg-hq help)")
	}
	if args[0] == "help" {
		return help(ctx, e, args[1:])
	}
	c, rest, err := findCommand(args)
	if err != nil {
		return err
	}
	err = c.run(ctx, e, rest)
	var usage cli.UsageError
	if errors.As(err, &usage) && !usage.NoUsageLine {
		return usagef("%s: %v (usage: %s)", c.name, usage.Msg, usageLine(c))
	}
	if errors.Is(err, cli.ErrHelpShown) {
		return nil
	}
	return err
}

// findCommand matches the command named by the first one or two words.
func findCommand(args []string) (command, []string, error) {
	table := commandTable()
	if len(args) >= 2 {
		for _, c := range table {
			if c.name == args[0]+" "+args[1] {
				return c, args[2:], nil
			}
		}
	}
	for _, c := range table {
		if c.name == args[0] {
			return c, args[1:], nil
		}
	}
	var subs []string
	for _, c := range table {
		if sub, ok := strings.CutPrefix(c.name, args[0]+" "); ok {
			subs = append(subs, sub)
		}
	}
	if len(subs) > 0 {
		return command{}, nil, usagef("%s needs one of: %s (see fieldreg-hq help)", args[0], strings.Join(subs, ", "))
	}
	return command{}, nil, usagef("unknown command %q (see fieldreg-hq help)", args[0])
}

func help(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		printUsage(e.stdout)
		return nil
	}
	c, _, err := findCommand(args)
	if err != nil {
		return err
	}
	// A command prints its flags when asked for help.
	if err := c.run(ctx, e, []string{"-help"}); !errors.Is(err, cli.ErrHelpShown) {
		return err
	}
	return nil
}

func usageLine(c command) string {
	return strings.TrimSpace("fieldreg-hq " + c.name + " " + c.args)
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `usage: fieldreg-hq [--data DIR] [--passphrase-file F] COMMAND [ARGS]

Commands:
`)
	for _, c := range commandTable() {
		fmt.Fprintf(w, "  %s\n        %s\n", strings.TrimPrefix(usageLine(c), "fieldreg-hq "), c.summary)
	}
	fmt.Fprint(w, `  help [COMMAND]
        show this, or a command's options

The passphrase comes from FIELDREG_PASSPHRASE, --passphrase-file or a prompt.
The data directory is --data, else FIELDREG_HQ_DATA, else fieldreg-hq-data.
Admin commands go to the running server when there is one, else open DIR.

Exit codes: 0 success, 1 failure, 2 usage, 3 wrong passphrase, 4 data in use.
`)
}

// newFlags returns the flag set of a command, with the global options
// registered too so they may follow the command name.
func newFlags(e *env, name string) *flag.FlagSet {
	fs := cli.NewFlags(name)
	e.addGlobalFlags(fs)
	return fs
}

// parseFlags parses a command's flags wherever they stand among its
// arguments and returns the arguments; -h prints the command's help.
func parseFlags(e *env, fs *flag.FlagSet, args []string) ([]string, error) {
	return cli.ParseFlags(fs, args, func() { printCommandHelp(e.stdout, fs) })
}

func printCommandHelp(w io.Writer, fs *flag.FlagSet) {
	for _, c := range commandTable() {
		if c.name == fs.Name() {
			fmt.Fprintf(w, "usage: %s\n\n%s.\n\nOptions:\n", usageLine(c), c.summary)
		}
	}
	cli.PrintDefaults(w, fs)
}

// noArgs parses the flags of a command that takes no arguments.
func noArgs(e *env, fs *flag.FlagSet, args []string) error {
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	return nil
}

func runVersion(_ context.Context, e *env, args []string) error {
	if err := noArgs(e, newFlags(e, "version"), args); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, cli.Version("fieldreg-hq"))
	return nil
}

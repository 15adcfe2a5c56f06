package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"fieldreg/internal/cli"
)

// command is one fieldctl command. Each lives in a file of its own; adding a
// command is that file plus one line in commandTable.
type command struct {
	name    string // one or two words: "list", "user add"
	args    string // what follows the name on the usage line
	summary string
	run     func(e *env, args []string) error
}

// commandTable lists every command in the order the usage shows them.
func commandTable() []command {
	return []command{
		{"init", "[--kdf-time T] [--kdf-memory MiB] [--kdf-threads P]", "create a workspace and its first admin (--user)", runInit},
		{"user add", "NAME --role enumerator|supervisor|admin", "add a user (admins only)", runUserAdd},
		{"user passwd", "[NAME]", "change a user's passphrase (your own, or anyone's as admin)", runUserPasswd},
		{"user list", "", "list users and their roles", runUserList},
		{"user remove", "NAME", "remove a user and change the master key, so nothing they kept opens the workspace (admins only)", runUserRemove},
		{"register", "--file F.json [--update]", "register households with their members (JSON, the export's shape)", runRegister},
		{"import", "--csv F [--mapping M.json] [--encoding NAME] [--update]", "import a beneficiary list from CSV", runImport},
		{"list", "[--kind K] [--names] [--json]", "list records", runList},
		{"show", "ID [--json]", "show a record (a household with its members and assessments)", runShow},
		{"search", "QUERY [--limit N] [--json]", "search by name, best matches first", runSearch},
		{"edit", "ID FIELD=VALUE... [ID FIELD=VALUE...] [--resolve]", "change fields of records, all in one commit (--resolve settles their conflicts)", runEdit},
		{"delete", "ID", "delete a record; a household with its members (supervisors and admins)", runDelete},
		{"erase", "ID", "erase a record on request: no value kept, here or anywhere it syncs (supervisors and admins)", runErase},
		{"duplicates", "[--json]", "list persons likely or possibly registered twice, with scores and reasons", runDuplicates},
		{"duplicates dismiss", "ID1 ID2", "record that two persons are different people (supervisors and admins)", runDuplicatesDismiss},
		{"duplicates merge", "KEEP OTHER", "merge the person OTHER into KEEP; both histories stay (supervisors and admins)", runDuplicatesMerge},
		{"export", "--format csv|hxl|json|xlsx [--kind K] [--labels] [--bom=false] [--aggregate [--min-cell N]] --out F", "export records (person-level: supervisors and admins)", runExport},
		{"form import", "F.json", "store a form version in this workspace, for a device without HQ (admins only)", runFormImport},
		{"form list", "", "list the form versions this workspace holds, built in, imported and from HQ", runFormList},
		{"form show", "REF [--json]", "show a form version (id@version) and its questions", runFormShow},
		{"verify", "", "check every stored value and the audit chain", runVerify},
		{"enroll", "CODE", "connect this device to HQ with the code HQ printed", runEnroll},
		{"sync", "[--timeout D]", "send this device's changes to HQ and receive its sites' changes", runSync},
		{"bundle export", "--out F", "write the changes HQ has not received to a file, encrypted for HQ", runBundleExport},
		{"bundle import", "F", "apply a bundle file HQ wrote for this device", runBundleImport},
		{"wipe", "--yes", "crypto-erase the workspace: nothing can be recovered after", runWipe},
		{"version", "", "print fieldctl's version and the revision it was built from", runVersion},
	}
}

// run runs one command line and returns the process's exit code. Errors are
// printed as one line on stderr.
func run(e *env, args []string) int {
	if len(args) == 0 {
		printUsage(e.stderr)
		return exitUsage
	}
	err := dispatch(e, args)
	if err != nil {
		fmt.Fprintln(e.stderr, errorLine(err))
	}
	return exitCode(err)
}

func dispatch(e *env, args []string) error {
	global := flag.NewFlagSet("fieldctl", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	e.addGlobalFlags(global)
	showVersion := global.Bool("version", false, "")
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(e.stdout)
			return nil
		}
		return usagef("%v (see fieldctl help)", err)
	}
	args = global.Args()
	if *showVersion {
		return runVersion(e, args)
	}
	if len(args) == 0 {
		return usagef("no command given (see fieldctl help)")
	}
	if args[0] == "help" {
		return help(e, args[1:])
	}
	c, rest, ok := findCommand(args)
	if !ok {
		if subs := subcommands(args[0]); len(subs) > 0 {
			return usagef("%s needs one of: %s (see fieldctl help)", args[0], strings.Join(subs, ", "))
		}
		return usagef("unknown command %q (see fieldctl help)", args[0])
	}
	err := c.run(e, rest)
	var usage cli.UsageError
	if errors.As(err, &usage) && !usage.NoUsageLine {
		return usagef("%s: %v (usage: %s)", c.name, usage.Msg, usageLine(c))
	}
	if errors.Is(err, errHelpShown) {
		return nil
	}
	return err
}

// findCommand matches the command named by the first one or two words.
func findCommand(args []string) (command, []string, bool) {
	table := commandTable()
	if len(args) >= 2 {
		for _, c := range table {
			if c.name == args[0]+" "+args[1] {
				return c, args[2:], true
			}
		}
	}
	for _, c := range table {
		if c.name == args[0] {
			return c, args[1:], true
		}
	}
	return command{}, nil, false
}

// subcommands lists the second words of the commands in a group such as
// "user": what to say when the second word is missing or wrong.
func subcommands(group string) []string {
	var out []string
	for _, c := range commandTable() {
		if sub, ok := strings.CutPrefix(c.name, group+" "); ok {
			out = append(out, sub)
		}
	}
	return out
}

func help(e *env, args []string) error {
	if len(args) == 0 {
		printUsage(e.stdout)
		return nil
	}
	c, _, ok := findCommand(args)
	if !ok {
		if subs := subcommands(args[0]); len(subs) > 0 {
			return usagef("%s needs one of: %s", args[0], strings.Join(subs, ", "))
		}
		return usagef("unknown command %q (see fieldctl help)", args[0])
	}
	// A command prints its flags when asked for help.
	err := c.run(e, []string{"-help"})
	if errors.Is(err, errHelpShown) {
		return nil
	}
	return err
}

func usageLine(c command) string {
	return strings.TrimSpace("fieldctl " + c.name + " " + c.args)
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `usage: fieldctl [--workspace DIR] [--user NAME] [--passphrase-file F] COMMAND [ARGS]

Commands:
`)
	for _, c := range commandTable() {
		fmt.Fprintf(w, "  %s\n        %s\n", strings.TrimPrefix(usageLine(c), "fieldctl "), c.summary)
	}
	fmt.Fprint(w, `  help [COMMAND]
        show this, or a command's options

The passphrase comes from FIELDREG_PASSPHRASE, --passphrase-file, or a prompt;
a new one (init, user add, user passwd) from FIELDREG_NEW_PASSPHRASE or a prompt.
The workspace is --workspace, else FIELDREG_WORKSPACE, else a per-user data directory;
the user is --user, else FIELDREG_USER, else admin.

Exit codes: 0 success, 1 failure, 2 usage, 3 wrong passphrase, 4 workspace in use.
`)
}

// errHelpShown reports that a command printed its help on request.
var errHelpShown = cli.ErrHelpShown

// newFlags returns the flag set of a command, with the global options
// registered too so they may follow the command name.
func newFlags(e *env, name string) *flag.FlagSet {
	fs := cli.NewFlags(name)
	e.addGlobalFlags(fs)
	return fs
}

// parseFlags parses a command's flags wherever they stand among its arguments
// ("show ID --json" as well as "show --json ID"), and returns the arguments.
// After "--" everything is an argument.
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

func runVersion(e *env, args []string) error {
	args, err := parseFlags(e, newFlags(e, "version"), args)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	fmt.Fprintln(e.stdout, cli.Version("fieldctl"))
	return nil
}

package cli

import (
	"errors"
	"flag"
	"io"
)

// ErrHelpShown reports that a command printed its help on request; the
// program then exits with ExitOK.
var ErrHelpShown = errors.New("help shown")

// NewFlags returns a command's flag set. It prints nothing itself: errors
// come back to the caller, and help is printed by ParseFlags.
func NewFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// ParseFlags parses a command's flags wherever they stand among its
// arguments ("show ID --json" as well as "show --json ID") and returns the
// arguments. After "--" everything is an argument. On -h or --help it calls
// help and returns ErrHelpShown; a flag it does not know is a UsageError.
func ParseFlags(fs *flag.FlagSet, args []string, help func()) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				help()
				return nil, ErrHelpShown
			}
			return nil, Usagef("%v", err)
		}
		rest := fs.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// PrintDefaults writes a flag set's options to w, then makes it silent again.
func PrintDefaults(w io.Writer, fs *flag.FlagSet) {
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

package main

import (
	"errors"

	"fieldreg/internal/cli"
	"fieldreg/store"
)

// Exit codes scripts branch on, shared with fieldreg-hq (internal/cli).
const (
	exitOK              = cli.ExitOK
	exitFailure         = cli.ExitFailure
	exitUsage           = cli.ExitUsage
	exitWrongPassphrase = cli.ExitWrongPassphrase
	exitInUse           = cli.ExitInUse
)

// usagef reports a command line that cannot be run as typed; the command's
// usage line is added to the message.
func usagef(format string, args ...any) error { return cli.Usagef(format, args...) }

// setupf reports a usage problem outside the command line itself, such as no
// way to read a passphrase.
func setupf(format string, args ...any) error { return cli.Setupf(format, args...) }

// exitCode maps an error to the exit code scripts branch on.
func exitCode(err error) int { return cli.ExitCode(err) }

// errorLine is the one line printed on stderr for err. The store's sentinels
// get a fixed wording scripts and people can recognize; everything else says
// what failed in its own words, on one line.
func errorLine(err error) string {
	msg := err.Error()
	switch {
	case errors.Is(err, store.ErrInUse):
		msg = store.ErrInUse.Error()
	case errors.Is(err, store.ErrWrongPassphrase):
		msg = store.ErrWrongPassphrase.Error()
	}
	return cli.ErrorLine("fieldctl", msg)
}

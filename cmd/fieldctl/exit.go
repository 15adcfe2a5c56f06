package main

import (
	"errors"
	"fmt"
	"strings"

	"fieldreg/store"
)

// Exit codes scripts branch on (DESIGN.md, "Interfaces people and scripts depend on").
const (
	exitOK              = 0
	exitFailure         = 1
	exitUsage           = 2
	exitWrongPassphrase = 3
	exitInUse           = 4
)

// usageError is a command line that cannot be run as typed.
type usageError struct {
	msg         string
	noUsageLine bool // the message says all; the command's usage line would be noise
}

func (e usageError) Error() string { return e.msg }

// usagef reports a command line that cannot be run as typed; the command's
// usage line is added to the message.
func usagef(format string, args ...any) error {
	return usageError{msg: fmt.Sprintf(format, args...)}
}

// setupf reports a usage problem outside the command line itself, such as no
// way to read a passphrase.
func setupf(format string, args ...any) error {
	return usageError{msg: fmt.Sprintf(format, args...), noUsageLine: true}
}

// exitCode maps an error to the exit code scripts branch on.
func exitCode(err error) int {
	var usage usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &usage):
		return exitUsage
	case errors.Is(err, store.ErrWrongPassphrase):
		return exitWrongPassphrase
	case errors.Is(err, store.ErrInUse):
		return exitInUse
	}
	return exitFailure
}

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
	var parts []string
	for _, line := range strings.Split(msg, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			parts = append(parts, line)
		}
	}
	return "fieldctl: " + strings.Join(parts, "; ")
}

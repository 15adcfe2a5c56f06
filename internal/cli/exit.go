package cli

import (
	"errors"
	"fmt"
	"strings"

	"fieldreg/store"
)

// Exit codes scripts branch on (DESIGN.md, "Interfaces people and scripts
// depend on"). Both programs use the same ones.
const (
	ExitOK              = 0
	ExitFailure         = 1
	ExitUsage           = 2
	ExitWrongPassphrase = 3
	ExitInUse           = 4
)

// UsageError is a command line that cannot be run as typed; it selects
// ExitUsage.
type UsageError struct {
	Msg string
	// NoUsageLine: the message says all; the command's usage line would be
	// noise (no way to read a passphrase, say).
	NoUsageLine bool
}

func (e UsageError) Error() string { return e.Msg }

// Usagef reports a command line that cannot be run as typed.
func Usagef(format string, args ...any) error {
	return UsageError{Msg: fmt.Sprintf(format, args...)}
}

// Setupf reports a usage problem outside the command line itself, such as
// no way to read a passphrase.
func Setupf(format string, args ...any) error {
	return UsageError{Msg: fmt.Sprintf(format, args...), NoUsageLine: true}
}

// IsUsage reports whether err is, or wraps, a UsageError.
func IsUsage(err error) bool {
	var u UsageError
	return errors.As(err, &u)
}

// ExitCode maps an error to the exit code scripts branch on.
func ExitCode(err error) int {
	switch {
	case err == nil:
		return ExitOK
	case IsUsage(err):
		return ExitUsage
	case errors.Is(err, store.ErrWrongPassphrase):
		return ExitWrongPassphrase
	case errors.Is(err, store.ErrInUse):
		return ExitInUse
	}
	return ExitFailure
}

// ErrorLine is the one line a program prints on stderr for an error
// message: "prog: " and msg with its lines trimmed and joined by "; ".
func ErrorLine(prog, msg string) string {
	var parts []string
	for _, line := range strings.Split(msg, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			parts = append(parts, line)
		}
	}
	return prog + ": " + strings.Join(parts, "; ")
}

// Command fieldctl is the headless Fieldreg client: it registers, searches,
// edits and exports households in an encrypted workspace from a terminal or a
// script, with no graphical toolkit (it builds with CGO_ENABLED=0).
//
// Passphrases are never taken from the command line, where other users of the
// machine and shell history would see them: they come from FIELDREG_PASSPHRASE,
// --passphrase-file or a prompt without echo. Errors are one line on stderr,
// and the exit code says what went wrong (see exitCode).
package main

import (
	"os"
	"time"
)

func main() {
	e := newEnv(os.Stdin, os.Stdout, os.Stderr, os.Getenv, time.Now)
	os.Exit(run(e, os.Args[1:]))
}

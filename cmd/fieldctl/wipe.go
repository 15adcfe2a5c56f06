package main

import (
	"fmt"
	"time"

	"fieldreg/store"
)

func runWipe(e *env, args []string) error {
	fs := newFlags(e, "wipe")
	yes := fs.Bool("yes", false, "really erase: without it, nothing happens")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef("unexpected argument")
	}
	if !*yes {
		return usagef("wipe erases every record for good: add --yes to do it")
	}
	dir, err := e.workspaceDir()
	if err != nil {
		return err
	}
	if !store.Exists(dir) {
		return noWorkspaceError(dir)
	}
	// No passphrase: at a checkpoint, erasing must not wait for one. Anyone
	// who can run this could delete the files anyway; the crypto-erase makes
	// sure copies of them are worthless too.
	took, err := store.Wipe(dir)
	if err != nil {
		return fmt.Errorf("wipe %s: %w", dir, err)
	}
	fmt.Fprintf(e.stdout, "workspace wiped in %s\n", roundDuration(took))
	return nil
}

// roundDuration shows a duration as a person reads it: "3 ms", "1.2 s".
func roundDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%d µs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

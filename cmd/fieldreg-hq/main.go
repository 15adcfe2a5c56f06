// Command fieldreg-hq runs Fieldreg's headquarters: the sync server devices
// reach, and the admin commands an operator uses while it runs.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, now: time.Now}
	os.Exit(run(ctx, e, os.Args[1:]))
}

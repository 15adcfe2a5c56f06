package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
)

// errInterrupted is returned by a bulk command stopped with Ctrl-C after it
// finished what it had started.
var errInterrupted = errors.New("interrupted")

// interruptible returns a context that Ctrl-C cancels, for the commands that
// write or read in bulk (register, import, export): they stop at the next
// household boundary, commit or clean up, and say how far they got, instead
// of dying halfway. Other commands are short and keep the default: Ctrl-C
// ends them at once.
func (e *env) interruptible() (context.Context, context.CancelFunc) {
	if e.interrupt != nil {
		return e.interrupt()
	}
	return signal.NotifyContext(context.Background(), os.Interrupt)
}

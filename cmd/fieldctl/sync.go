package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fieldreg/assets/i18n"
	"fieldreg/sync/client"
)

func runSync(e *env, args []string) error {
	fs := newFlags(e, "sync")
	timeout := fs.Duration("timeout", 30*time.Minute, "give up after this long without finishing (retries continue until then)")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	return e.withWorkspace(func(s *session) error {
		c, err := client.New(client.Config{Workspace: s.ws, Now: e.now})
		if err != nil {
			return err
		}
		ctx, stop := e.interruptible()
		defer stop()
		ctx, cancel := context.WithTimeout(ctx, *timeout)
		defer cancel()
		status := make(chan client.Status, 16)
		shown := make(chan struct{})
		go func() {
			defer close(shown)
			showSyncProgress(e, status)
		}()
		sum, err := c.Sync(ctx, status)
		close(status)
		<-shown
		if err != nil && !errors.Is(err, client.ErrWiped) {
			return fmt.Errorf("%w (%s)", err, e.explain(err))
		}
		if err != nil {
			return errors.New(e.explain(err))
		}
		for _, sa := range sum.SetAside {
			fmt.Fprintf(e.stdout, "%s; HQ was told (fieldctl verify lists it)\n", sa)
		}
		fmt.Fprintf(e.stdout, "sent %d, received %d, conflicts %d, time %s\n",
			sum.Sent, sum.Received, sum.Conflicts, sum.Duration.Round(100*time.Millisecond))
		if sum.Forms > 0 {
			fmt.Fprintf(e.stdout, "received %s from HQ (fieldctl form list shows them)\n", plural(sum.Forms, "form version"))
		}
		for _, f := range sum.FormsRefused {
			fmt.Fprintf(e.stderr, "fieldctl: warning: form %s from HQ not stored\n", f)
		}
		// What HQ held of this device's changes, and what a supervisor since
		// did with changes it held: `fieldreg-hq quarantine` is the other side.
		for _, n := range client.HeldNotices(sum) {
			fmt.Fprintln(e.stdout, i18n.Builtin().Lookup(e.lang(), n.Key, n.Count))
		}
		return nil
	})
}

// showSyncProgress prints a line on stderr when the phase changes, and at
// most every second otherwise, so a slow link shows it is alive.
func showSyncProgress(e *env, status <-chan client.Status) {
	var last client.Status
	var lastAt time.Time
	for st := range status {
		now := e.now()
		if st.Phase == last.Phase && now.Sub(lastAt) < time.Second || st.Phase == client.Done {
			continue
		}
		last, lastAt = st, now
		switch st.Phase {
		case client.Waiting:
			// Plain words only: the network's own error ("context deadline
			// exceeded") tells a field worker nothing.
			fmt.Fprintf(e.stderr, "sync interrupted (attempt %d, next in %s): %s\n",
				st.Attempt, st.RetryIn.Round(100*time.Millisecond), e.explain(st.Err))
		case client.Failed:
		default:
			fmt.Fprintf(e.stderr, "%s: sent %d of %d, received %d (%s up, %s down)\n",
				st.Phase, st.Sent, st.ToSend, st.Received, byteSize(st.BytesSent), byteSize(st.BytesReceived))
		}
	}
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

package main

import (
	"fmt"
	"io"
	"time"

	"fieldreg/store"
)

// warnClockBehind tells the user, on one line, when this device's date is
// behind the latest change the workspace holds (a flat battery, a date set
// by hand). Nothing is refused: the store stamps new changes after the
// latest one anyway, so they are saved in the right order.
func warnClockBehind(stderr io.Writer, ws *store.Workspace) {
	if d, behind := ws.ClockBehind(); behind {
		fmt.Fprintf(stderr, "fieldctl: this device's date looks wrong: it is behind the latest change in this workspace by %s; changes are still saved in the right order\n", roughDuration(d))
	}
}

// roughDuration says a duration the way a person would, rounded down to
// its largest unit: "1 day", "3 hours", "25 minutes".
func roughDuration(d time.Duration) string {
	unit := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	switch {
	case d >= 24*time.Hour:
		return unit(int64(d/(24*time.Hour)), "day")
	case d >= time.Hour:
		return unit(int64(d/time.Hour), "hour")
	}
	return unit(int64(d/time.Minute), "minute")
}

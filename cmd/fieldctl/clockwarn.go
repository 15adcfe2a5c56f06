package main

import (
	"fmt"
	"io"

	"fieldreg/assets/i18n"
	"fieldreg/store"
)

// warnClockBehind tells the user, on one line in their language, when this
// device's date is behind the last change this device itself saved (a flat
// battery, a date set by hand) — not when a change received from a device
// whose clock runs ahead is (store.ClockBehind). Nothing is refused: the store stamps new
// changes after the latest one anyway, so they are saved in the right order.
func warnClockBehind(stderr io.Writer, lang string, ws *store.Workspace) {
	if d, behind := ws.ClockBehind(); behind {
		c := i18n.Builtin()
		fmt.Fprintf(stderr, "fieldctl: %s\n", c.Lookup(lang, "clock.behind", c.RoughDuration(lang, d)))
	}
}

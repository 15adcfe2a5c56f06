package main

import (
	"fmt"
	"io"
	"time"
)

// Progress is shown only for long runs: a line every progressInterval or
// every progressEvery items, once there are more than progressMinTotal.
const (
	progressInterval = time.Second
	progressEvery    = 5000
	progressMinTotal = 3000
)

// progress prints how far a long bulk command has got, on stderr so stdout
// stays clean for scripts.
type progress struct {
	w          io.Writer
	now        func() time.Time
	verb, noun string
	total      int // -1 when not known in advance (a CSV file being read)
	last       time.Time
	lastN      int
	shown      bool
}

func newProgress(w io.Writer, now func() time.Time, verb string, total int, noun string) *progress {
	return &progress{w: w, now: now, verb: verb, noun: noun, total: total, last: now()}
}

func (p *progress) update(n int) {
	if p.total >= 0 && p.total < progressMinTotal || p.total < 0 && n < progressMinTotal {
		return
	}
	t := p.now()
	if t.Sub(p.last) < progressInterval && n-p.lastN < progressEvery {
		return
	}
	p.last, p.lastN, p.shown = t, n, true
	p.print(n)
}

// done ends the progress report: nothing when none was shown.
func (p *progress) done(n int) {
	if p.shown && n != p.lastN {
		p.print(n)
	}
}

func (p *progress) print(n int) {
	if p.total < 0 {
		fmt.Fprintf(p.w, "%s %s %s\n", p.verb, thousands(n), p.noun)
		return
	}
	fmt.Fprintf(p.w, "%s %s of %s %s (%d%%)\n", p.verb, thousands(n), thousands(p.total), p.noun, n*100/max(p.total, 1))
}

package app

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// debouncer runs fn on the UI goroutine once calls to trigger stop for a
// while: search as you type without a search per keystroke.
type debouncer struct {
	delay time.Duration
	fn    func()

	mu    sync.Mutex
	timer *time.Timer
	gen   int
}

func newDebouncer(delay time.Duration, fn func()) *debouncer {
	return &debouncer{delay: delay, fn: fn}
}

func (d *debouncer) trigger() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.gen++
	gen := d.gen
	if d.timer != nil {
		d.timer.Stop()
	}
	d.timer = time.AfterFunc(d.delay, func() {
		fyne.Do(func() { d.fire(gen) })
	})
}

// fire runs fn if no trigger came after the one that scheduled it.
func (d *debouncer) fire(gen int) {
	d.mu.Lock()
	stale := gen != d.gen
	d.mu.Unlock()
	if !stale {
		d.fn()
	}
}

// flush runs a pending call now (tests; the search button).
func (d *debouncer) flush() {
	d.mu.Lock()
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	d.gen++
	d.mu.Unlock()
	d.fn()
}

package change

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
)

// MaxSkew is how far ahead of the local clock a received stamp may be. A stamp
// further ahead comes from a broken or malicious clock; accepting it would drag
// every later stamp on this replica into the future.
const MaxSkew = 24 * time.Hour

// ErrClockAhead is returned for a stamp more than MaxSkew ahead of local time.
var ErrClockAhead = errors.New("stamp is more than a day ahead of this clock")

// Clock is a hybrid logical clock for one device. It is safe for concurrent use.
// The wall clock is injected so tests never read real time.
type Clock struct {
	mu     sync.Mutex
	device uuid.UUID
	now    func() time.Time
	last   uint64
}

// NewClock returns a clock for device that reads wall time from now
// (time.Now when nil).
func NewClock(device uuid.UUID, now func() time.Time) *Clock {
	if now == nil {
		now = time.Now
	}
	return &Clock{device: device, now: now}
}

// Device returns the device id stamped on every reading.
func (c *Clock) Device() uuid.UUID { return c.device }

// Now returns a stamp later than every stamp this clock has returned or observed.
func (c *Clock) Now() Stamp {
	c.mu.Lock()
	defer c.mu.Unlock()
	wall := MakeHLC(c.now().UnixMilli(), 0)
	if wall > c.last {
		c.last = wall
	} else {
		c.last++ // counter overflow carries into the milliseconds: still monotonic
	}
	return Stamp{HLC: c.last, Device: c.device}
}

// Observe advances the clock past a stamp received from another replica, so
// that the next local write is ordered after everything this device has seen.
// A stamp more than MaxSkew ahead of local wall time is refused.
func (c *Clock) Observe(s Stamp) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	limit := c.now().Add(MaxSkew).UnixMilli()
	if s.Millis() > limit {
		return fmt.Errorf("%w: %s", ErrClockAhead, s.Time().Format(time.RFC3339))
	}
	if s.HLC > c.last {
		c.last = s.HLC
	}
	return nil
}

// CheckSkew reports ErrClockAhead for a stamp more than MaxSkew after now.
func CheckSkew(s Stamp, now time.Time) error {
	if s.Millis() > now.Add(MaxSkew).UnixMilli() {
		return fmt.Errorf("%w: %s", ErrClockAhead, s.Time().Format(time.RFC3339))
	}
	return nil
}

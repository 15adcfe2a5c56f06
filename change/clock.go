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

// Now returns a stamp later than every stamp this clock has returned,
// observed or been raised to.
func (c *Clock) Now() Stamp {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.next()
}

// After returns a stamp later than every stamp Now would be later than, and
// later than floor too. A local write takes its stamp from After(base): the
// value it replaces is then always older, whatever the wall clock says, so
// the write wins the merge as the user expects.
func (c *Clock) After(floor Stamp) Stamp {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.raise(floor.HLC)
	return c.next()
}

// Raise moves the clock to at least hlc, without the skew check Observe
// makes. It is for stamps the workspace already holds (its high-water mark at
// open): they were checked when they came in, and a clock that issued
// stamps below them would order new local writes before old ones.
func (c *Clock) Raise(hlc uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.raise(hlc)
}

// Behind reports how far the wall clock is behind the latest stamp this
// clock has issued, observed or been raised to: zero when it is not behind.
// A device whose date was set back shows here, while its stamps still go
// forward from the high-water mark.
func (c *Clock) Behind() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	last := Stamp{HLC: c.last}.Millis()
	wall := c.now().UnixMilli()
	if last <= wall {
		return 0
	}
	return time.Duration(last-wall) * time.Millisecond
}

// next issues the next stamp. The caller holds c.mu.
func (c *Clock) next() Stamp {
	wall := MakeHLC(c.now().UnixMilli(), 0)
	if wall > c.last {
		c.last = wall
	} else {
		c.last++ // counter overflow carries into the milliseconds: still monotonic
	}
	return Stamp{HLC: c.last, Device: c.device}
}

func (c *Clock) raise(hlc uint64) {
	if hlc > c.last {
		c.last = hlc
	}
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
	c.raise(s.HLC)
	return nil
}

// CheckSkew reports ErrClockAhead for a stamp more than MaxSkew after now.
func CheckSkew(s Stamp, now time.Time) error {
	if s.Millis() > now.Add(MaxSkew).UnixMilli() {
		return fmt.Errorf("%w: %s", ErrClockAhead, s.Time().Format(time.RFC3339))
	}
	return nil
}

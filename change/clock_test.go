package change

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

var (
	devA = uuid.MustParse("0190a000-0000-7000-8000-00000000000a")
	devB = uuid.MustParse("0190b000-0000-7000-8000-00000000000b")
	t0   = time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
)

// fakeWall is a wall clock a test sets by hand.
type fakeWall struct{ t time.Time }

func (w *fakeWall) now() time.Time { return w.t }

func TestClockMonotonicWhenWallStandsStill(t *testing.T) {
	wall := &fakeWall{t0}
	c := NewClock(devA, wall.now)
	prev := c.Now()
	for range 1000 {
		s := c.Now()
		if s.Compare(prev) <= 0 {
			t.Fatalf("%v is not after %v", s, prev)
		}
		if s.Device != devA {
			t.Fatalf("stamp of device %v, want %v", s.Device, devA)
		}
		prev = s
	}
}

func TestClockMonotonicWhenWallGoesBack(t *testing.T) {
	wall := &fakeWall{t0}
	c := NewClock(devA, wall.now)
	before := c.Now()
	wall.t = t0.Add(-3 * time.Hour) // a user fixes a clock, or NTP steps it back
	after := c.Now()
	if after.Compare(before) <= 0 {
		t.Fatalf("after the wall clock went back, %v is not after %v", after, before)
	}
	wall.t = t0.Add(time.Minute)
	if s := c.Now(); s.Time() != t0.Add(time.Minute) || s.Counter() != 0 {
		t.Errorf("once wall time passes the clock again, stamps follow it: got %v", s)
	}
}

func TestClockCounterOverflowStaysMonotonic(t *testing.T) {
	wall := &fakeWall{t0}
	c := NewClock(devA, wall.now)
	prev := c.Now()
	for range 1<<16 + 10 { // more than the 16-bit counter holds
		s := c.Now()
		if s.Compare(prev) <= 0 {
			t.Fatalf("%v is not after %v", s, prev)
		}
		prev = s
	}
	if prev.Millis() != t0.UnixMilli()+1 {
		t.Errorf("overflow should carry into the next millisecond, got %v", prev)
	}
}

func TestClockObserveMovesPastRemote(t *testing.T) {
	wall := &fakeWall{t0}
	c := NewClock(devA, wall.now)
	remote := Stamp{HLC: MakeHLC(t0.Add(5*time.Hour).UnixMilli(), 7), Device: devB}
	if err := c.Observe(remote); err != nil {
		t.Fatal(err)
	}
	if s := c.Now(); s.Compare(remote) <= 0 {
		t.Errorf("after observing %v, the clock made %v", remote, s)
	}
	// Observing an older stamp does not move the clock back.
	before := c.Now()
	if err := c.Observe(Stamp{HLC: MakeHLC(t0.UnixMilli()-1000, 0), Device: devB}); err != nil {
		t.Fatal(err)
	}
	if s := c.Now(); s.Compare(before) <= 0 {
		t.Errorf("observing an old stamp moved the clock back: %v after %v", s, before)
	}
}

func TestClockRefusesStampsADayAhead(t *testing.T) {
	tests := []struct {
		ahead time.Duration
		ok    bool
	}{
		{0, true},
		{23 * time.Hour, true},
		{MaxSkew, true},
		{MaxSkew + time.Millisecond, false},
		{30 * 24 * time.Hour, false},
	}
	for _, tt := range tests {
		wall := &fakeWall{t0}
		c := NewClock(devA, wall.now)
		remote := Stamp{HLC: MakeHLC(t0.Add(tt.ahead).UnixMilli(), 0), Device: devB}
		err := c.Observe(remote)
		if tt.ok != (err == nil) {
			t.Errorf("%v ahead: Observe error %v, want ok=%v", tt.ahead, err, tt.ok)
		}
		if checkErr := CheckSkew(remote, t0); (checkErr == nil) != tt.ok {
			t.Errorf("%v ahead: CheckSkew error %v, want ok=%v", tt.ahead, checkErr, tt.ok)
		}
		if !tt.ok {
			if !errors.Is(err, ErrClockAhead) {
				t.Errorf("%v ahead: got %v, want ErrClockAhead", tt.ahead, err)
			}
			if s := c.Now(); s.Millis() != t0.UnixMilli() {
				t.Errorf("%v ahead: a refused stamp moved the clock to %v", tt.ahead, s)
			}
		}
	}
}

func TestClockConcurrentStampsUnique(t *testing.T) {
	wall := &fakeWall{t0}
	c := NewClock(devA, wall.now)
	var mu sync.Mutex
	seen := make(map[Stamp]bool)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 500 {
				s := c.Now()
				mu.Lock()
				if seen[s] {
					t.Errorf("stamp %v handed out twice", s)
				}
				seen[s] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

func TestClockRaisedStaysAboveHighWaterMark(t *testing.T) {
	// A tablet whose date was set back a day reopens a workspace whose latest
	// change is from "today": its stamps must still come after that change.
	high := MakeHLC(t0.UnixMilli(), 3)
	wall := &fakeWall{t0.Add(-24 * time.Hour)}
	c := NewClock(devA, wall.now)
	c.Raise(high)
	if s := c.Now(); s.HLC <= high {
		t.Errorf("after Raise(%d) the clock made %v", high, s)
	}
	if got := c.Behind(); got < 24*time.Hour || got > 24*time.Hour+time.Millisecond {
		t.Errorf("Behind = %v, want about 24h", got)
	}
	c.Raise(MakeHLC(t0.Add(-48*time.Hour).UnixMilli(), 0)) // lower: no effect
	if s := c.Now(); s.HLC <= high {
		t.Errorf("a lower Raise moved the clock back: %v", s)
	}
}

func TestClockAfterBase(t *testing.T) {
	wall := &fakeWall{t0}
	c := NewClock(devA, wall.now)
	tests := []struct {
		name string
		base Stamp
	}{
		{"zero base", Stamp{}},
		{"older base", Stamp{HLC: MakeHLC(t0.UnixMilli()-5000, 0), Device: devB}},
		{"base an hour ahead", Stamp{HLC: MakeHLC(t0.Add(time.Hour).UnixMilli(), 9), Device: devB}},
		{"base a year ahead", Stamp{HLC: MakeHLC(t0.Add(365*24*time.Hour).UnixMilli(), 0xffff), Device: devB}},
	}
	prev := Stamp{}
	for _, tt := range tests {
		s := c.After(tt.base)
		if s.Compare(tt.base) <= 0 || s.HLC <= tt.base.HLC {
			t.Errorf("%s: After(%v) = %v, not after its base", tt.name, tt.base, s)
		}
		if s.Compare(prev) <= 0 {
			t.Errorf("%s: %v is not after the previous stamp %v", tt.name, s, prev)
		}
		prev = s
	}
}

func TestClockBehindIsZeroWhenWallIsAhead(t *testing.T) {
	wall := &fakeWall{t0}
	c := NewClock(devA, wall.now)
	c.Now()
	wall.t = t0.Add(time.Hour)
	if d := c.Behind(); d != 0 {
		t.Errorf("Behind = %v with the wall clock ahead of every stamp", d)
	}
}

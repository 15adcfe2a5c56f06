package linksim

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"
)

// echoServer echoes every connection until it ends.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()
	return ln.Addr().String()
}

// sinkServer reads every connection to its end and reports how many bytes
// each one delivered.
func sinkServer(t *testing.T) (string, <-chan int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got := make(chan int64, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { n, _ := io.Copy(io.Discard, c); c.Close(); got <- n }()
		}
	}()
	return ln.Addr().String(), got
}

func start(t *testing.T, cfg Config) *Link {
	t.Helper()
	l, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// TestThroughputNearTheLimit sends 8 KB over a 64 kbit/s link: one simulated
// second.
func TestThroughputNearTheLimit(t *testing.T) {
	target := echoServer(t)
	const scale = 4
	l := start(t, Config{Target: target, Bandwidth: 8000, TimeScale: scale})
	c, err := net.Dial("tcp", l.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	data := bytes.Repeat([]byte("fieldreg"), 1000)
	begin := time.Now()
	go c.Write(data)
	got := make([]byte, len(data))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	// Both directions run at the limit, in pipeline: about one second.
	simulated := time.Since(begin).Seconds() * scale
	if simulated < 0.95 || simulated > 1.5 {
		t.Errorf("8 KB at 8000 B/s took %.2f simulated seconds, want about 1", simulated)
	}
	if !bytes.Equal(got, data) {
		t.Error("data changed on the way")
	}
}

func TestLatencyAdded(t *testing.T) {
	target := echoServer(t)
	const scale = 5
	latency := 300 * time.Millisecond
	l := start(t, Config{Target: target, Latency: latency, TimeScale: scale})
	c, err := net.Dial("tcp", l.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 1)
	best := time.Hour
	for range 3 {
		begin := time.Now()
		if _, err := c.Write([]byte{1}); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			t.Fatal(err)
		}
		rtt := time.Since(begin) * scale
		if rtt < 2*latency {
			t.Errorf("round trip %v, shorter than twice the latency %v", rtt, latency)
		}
		best = min(best, rtt)
	}
	// The best of three, so a busy test machine does not fail the test.
	if best > 2*latency+300*time.Millisecond {
		t.Errorf("round trip %v, want about %v", best, 2*latency)
	}
}

// TestCutAtByteCount cuts a connection at exactly the drawn byte count and
// counts what got through.
func TestCutAtByteCount(t *testing.T) {
	target, got := sinkServer(t)
	l := start(t, Config{Target: target, CutMinBytes: 1000, CutMaxBytes: 1000})
	c, err := net.Dial("tcp", l.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write(make([]byte, 5000))
	select {
	case n := <-got:
		if n != 1000 {
			t.Errorf("target received %d bytes, want exactly 1000", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("connection was not cut")
	}
	if _, err := io.ReadAll(c); err == nil {
		t.Error("client saw a clean end, want a reset as from a dropped link")
	}
	waitFor(t, func() bool { return l.Stats().Cuts == 1 })
	if s := l.Stats(); s.Up != 1000 || s.Down != 0 || s.Conns != 1 {
		t.Errorf("stats %+v, want 1000 up, 0 down, 1 connection", s)
	}
}

// TestCutPointsAreSeeded checks cut points vary between connections but
// replay with the same seed.
func TestCutPointsAreSeeded(t *testing.T) {
	points := func(seed uint64) []int64 {
		target, got := sinkServer(t)
		l := start(t, Config{Target: target, CutMinBytes: 100, CutMaxBytes: 4000, Seed: seed})
		var out []int64
		for range 4 {
			c, err := net.Dial("tcp", l.Addr())
			if err != nil {
				t.Fatal(err)
			}
			c.Write(make([]byte, 8000))
			out = append(out, <-got)
			c.Close()
		}
		return out
	}
	a, b := points(42), points(42)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, different cuts: %v and %v", a, b)
		}
		if a[i] < 100 || a[i] > 4000 {
			t.Errorf("cut at %d bytes, outside [100, 4000]", a[i])
		}
	}
	if a[0] == a[1] && a[1] == a[2] && a[2] == a[3] {
		t.Errorf("every connection cut at %d bytes", a[0])
	}
}

func TestCutEvery(t *testing.T) {
	target := echoServer(t)
	const scale = 4
	l := start(t, Config{Target: target, CutEvery: 2 * time.Second, TimeScale: scale})
	c, err := net.Dial("tcp", l.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	begin := time.Now()
	io.ReadAll(c) // returns when the link cuts the idle connection
	life := time.Since(begin) * scale
	// The link's timer starts when it accepts, a moment before Dial returns
	// here: a little under 2 s is the cut on time, not early.
	if life < 1900*time.Millisecond || life > 3500*time.Millisecond {
		t.Errorf("connection lived %v simulated, want about 2s", life)
	}
	if l.Stats().Cuts != 1 {
		t.Errorf("cuts %d, want 1", l.Stats().Cuts)
	}
}

func TestCountersBothWays(t *testing.T) {
	target := echoServer(t)
	l := start(t, Config{Target: target})
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", l.Addr())
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			c.Write(make([]byte, 3000))
			c.(*net.TCPConn).CloseWrite()
			n, _ := io.Copy(io.Discard, c)
			if n != 3000 {
				t.Errorf("echo returned %d bytes, want 3000", n)
			}
		}()
	}
	wg.Wait()
	waitFor(t, func() bool { return l.Stats().Down == 9000 })
	if s := l.Stats(); s.Up != 9000 || s.Conns != 3 || s.Cuts != 0 {
		t.Errorf("stats %+v, want 9000 each way over 3 connections, no cuts", s)
	}
}

// waitFor polls a condition the proxy's goroutines settle shortly after the
// client sees the effect.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestStallKeepsTheConnectionOpen checks a stalled connection passes its
// bytes up to the stall and then nothing, with no end seen by either side
// (as a dead satellite link looks), until one side gives up; only the
// connections StallAfter names stall.
func TestStallKeepsTheConnectionOpen(t *testing.T) {
	target, got := sinkServer(t)
	l := start(t, Config{Target: target, StallAfter: func(conn int) int {
		if conn == 1 {
			return 1000
		}
		return 0
	}})
	c, err := net.Dial("tcp", l.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write(make([]byte, 5000))
	waitFor(t, func() bool { return l.Stats().Stalls == 1 && l.Stats().Up == 1000 })
	// Long enough for every byte to pass on loopback, had the link not stalled.
	c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("read on a stalled connection: %v, want no answer and no end", err)
	}
	select {
	case n := <-got:
		t.Fatalf("target saw its connection end (%d bytes) while stalled", n)
	default:
	}
	c.Close()
	select {
	case n := <-got:
		if n != 1000 {
			t.Errorf("target received %d bytes, want exactly 1000", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the target never learnt the client gave up")
	}

	// The next connection is not stalled.
	echo := echoServer(t)
	l2 := start(t, Config{Target: echo, StallAfter: func(conn int) int {
		if conn == 1 {
			return 10
		}
		return 0
	}})
	first, err := net.Dial("tcp", l2.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	second, err := net.Dial("tcp", l2.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	waitFor(t, func() bool { return l2.Stats().Conns == 2 })
	msg := bytes.Repeat([]byte("x"), 100)
	second.Write(msg)
	back := make([]byte, len(msg))
	second.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(second, back); err != nil {
		t.Errorf("second connection: %v, want its echo", err)
	}
}

// TestCutAfterNamesTheConnection checks CutAfter cuts the connection it
// names at its byte count and leaves the others to the usual cut points.
func TestCutAfterNamesTheConnection(t *testing.T) {
	target, got := sinkServer(t)
	l := start(t, Config{Target: target, CutAfter: func(conn int) int {
		if conn == 2 {
			return 700
		}
		return 0
	}})
	var delivered []int64
	for range 3 {
		c, err := net.Dial("tcp", l.Addr())
		if err != nil {
			t.Fatal(err)
		}
		c.Write(make([]byte, 3000))
		if tc, ok := c.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
		select {
		case n := <-got:
			delivered = append(delivered, n)
		case <-time.After(5 * time.Second):
			t.Fatal("the target never saw the connection end")
		}
		c.Close()
	}
	if delivered[0] != 3000 || delivered[1] != 700 || delivered[2] != 3000 {
		t.Fatalf("delivered %v, want [3000 700 3000]: only the second connection cut, at 700 bytes", delivered)
	}
	if s := l.Stats(); s.Cuts != 1 {
		t.Errorf("%d cuts, want 1", s.Cuts)
	}
}

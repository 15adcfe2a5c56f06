// Package linksim simulates a bad network link for tests: a TCP proxy that
// limits bandwidth, adds latency, and cuts connections.
//
// A Link listens on 127.0.0.1 and forwards every connection to a target.
// Each direction is its own pipe: bytes queue behind the ones before them
// at the link's bandwidth (so a burst takes as long as it would on the real
// link), then arrive after the one-way latency. Cuts reset the connection
// after a random number of bytes or after a fixed connection life, with a
// seeded random generator so a failing test can be replayed. A stall stops
// a connection passing bytes, both ways, without closing it: the dead link
// that TCP on its own does not notice for many minutes.
//
// Time can be scaled: with TimeScale 10 every simulated duration passes ten
// times faster, so a test of a 64 kbit/s link with 600 ms round trips takes a
// tenth of the time it would, while every ratio stays the same.
package linksim

import (
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Config describes a link. Durations and rates are in simulated time.
type Config struct {
	Target    string        // host:port to forward to
	Bandwidth int           // bytes per second in each direction; 0: unlimited
	Latency   time.Duration // one-way delay, so a round trip takes twice as long

	// Each connection is cut after a number of bytes (both directions
	// together) drawn uniformly from [CutMinBytes, CutMaxBytes]; 0: never.
	CutMinBytes, CutMaxBytes int
	// Each connection is cut after this much life; 0: never.
	CutEvery time.Duration
	// CutAfter, if set, is asked for each connection (numbered from 1 in
	// the order accepted) after how many bytes, both directions together,
	// it is cut; 0 or less: by CutMinBytes and CutMaxBytes as for any.
	CutAfter func(conn int) int
	// StallAfter, if set, is asked for each connection (numbered from 1 in
	// the order accepted) after how many bytes, both directions together,
	// it stalls; 0 or less: never.
	StallAfter func(conn int) int

	Seed      uint64  // for the cut points
	TimeScale float64 // simulated seconds per real second; 0 means 1
}

// Stats counts what a link carried.
type Stats struct {
	Up    int64 // bytes delivered from clients to the target
	Down  int64 // bytes delivered from the target to clients
	Conns int64 // connections accepted
	Cuts  int64 // connections cut by the simulator
	// Stalls counts connections that stopped passing bytes; each stays
	// open until an end closes it.
	Stalls int64
}

// Link is a running simulated link.
type Link struct {
	cfg Config
	ln  net.Listener

	mu    sync.Mutex
	rng   *rand.Rand
	conns map[*conn]bool

	up, down, accepted, cuts, stalls atomic.Int64
	wg                               sync.WaitGroup
}

// Start listens on a free port of 127.0.0.1 and forwards to cfg.Target.
func Start(cfg Config) (*Link, error) {
	if cfg.TimeScale <= 0 {
		cfg.TimeScale = 1
	}
	if cfg.CutMaxBytes < cfg.CutMinBytes {
		cfg.CutMaxBytes = cfg.CutMinBytes
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("link simulator: %w", err)
	}
	l := &Link{cfg: cfg, ln: ln, rng: rand.New(rand.NewPCG(cfg.Seed, 0x6c696e6b)), conns: make(map[*conn]bool)}
	l.wg.Add(1)
	go l.accept()
	return l, nil
}

// Addr is the address clients connect to instead of the target.
func (l *Link) Addr() string { return l.ln.Addr().String() }

// Stats returns the counters so far.
func (l *Link) Stats() Stats {
	return Stats{Up: l.up.Load(), Down: l.down.Load(), Conns: l.accepted.Load(), Cuts: l.cuts.Load(), Stalls: l.stalls.Load()}
}

// Close stops listening and drops every connection.
func (l *Link) Close() error {
	err := l.ln.Close()
	l.mu.Lock()
	for c := range l.conns {
		c.close()
	}
	l.mu.Unlock()
	l.wg.Wait()
	return err
}

// real converts a simulated duration to real time.
func (l *Link) real(d time.Duration) time.Duration {
	return time.Duration(float64(d) / l.cfg.TimeScale)
}

func (l *Link) accept() {
	defer l.wg.Done()
	for {
		client, err := l.ln.Accept()
		if err != nil {
			return
		}
		n := l.accepted.Add(1)
		l.wg.Add(1)
		go l.serve(client, int(n))
	}
}

func (l *Link) serve(client net.Conn, number int) {
	defer l.wg.Done()
	target, err := net.Dial("tcp", l.cfg.Target)
	if err != nil {
		client.Close()
		return
	}
	c := &conn{link: l, client: client, target: target, done: make(chan struct{})}
	l.mu.Lock()
	c.cutAt, c.stallAt = -1, -1
	if l.cfg.CutMinBytes > 0 {
		c.cutAt = int64(l.cfg.CutMinBytes + l.rng.IntN(l.cfg.CutMaxBytes-l.cfg.CutMinBytes+1))
	}
	if l.cfg.CutAfter != nil {
		if n := l.cfg.CutAfter(number); n > 0 {
			c.cutAt = int64(n)
		}
	}
	if l.cfg.StallAfter != nil {
		if n := l.cfg.StallAfter(number); n > 0 {
			c.stallAt = int64(n)
		}
	}
	l.conns[c] = true
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		delete(l.conns, c)
		l.mu.Unlock()
	}()
	if l.cfg.CutEvery > 0 {
		t := time.AfterFunc(l.real(l.cfg.CutEvery), c.cut)
		defer t.Stop()
	}
	var pipes sync.WaitGroup
	pipes.Add(2)
	go func() { defer pipes.Done(); c.pipe(client, target, &l.up) }()
	go func() { defer pipes.Done(); c.pipe(target, client, &l.down) }()
	pipes.Wait()
	c.close()
}

// conn is one proxied connection.
type conn struct {
	link           *Link
	client, target net.Conn
	done           chan struct{}
	closeOnce      sync.Once

	mu      sync.Mutex
	sent    int64 // bytes delivered, both directions
	cutAt   int64 // -1: never
	stallAt int64 // -1: never
	stalled bool
}

// cut resets both sides, as a dropped link does: data in flight is lost.
func (c *conn) cut() {
	c.closeOnce.Do(func() {
		c.link.cuts.Add(1)
		for _, nc := range []net.Conn{c.client, c.target} {
			if tc, ok := nc.(*net.TCPConn); ok {
				tc.SetLinger(0)
			}
		}
		c.shut()
	})
}

func (c *conn) close() { c.closeOnce.Do(c.shut) }

func (c *conn) shut() {
	close(c.done)
	c.client.Close()
	c.target.Close()
}

// fate is what becomes of a connection once a chunk has passed.
type fate int

const (
	flowing fate = iota
	cutOff
	stalling
)

// allow reserves up to n bytes of the connection's byte budget and reports
// how many may pass, and whether the connection is then cut or stalls.
func (c *conn) allow(n int) (int, fate) {
	c.mu.Lock()
	defer c.mu.Unlock()
	limit, then := int64(-1), flowing
	if c.cutAt >= 0 {
		limit, then = c.cutAt, cutOff
	}
	if c.stallAt >= 0 && (limit < 0 || c.stallAt < limit) {
		limit, then = c.stallAt, stalling
	}
	if limit < 0 || c.sent+int64(n) < limit {
		c.sent += int64(n)
		return n, flowing
	}
	left := limit - c.sent
	c.sent = limit
	if then == stalling && !c.stalled {
		c.stalled = true
		c.link.stalls.Add(1)
	}
	return int(left), then
}

func (c *conn) isStalled() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stalled
}

// chunk is data on its way, with the real time it arrives.
type chunk struct {
	data   []byte
	arrive time.Time
}

// pipe carries one direction: a reader stamps each chunk with its arrival
// time (after the ones queued before it, at the link's rate, plus latency);
// a writer delivers it then.
func (c *conn) pipe(src, dst net.Conn, count *atomic.Int64) {
	l := c.link
	chunkSize, queue := 16<<10, 64
	if l.cfg.Bandwidth > 0 {
		// About 20 ms of data per chunk, so rate and cut points are fine-grained,
		// and room for the bytes in flight over the latency.
		chunkSize = max(64, min(16<<10, l.cfg.Bandwidth/50))
		inFlight := int(float64(l.cfg.Bandwidth) * l.cfg.Latency.Seconds())
		queue = inFlight/chunkSize + 16
	}
	q := make(chan chunk, queue)
	go func() {
		defer close(q)
		var free time.Time // when the link is next free to send
		for {
			buf := make([]byte, chunkSize)
			n, err := src.Read(buf)
			if n > 0 {
				now := time.Now()
				if free.Before(now) {
					free = now
				}
				if l.cfg.Bandwidth > 0 {
					free = free.Add(l.real(time.Duration(float64(n) / float64(l.cfg.Bandwidth) * float64(time.Second))))
				}
				select {
				case q <- chunk{data: buf[:n], arrive: free.Add(l.real(l.cfg.Latency))}:
				case <-c.done:
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	for ch := range q {
		if c.isStalled() {
			continue // swallowed; reading on notices when this end closes
		}
		if wait := time.Until(ch.arrive); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-c.done:
				t.Stop()
				return
			}
		}
		n, then := c.allow(len(ch.data))
		if n > 0 {
			w, err := dst.Write(ch.data[:n])
			count.Add(int64(w))
			if err != nil {
				return
			}
		}
		if then == cutOff {
			c.cut()
			return
		}
	}
	if c.isStalled() {
		// Nothing passed since the stall and nothing told either end; now
		// that one has given up, the other learns the connection is gone.
		c.close()
		return
	}
	// The source ended cleanly: pass the end on, keep the other direction.
	if tc, ok := dst.(*net.TCPConn); ok {
		tc.CloseWrite()
	} else {
		dst.Close()
	}
}

package client_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fieldreg/hq"
	"fieldreg/internal/linksim"
	"fieldreg/store"
	"fieldreg/sync/client"
)

// linkedDevice serves s on loopback behind a link simulator configured by
// cfg (Target filled in), and returns a device enrolled with s through it.
func linkedDevice(t *testing.T, s *hq.Server, cfg linksim.Config) (*store.Workspace, *linksim.Link, context.CancelFunc, <-chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan struct{})
	go func() { s.Serve(ctx, ln); close(served) }()
	t.Cleanup(func() { stop(); <-served })
	cfg.Target = ln.Addr().String()
	link, err := linksim.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { link.Close() })
	w := newDevice(t, "enumerator", nil)
	code, err := s.NewEnrollment(context.Background(), hq.Enrollment{Name: "tablet", Sites: []string{hq.AllSites}, Addr: link.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Enroll(context.Background(), w, code.String()); err != nil {
		t.Fatal(err)
	}
	return w, link, stop, served
}

// statusLog keeps every status a sync reports.
type statusLog struct {
	ch   chan client.Status
	done chan struct{}
	all  []client.Status
}

func newStatusLog() *statusLog {
	l := &statusLog{ch: make(chan client.Status, 1024), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		for st := range l.ch {
			l.all = append(l.all, st)
		}
	}()
	return l
}

func (l *statusLog) close() []client.Status { close(l.ch); <-l.done; return l.all }

// A connection that stops passing bytes mid-push, without closing, is
// given up after the stall timeout and the sync goes on over a new one;
// before, it held the sync for its whole deadline.
func TestStallMidRequestIsNoticedAndRetried(t *testing.T) {
	// The default notices a dead link and retries within a minute: the
	// stall timeout, then the first backoff (at most a second).
	if client.DefaultStallTimeout+time.Second > time.Minute {
		t.Fatalf("DefaultStallTimeout %s: a stall would not be retried within a minute", client.DefaultStallTimeout)
	}
	s := newHQ(t, nil, nil)
	var armed atomic.Bool
	w, link, _, _ := linkedDevice(t, s, linksim.Config{StallAfter: func(int) int {
		if armed.CompareAndSwap(true, false) {
			return 6000 // past the TLS handshake, inside the push
		}
		return 0
	}})
	for range 100 {
		registerHousehold(t, w, "camp_north", 6)
	}
	armed.Store(true)
	c, err := client.New(client.Config{Workspace: w, StallTimeout: time.Second, Backoff: noBackoff})
	if err != nil {
		t.Fatal(err)
	}
	// Far longer than the stall timeout: a sync still here at the end
	// never noticed the stall.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	log := newStatusLog()
	_, err = c.Sync(ctx, log.ch)
	statuses := log.close()
	if err != nil {
		t.Fatalf("sync through a stalled connection: %v", err)
	}
	if st := link.Stats(); st.Stalls != 1 {
		t.Fatalf("%d connections stalled, want 1: the test did not stall the push", st.Stalls)
	}
	if got := s.Workspace().LastLogSeq(); got != 700 {
		t.Errorf("HQ holds %d changes, want 700", got)
	}
	if p, _ := client.Pending(w); p != 0 {
		t.Errorf("%d changes still pending", p)
	}
	stalled := false
	for _, st := range statuses {
		if st.Phase == client.Waiting && errors.Is(st.Err, client.ErrStalled) {
			stalled = true
		}
	}
	if !stalled {
		t.Error("no retry reported the stall (ErrStalled)")
	}
}

// flaky fails the requests whose numbers (from 1) fail says, and passes
// the others to next.
func flaky(next client.Transport, fail func(n int) bool) client.Transport {
	var mu sync.Mutex
	n := 0
	return client.TransportFunc(func(ctx context.Context, body []byte) ([]byte, error) {
		mu.Lock()
		n++
		failed := fail(n)
		mu.Unlock()
		if failed {
			return nil, client.ErrLinkLost
		}
		return next.RoundTrip(ctx, body)
	})
}

// Backoff counts failures since HQ last answered, so a long transfer
// cut now and then waits the first backoff after each cut, however many
// cuts it has had; failures in a row still back off further.
func TestBackoffStartsOverOnceBatchesMoveAgain(t *testing.T) {
	tests := []struct {
		name string
		fail func(n int) bool
		want []int // the attempt numbers Backoff is asked for, in order
	}{
		{"a cut every third request", func(n int) bool { return n%3 == 0 && n <= 18 }, []int{1, 1, 1, 1, 1, 1}},
		{"four cuts in a row, then a cut after progress", func(n int) bool { return n >= 2 && n <= 5 || n == 8 }, []int{1, 2, 3, 4, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newHQ(t, nil, nil)
			w := newDevice(t, "enumerator", nil)
			enr := enrollInProcess(t, s, w, "tablet", "camp_north")
			for range 40 {
				registerHousehold(t, w, "camp_north", 6)
			}
			var asked []int
			c, err := client.New(client.Config{Workspace: w, Transport: flaky(inProcess(s, enr.Device), tt.fail),
				MinBatch: 2 << 10, StartBatch: 2 << 10, MaxBatch: 2 << 10, // many rounds: about ten changes each
				Backoff: func(attempt int) time.Duration { asked = append(asked, attempt); return 0 }})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Sync(context.Background(), nil); err != nil {
				t.Fatal(err)
			}
			if len(asked) != len(tt.want) {
				t.Fatalf("Backoff asked for attempts %v, want %v", asked, tt.want)
			}
			for i := range asked {
				if asked[i] != tt.want[i] {
					t.Fatalf("Backoff asked for attempts %v, want %v", asked, tt.want)
				}
			}
			if got := s.Workspace().LastLogSeq(); got != 280 {
				t.Errorf("HQ holds %d changes, want 280", got)
			}
		})
	}
}

// HQ told to stop (SIGTERM) while a device is mid-push answers that push
// before it stops, so the device finishes instead of being cut and
// resending the batch to the next HQ.
func TestHQStoppingAnswersTheSyncUnderWay(t *testing.T) {
	s := newHQ(t, nil, nil)
	// Slow enough that the push is still on its way when HQ is stopped.
	w, link, stopHQ, served := linkedDevice(t, s, linksim.Config{Bandwidth: 16 << 10})
	for range 100 {
		registerHousehold(t, w, "camp_north", 6)
	}
	c, err := client.New(client.Config{Workspace: w, Backoff: noBackoff})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := link.Stats().Up
	go func() {
		for link.Stats().Up < start+8000 { // the request is under way
			time.Sleep(time.Millisecond)
		}
		stopHQ()
		<-served
		s.Close() // as fieldreg-hq serve does once Serve returns
	}()
	sum, err := c.Sync(ctx, nil)
	if err != nil {
		t.Fatalf("sync under way when HQ stopped: %v", err)
	}
	if sum.Sent != 700 {
		t.Errorf("sent %d, want 700", sum.Sent)
	}
	if p, _ := client.Pending(w); p != 0 {
		t.Errorf("%d changes still pending", p)
	}
}

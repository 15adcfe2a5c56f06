package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"

	"fieldreg/sync/wire"
)

// Transport carries one compressed request body to HQ and returns the
// compressed response body. A refusal by HQ is returned as a *wire.Error;
// any other error is the link's, and the round is retried.
type Transport interface {
	RoundTrip(ctx context.Context, body []byte) ([]byte, error)
}

// TransportFunc adapts a function to Transport.
type TransportFunc func(ctx context.Context, body []byte) ([]byte, error)

// RoundTrip calls f.
func (f TransportFunc) RoundTrip(ctx context.Context, body []byte) ([]byte, error) {
	return f(ctx, body)
}

// maxResponseBody bounds a compressed response read from the network.
const maxResponseBody = 64 << 20

// DefaultStallTimeout is how long a request may go without a byte passing
// either way before it is given up as cut. Nothing else notices a dead
// link: TCP keeps a stalled connection open for many minutes, and the sync's
// own deadline is half an hour. On the slowest link Fieldreg is built for
// (64 kbit/s, 600 ms round trips) a healthy connection is never quiet that
// long: TCP's retransmissions after a loss back off 1, 2, 4 and 8 s (15 s in
// all), a TLS handshake is two round trips, and HQ answers a batch in well
// under a second. 30 s is twice the longest of these, and a stall is still
// noticed and retried within a minute.
const DefaultStallTimeout = 30 * time.Second

// sendBuffer is the socket send buffer asked for (see the dialer).
const sendBuffer = 64 << 10

type httpsTransport struct {
	addr   string
	client *http.Client
	stall  time.Duration
	epoch  time.Time    // lastIO counts from here, on the monotonic clock: a tablet's date being set is no stall
	lastIO atomic.Int64 // nanoseconds after epoch of the last byte read or written on any connection
}

// newHTTPSTransport returns a transport to addr that gives a request up
// with ErrStalled after stall (zero: DefaultStallTimeout) without a byte.
func newHTTPSTransport(addr string, cfg *tls.Config, stall time.Duration) *httpsTransport {
	if stall <= 0 {
		stall = DefaultStallTimeout
	}
	t := &httpsTransport{addr: addr, stall: stall, epoch: time.Now()}
	if cfg.ClientSessionCache == nil {
		// A reconnection after a cut resumes the TLS session: neither side
		// sends its certificate again, about 2 KB, a quarter of a second at
		// 64 kbit/s, on every cut.
		cfg = cfg.Clone()
		cfg.ClientSessionCache = tls.NewLRUClientSessionCache(1)
	}
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	dial := func(ctx context.Context, network, address string) (net.Conn, error) {
		nc, err := dialer.DialContext(ctx, network, address)
		if err != nil {
			return nil, err
		}
		if tc, ok := nc.(*net.TCPConn); ok {
			// A write counts as progress once the kernel takes it; bounding
			// what the kernel may hold bounds how long that can run ahead of
			// the link (the kernel doubles it: 128 KB, 16 s at 64 kbit/s,
			// and still 200 KB/s over a 600 ms round trip). Otherwise a big
			// batch written at once would leave the watchdog nothing to see
			// while it drained, and a slow link would look stalled.
			tc.SetWriteBuffer(sendBuffer)
		}
		t.touch()
		return &watchedConn{Conn: nc, t: t}, nil
	}
	t.client = &http.Client{
		Transport: &http.Transport{
			DialContext:         dial,
			TLSClientConfig:     cfg,
			TLSHandshakeTimeout: 60 * time.Second, // satellite links: 600 ms round trips, several of them
			MaxIdleConnsPerHost: 1,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true, // bodies are zstd already
		},
	}
	return t
}

func (t *httpsTransport) touch() { t.lastIO.Store(int64(time.Since(t.epoch))) }

// watchedConn records when bytes last moved, TLS records included, so the
// watchdog can tell a slow link (bytes trickle) from a dead one (none do).
type watchedConn struct {
	net.Conn
	t *httpsTransport
	// failed, if set, is told when the connection fails (see pushStream).
	failed atomic.Pointer[func(error)]
}

func (c *watchedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.t.touch()
	}
	c.fail(err)
	return n, err
}

func (c *watchedConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if n > 0 {
		c.t.touch()
	}
	c.fail(err)
	return n, err
}

func (c *watchedConn) fail(err error) {
	if err == nil {
		return
	}
	if f := c.failed.Load(); f != nil {
		(*f)(err)
	}
}

// watch cancels a request with ErrStalled once t.stall passes with no
// byte moved, and returns the function that stops watching.
func (t *httpsTransport) watch(cancel context.CancelCauseFunc) (stop func()) {
	t.touch()
	var mu sync.Mutex
	stopped := false
	var timer *time.Timer
	check := func() {
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return
		}
		idle := time.Since(t.epoch) - time.Duration(t.lastIO.Load())
		if idle >= t.stall {
			cancel(ErrStalled)
			return
		}
		timer.Reset(t.stall - idle)
	}
	mu.Lock()
	timer = time.AfterFunc(t.stall, check)
	mu.Unlock()
	return func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		timer.Stop()
	}
}

func (t *httpsTransport) close() { t.client.CloseIdleConnections() }

// RoundTrip implements Transport for sync.
func (t *httpsTransport) RoundTrip(ctx context.Context, body []byte) ([]byte, error) {
	return t.post(ctx, wire.PathSync, body)
}

func (t *httpsTransport) enroll(ctx context.Context, body []byte) ([]byte, error) {
	return t.post(ctx, wire.PathEnroll, body)
}

func (t *httpsTransport) post(ctx context.Context, path string, body []byte) ([]byte, error) {
	reqCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	defer t.watch(cancel)()
	out, err := t.postWatched(reqCtx, path, body)
	if err != nil && ctx.Err() == nil && errors.Is(context.Cause(reqCtx), ErrStalled) {
		return nil, fmt.Errorf("%w (nothing for %s)", ErrStalled, t.stall)
	}
	return out, err
}

func (t *httpsTransport) postWatched(ctx context.Context, path string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://"+t.addr+path, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("request to %s: %w", t.addr, err)
	}
	req.Header.Set("Content-Type", wire.ContentType)
	resp, err := t.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrLinkLost, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody+1))
	if err != nil {
		return nil, fmt.Errorf("%w: read HQ's answer: %w", ErrLinkLost, err)
	}
	if len(out) > maxResponseBody {
		return nil, fmt.Errorf("HQ's answer is over %d bytes", maxResponseBody)
	}
	if resp.StatusCode == http.StatusOK {
		return out, nil
	}
	if plain, err := wire.Decompress(out, 1<<20); err == nil {
		if we, err := wire.DecodeError(plain, wire.DefaultLimits()); err == nil {
			return nil, we
		}
	}
	// Not HQ speaking (a captive portal, a proxy): a link problem.
	return nil, fmt.Errorf("%w: HQ answered HTTP %d with no protocol error", ErrGarbled, resp.StatusCode)
}

// errNoStream: HQ does not take streamed pushes (an HQ older than them
// answers wire.PathPush with 404); the device pushes in rounds instead.
var errNoStream = errors.New("HQ does not take streamed pushes")

// streamTransport is a Transport that can also carry a push as one
// streamed request (the HTTPS transport can; one of the caller's own is
// used for rounds only).
type streamTransport interface {
	// pushStream posts body, read as it is written, to wire.PathPush and
	// returns HQ's answer as it comes: its acknowledgements. Closing the
	// answer ends the request. abort is called, perhaps more than once,
	// once the request has failed: it must make body's reads return (the
	// HTTP client waits for the body's reader before it reports a failure,
	// and the body waits for acknowledgements that will never come).
	pushStream(ctx context.Context, body io.Reader, abort func(error)) (io.ReadCloser, error)
}

// pushStream implements streamTransport, under the same watchdog as a
// round for the whole life of the stream.
func (t *httpsTransport) pushStream(ctx context.Context, body io.Reader, abort func(error)) (io.ReadCloser, error) {
	reqCtx, cancel := context.WithCancelCause(ctx)
	s := &streamAnswer{ctx: ctx, reqCtx: reqCtx, cancel: cancel, stop: t.watch(cancel), stall: t.stall}
	// Cancelled (by the watchdog, or the sync's end), or its connection
	// failed (a cut): either way the body is over.
	stopAfter := context.AfterFunc(reqCtx, func() { abort(fmt.Errorf("%w: %w", ErrLinkLost, context.Cause(reqCtx))) })
	s.release = append(s.release, func() { stopAfter() })
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		tc, ok := info.Conn.(*tls.Conn)
		if !ok {
			return
		}
		if wc, ok := tc.NetConn().(*watchedConn); ok {
			f := func(err error) { abort(fmt.Errorf("%w: %w", ErrLinkLost, err)) }
			wc.failed.Store(&f)
			s.release = append(s.release, func() { wc.failed.Store(nil) }) // the connection may serve a round next
		}
	}}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(reqCtx, trace), http.MethodPost, "https://"+t.addr+wire.PathPush, body)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("request to %s: %w", t.addr, err)
	}
	req.Header.Set("Content-Type", wire.ContentType)
	resp, err := t.client.Do(req)
	if err != nil {
		err = s.why(fmt.Errorf("%w: %w", ErrLinkLost, err))
		s.Close()
		return nil, err
	}
	if resp.StatusCode == http.StatusOK {
		s.body = resp.Body
		return s, nil
	}
	defer s.Close()
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, errNoStream
	}
	out, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, s.why(fmt.Errorf("%w: read HQ's answer: %w", ErrLinkLost, err))
	}
	if plain, err := wire.Decompress(out, 1<<20); err == nil {
		if we, err := wire.DecodeError(plain, wire.DefaultLimits()); err == nil {
			return nil, we
		}
	}
	return nil, fmt.Errorf("%w: HQ answered HTTP %d with no protocol error", ErrGarbled, resp.StatusCode)
}

// streamAnswer is HQ's answer to a push stream, read while the push goes.
type streamAnswer struct {
	ctx, reqCtx context.Context
	cancel      context.CancelCauseFunc
	stop        func()
	stall       time.Duration
	body        io.ReadCloser
	release     []func() // set before Do returns, run by Close
}

// why names a stall as the cause of err, when the watchdog ended the request.
func (s *streamAnswer) why(err error) error {
	if s.ctx.Err() == nil && errors.Is(context.Cause(s.reqCtx), ErrStalled) {
		return fmt.Errorf("%w (nothing for %s)", ErrStalled, s.stall)
	}
	return err
}

func (s *streamAnswer) Read(p []byte) (int, error) {
	n, err := s.body.Read(p)
	if err != nil && err != io.EOF {
		err = s.why(fmt.Errorf("%w: read HQ's acknowledgements: %w", ErrLinkLost, err))
	}
	return n, err
}

func (s *streamAnswer) Close() error {
	s.stop()
	s.cancel(nil)
	for _, f := range s.release {
		f()
	}
	if s.body != nil {
		return s.body.Close()
	}
	return nil
}

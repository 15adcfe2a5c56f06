package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"fieldreg/change"
	"fieldreg/store"
	"fieldreg/sync/wire"
)

// A push stream sends every change HQ has not acknowledged in one request,
// in frames (wire.PathPush), while HQ stores each frame as it arrives and
// writes back, on the same connection, the device seq it holds. The device
// stores each acknowledgement as it comes, so a cut costs only the frames in
// flight, and the next connection starts at the last acknowledgement. A
// round (wire.PathSync) then pulls, with whatever was committed meanwhile.
// Rounds alone serve an HQ older than streams (it answers 404) and a
// Transport of the caller's own.

// Push stream sizes. A frame is at most frameBudget bytes as
// wire.EstimateSize counts: about 18 households of 6, 2.5 KB once
// compressed in the stream, a third of a second at 64 kbit/s (smaller
// frames cost more bytes: each flush of the stream costs about 130, so 8 KB
// frames cost a fifth more than one body). The window bounds the compressed
// bytes sent and not yet acknowledged: what a cut costs, and what the link
// holds while HQ answers.
const (
	frameBudget     = 32 << 10
	minStreamWindow = 4 << 10
	firstWindow     = 8 << 10
	maxStreamWindow = 4 << 20
	streamReadAhead = 1000 // changes read from the store at a time
	// Bytes the window may leave queued on the link beyond its round trip:
	// under vegasAlpha it grows, over vegasBeta it shrinks, by vegasStep.
	vegasAlpha, vegasBeta, vegasStep = 1 << 10, 3 << 10, 1 << 10
)

// window sizes the bytes a push stream keeps in flight, as TCP Vegas does:
// it grows while acknowledgements come back about as fast as the quickest
// did (little queues on the link), and shrinks once they come back later
// by more than a few KB of the link's time (bytes queue, and a cut would
// lose them). A slow link then holds about its round trip's worth, a fast
// one as much as it carries. The Client keeps it from one stream to the
// next: the link after a cut is the link before it.
type window struct {
	size   int
	minRTT time.Duration
}

// sample takes the round trip of one frame.
func (w *window) sample(rtt time.Duration) {
	if w.size == 0 {
		w.size = firstWindow
	}
	if rtt <= 0 {
		return
	}
	if w.minRTT == 0 || rtt < w.minRTT {
		w.minRTT = rtt
	}
	queued := int(int64(w.size) * int64(rtt-w.minRTT) / int64(rtt))
	switch {
	case queued < vegasAlpha:
		w.size = min(w.size+vegasStep, maxStreamWindow)
	case queued > vegasBeta:
		w.size = max(w.size-vegasStep, minStreamWindow)
	}
}

// cut halves the window after a cut, as TCP does after a loss: what was in
// flight was lost, and on a link cut by the bytes it carries (or the
// time) a window the cuts keep catching before anything is acknowledged
// would never get through.
func (w *window) cut() {
	w.size = max(w.bytes()/2, minStreamWindow)
}

func (w *window) bytes() int {
	if w.size == 0 {
		return firstWindow
	}
	return w.size
}

// sentFrame is a frame on its way: the last device seq it holds, its
// compressed bytes and when it went.
type sentFrame struct {
	last  uint64
	bytes int
	at    time.Time
}

// pushSender writes a stream's frames, as far ahead of HQ's
// acknowledgements as the window lets it.
type pushSender struct {
	c        *Client
	template wire.SyncRequest // all but the push

	mu           sync.Mutex
	inFlight     []sentFrame
	unacked      int
	acked        uint64
	lastSent     uint64
	placeholders map[uint64]bool // set-aside changes sent as placeholders
	changed      chan struct{}   // an acknowledgement came
	stop         chan struct{}   // the stream is over: send no more
}

// run sends the frames to pw, then ends the body.
func (s *pushSender) run(pw *io.PipeWriter) error {
	cw := &countingWriter{w: pw}
	fw := wire.NewFrameWriter(cw, wire.CompressSmall)
	next := s.template.PushFrom
	var queue []change.Change
	for first := true; ; first = false {
		if len(queue) == 0 {
			own, err := s.c.w.OwnChangesAfter(next-1, streamReadAhead)
			if err != nil {
				err = local(err)
				pw.CloseWithError(err)
				return err
			}
			if len(own) == 0 {
				break
			}
			queue = own
		}
		frame := fit(queue, frameBudget)
		queue = queue[len(frame):]
		if !s.waitWindow() {
			pw.CloseWithError(io.ErrClosedPipe)
			return nil
		}
		req := s.template
		req.Push, req.PushFrom = frame, frame[0].DeviceSeq
		if !first {
			req.Anchor = nil // once per stream is enough
		}
		enc, err := wire.EncodeRequest(&req)
		if err != nil {
			err = local(err)
			pw.CloseWithError(err)
			return err
		}
		before := cw.n
		if err := fw.Write(wire.FramePush, enc); err != nil {
			return nil // the request is over; the reader says why
		}
		next = frame[len(frame)-1].DeviceSeq + 1
		s.sent(frame, cw.n-before)
	}
	if err := fw.Close(); err != nil {
		return nil
	}
	return pw.Close()
}

// waitWindow waits until the bytes in flight are under the window, and
// reports false once the stream is over.
func (s *pushSender) waitWindow() bool {
	for {
		s.mu.Lock()
		room := s.unacked < s.c.window.bytes()
		s.mu.Unlock()
		if room {
			return true
		}
		select {
		case <-s.changed:
		case <-s.stop:
			return false
		}
	}
}

func (s *pushSender) sent(frame []change.Change, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	last := frame[len(frame)-1].DeviceSeq
	s.inFlight = append(s.inFlight, sentFrame{last: last, bytes: n, at: time.Now()})
	s.unacked += n
	s.lastSent = last
	for _, c := range frame {
		if store.IsSetAside(c) {
			s.placeholders[c.DeviceSeq] = true
		}
	}
}

// ack takes HQ's acknowledgement of every change up to seq: the frames it
// covers leave the window, and their round trips size it.
func (s *pushSender) ack(seq uint64) {
	s.mu.Lock()
	now := time.Now()
	for len(s.inFlight) > 0 && s.inFlight[0].last <= seq {
		f := s.inFlight[0]
		s.inFlight = s.inFlight[1:]
		s.unacked -= f.bytes
		s.c.window.sample(now.Sub(f.at))
	}
	s.acked = max(s.acked, seq)
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// stream pushes, in one streamed request, this device's changes HQ has not
// acknowledged, and takes HQ's answer to it as a round's (done as a round
// reports it). progressed says HQ acknowledged some: the link moves, so
// backoff starts over. With nothing to push it does nothing: a round
// follows. It returns errNoStream for an HQ without streams.
func (c *Client) stream(ctx context.Context, st streamTransport, r *run) (progressed, done bool, err error) {
	var acked, cursor, outcomeSeq, scope, formsAfter uint64
	for _, v := range []struct {
		name string
		to   *uint64
	}{{metaAcked, &acked}, {metaCursor, &cursor}, {metaOutcomeSeq, &outcomeSeq}, {metaScope, &scope}, {metaForms, &formsAfter}} {
		if *v.to, err = readU64(c.w, v.name); err != nil {
			return false, false, local(err)
		}
	}
	if acked >= c.w.DeviceSeq() {
		return false, false, nil
	}
	r.report(Sending)
	s := &pushSender{c: c, acked: acked, lastSent: acked, placeholders: map[uint64]bool{},
		changed: make(chan struct{}, 1), stop: make(chan struct{}),
		template: wire.SyncRequest{Version: wire.Version, Device: c.w.Device(), PushFrom: acked + 1,
			Cursor: cursor, PullMax: c.batcher.Size(), Outcomes: outcomeSeq, Scope: scope, Anchor: auditAnchor(c.w), FormsAfter: formsAfter}}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pr, pw := io.Pipe()
	counted := &countingReader{r: pr}
	sent := make(chan error, 1)
	go func() { sent <- s.run(pw) }()
	finish := func(err error) error {
		close(s.stop)
		pr.CloseWithError(io.ErrClosedPipe)
		serr := <-sent
		r.st.BytesSent += counted.n.Load()
		r.sum.BytesSent = r.st.BytesSent
		var le localError
		if errors.As(serr, &le) {
			return serr // the device's own failure explains the rest
		}
		return err
	}
	answer, err := st.pushStream(ctx, counted, func(err error) { pr.CloseWithError(err) })
	if err != nil {
		return false, false, finish(err)
	}
	defer answer.Close()
	counter := &countingReader{r: answer}
	progressed, final, err := c.readAcks(counter, s, r, acked, outcomeSeq)
	r.st.BytesReceived += counter.n.Load()
	r.sum.BytesReceived = r.st.BytesReceived
	if err == nil && final == nil {
		err = fmt.Errorf("%w: HQ ended the push stream without its answer", ErrLinkLost)
	}
	if err = finish(err); err != nil {
		return progressed, false, err
	}
	s.mu.Lock()
	acked, short := s.acked, s.acked < s.lastSent
	s.mu.Unlock()
	if short {
		return progressed, false, fmt.Errorf("HQ did not acknowledge changes from #%d", acked+1)
	}
	done, err = c.apply(r, final, nil, acked, outcomeSeq, formsAfter)
	return progressed, done, err
}

// readAcks stores HQ's acknowledgements as they come, until HQ's answer
// that ends the stream (final) or the stream fails.
func (c *Client) readAcks(answer io.Reader, s *pushSender, r *run, acked, outcomeSeq uint64) (progressed bool, final *wire.SyncResponse, err error) {
	limits := wire.DefaultLimits()
	frames, err := wire.NewFrameReader(answer, limits.MaxBody)
	if err != nil {
		return false, nil, local(err)
	}
	defer frames.Close()
	for {
		kind, payload, err := frames.Next()
		switch {
		case err == io.EOF:
			return progressed, nil, nil
		case errors.Is(err, wire.ErrMalformed), errors.Is(err, wire.ErrTooLarge):
			return progressed, nil, fmt.Errorf("%w: %w", ErrGarbled, err)
		case err != nil:
			return progressed, nil, err
		}
		switch kind {
		case wire.FrameError:
			we, err := wire.DecodeError(payload, limits)
			if err != nil {
				return progressed, nil, fmt.Errorf("%w: %w", ErrGarbled, err)
			}
			return progressed, nil, we
		case wire.FrameAck:
		case wire.FrameAnswer:
			resp, err := wire.DecodeResponse(payload, limits)
			if err != nil {
				return progressed, nil, fmt.Errorf("%w: %w", ErrGarbled, err)
			}
			return progressed, resp, nil
		default:
			return progressed, nil, fmt.Errorf("%w: a %s frame among HQ's acknowledgements", ErrGarbled, kind)
		}
		resp, err := wire.DecodeResponse(payload, limits)
		if err != nil {
			return progressed, nil, fmt.Errorf("%w: %w", ErrGarbled, err)
		}
		if resp.Order == wire.OrderWipe {
			return progressed, nil, c.wipe()
		}
		if resp.Acked > c.w.DeviceSeq() {
			return progressed, nil, local(fmt.Errorf("%w (HQ holds change %d, this workspace made %d)", ErrRestoredCopy, resp.Acked, c.w.DeviceSeq()))
		}
		if resp.Acked <= acked && len(resp.Results) == 0 {
			continue
		}
		s.mu.Lock()
		placeholders := maps.Clone(s.placeholders)
		s.mu.Unlock()
		for _, q := range resp.Results {
			if state, _ := heldState(q.Code); state == Held && q.DeviceSeq > acked && !placeholders[q.DeviceSeq] {
				r.sum.Quarantined++
				if q.Code == wire.CodeClockAhead {
					r.sum.ClockAhead++
				}
			}
		}
		meta := map[string][]byte{metaAcked: u64(max(resp.Acked, acked))}
		held, err := heldMeta(c.w, resp.Results, outcomeSeq, outcomeSeq)
		if err != nil {
			return progressed, nil, local(err)
		}
		maps.Copy(meta, held)
		if _, err := c.w.ApplyRemote(nil, meta); err != nil {
			return progressed, nil, local(fmt.Errorf("store HQ's acknowledgement: %w", err))
		}
		if resp.Acked > acked {
			for seq := range placeholders {
				if seq > acked && seq <= resp.Acked && !r.setAside[seq] {
					r.setAside[seq] = true
					r.st.Sent--
				}
			}
			r.st.Sent += int(resp.Acked - acked)
			acked = resp.Acked
			progressed = true
			s.ack(acked)
		}
		r.sum.Sent = r.st.Sent
		r.report(Sending)
	}
}

// countingWriter and countingReader count the bytes through them.
type countingWriter struct {
	w io.Writer
	n int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += n
	return n, err
}

// countingReader may be read by the HTTP transport's goroutine while
// another asks its count.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

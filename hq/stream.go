package hq

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/google/uuid"

	"fieldreg/sync/wire"
)

// servePush serves a push stream (wire.PathPush): it stores each frame of
// the body as it arrives, through the same push path as a sync round
// (authorization, the resend check, quarantine units), and writes back
// after each what the device has stored at HQ, while the body is still
// coming. A cut then costs the device only the frames in flight since the
// last acknowledgement, and it resumes from there on a new connection.
//
// The bounds of a round hold for the stream: a sync slot for its whole
// life (admit), each frame within syncLimits before it is decoded, and a
// progress deadline per frame (it must come at minRate after the grace),
// so a stream that stops moving is dropped and its slot freed.
func (s *Server) servePush(w http.ResponseWriter, r *http.Request, device uuid.UUID) {
	s.stats.syncs.Add(1)
	leave, err := s.admit(r.Context(), device)
	if err != nil {
		s.stats.refused.Add(1)
		writeError(w, wire.ErrorFor(err))
		return
	}
	defer leave()
	d := s.state().Devices[device]
	if d != nil && d.Revoked && d.WipeOrdered {
		writeError(w, wire.ErrorFor(s.wipeRevoked(r.Context(), device)))
		return
	}
	if err := check(d, device); err != nil {
		writeError(w, wire.ErrorFor(err))
		return
	}
	rc := http.NewResponseController(w)
	if err := rc.EnableFullDuplex(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		writeError(w, &wire.Error{Code: wire.CodeInternal, Message: "cannot answer while the push comes"})
		return
	}
	grace := orDefault(s.cfg.TransferGrace, DefaultTransferGrace)
	body := &progressReader{r: r.Body, rc: rc, start: time.Now(), grace: grace}
	limits := syncLimits()
	frames, err := wire.NewFrameReader(body, limits.MaxBody)
	if err != nil {
		writeError(w, &wire.Error{Code: wire.CodeInternal, Message: "frame reader"})
		return
	}
	defer frames.Close()
	w.Header().Set("Content-Type", wire.ContentType)
	w.WriteHeader(http.StatusOK)
	acks := wire.NewFrameWriter(flushWriter{w, rc}, wire.CompressFast)
	send := func(kind wire.FrameKind, payload []byte) error {
		rc.SetWriteDeadline(time.Now().Add(grace + time.Duration(len(payload)/minRate)*time.Second))
		return acks.Write(kind, payload)
	}
	var last *wire.SyncRequest
	for {
		// Each frame has the grace to start and must then come at minRate;
		// HQ's own time storing the one before is not the device's.
		body.start, body.n = time.Now(), 0
		kind, payload, err := frames.Next()
		if err == io.EOF {
			break // the device sent all it had and closed the body
		}
		if err != nil {
			if errors.Is(err, wire.ErrMalformed) || errors.Is(err, wire.ErrTooLarge) {
				s.refusePush(send, err)
			}
			return // otherwise the link is gone or too slow: nothing to answer
		}
		if kind != wire.FramePush {
			s.refusePush(send, refuse(wire.CodeBadRequest, "a %s frame in a push stream", kind))
			return
		}
		req, err := wire.DecodeRequest(payload, limits)
		if err != nil {
			s.refusePush(send, err)
			return
		}
		last = req
		ack, err := s.pushFrame(r.Context(), device, req)
		if err != nil {
			s.refusePush(send, err)
			return
		}
		enc, err := wire.EncodeResponse(ack)
		if err != nil {
			s.refusePush(send, refuse(wire.CodeInternal, "encode acknowledgement"))
			return
		}
		if err := send(wire.FrameAck, enc); err != nil {
			return // the device is gone; what was stored stays stored
		}
	}
	rc.SetReadDeadline(time.Time{})
	if last != nil {
		// The body is over: the rest of a round, as the answer to the last
		// frame with its push stored already, so the device needs no round
		// of its own after the stream.
		final := *last
		final.Push, final.PushFrom = nil, 0
		resp, err := s.answer(r.Context(), device, &final)
		if err != nil {
			s.refusePush(send, err)
			return
		}
		enc, err := wire.EncodeResponse(resp)
		if err != nil {
			s.refusePush(send, refuse(wire.CodeInternal, "encode response"))
			return
		}
		if err := send(wire.FrameAnswer, enc); err != nil {
			return
		}
	}
	if err := acks.Close(); err == nil {
		rc.Flush()
	}
}

// pushFrame stores one frame of a push stream and returns its
// acknowledgement: the device's acknowledged seq, the changes of this frame
// HQ holds in quarantine, and the wipe order if there is one. Released,
// dropped and refused outcomes, and everything a pull carries, go in the
// answer that ends the stream (wire.FrameAnswer).
func (s *Server) pushFrame(ctx context.Context, device uuid.UUID, req *wire.SyncRequest) (*wire.SyncResponse, error) {
	p, err := s.push(ctx, device, req)
	if err != nil {
		return nil, err
	}
	ack := &wire.SyncResponse{Version: wire.Version, Acked: p.device.Acked, Results: p.results,
		Cursor: req.Cursor, OutcomeSeq: req.Outcomes, Scope: req.Scope}
	if p.device.WipeOrdered {
		ack.Order = wire.OrderWipe
	}
	return ack, nil
}

// refusePush ends a push stream with HQ's refusal, as an error frame: the
// answer's status went out with the first acknowledgement's headers.
func (s *Server) refusePush(send func(wire.FrameKind, []byte) error, err error) {
	s.stats.refused.Add(1)
	we := wire.ErrorFor(err)
	if we.Code == wire.CodeInternal && we.Message == "" {
		s.logf("%s: %v", wire.PathPush, err)
	}
	if enc, err := wire.EncodeError(we); err == nil {
		send(wire.FrameError, enc)
	}
}

// flushWriter sends each write on at once: an acknowledgement is worth
// something only when it reaches the device before the link is cut.
type flushWriter struct {
	w  io.Writer
	rc *http.ResponseController
}

func (f flushWriter) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	if err == nil {
		err = f.rc.Flush()
	}
	return n, err
}

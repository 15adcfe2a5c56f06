package hq

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/google/uuid"
	"golang.org/x/net/netutil"

	"fieldreg/sync/pki"
	"fieldreg/sync/wire"
)

// What a request may make HQ hold, per path: an enrollment request is a
// token, a name and two keys; a sync request's body is at most what HQ
// decodes of one (a compressed body is never much larger than the plain).
const (
	maxEnrollBody = 64 << 10
	maxHeaderSize = 8 << 10
)

// Timeouts, chosen for a 64 kbit/s link with 600 ms round trips, where a
// 1 MiB batch takes two minutes or more to send: no fixed time fits both
// that and a connection that trickles a byte every few seconds to hold
// HQ's memory. So a transfer is bounded by its progress instead: an upload
// (or an answer) gets cfg.TransferGrace to start and must then average
// minRate, an eighth of such a link (a 1 MiB batch may take 17 minutes, a
// trickle is cut after the grace). The TLS handshake and the headers get
// the grace too (a handshake is ~3 KB: a few seconds on that link); an idle
// kept-alive connection is closed after idleTimeout (a device reuses it
// between the rounds of one sync at once).
const (
	minRate     = 1 << 10 // bytes per second
	idleTimeout = 2 * time.Minute
)

// HTTPStatus is the HTTP status HQ answers a wire error code with.
func HTTPStatus(c wire.Code) int {
	switch c {
	case wire.CodeBadRequest, wire.CodeVersion, wire.CodeClockAhead, wire.CodeInvalid:
		return http.StatusBadRequest
	case wire.CodeUnauthorized:
		return http.StatusUnauthorized
	case wire.CodeRevoked, wire.CodeWipe:
		return http.StatusForbidden
	case wire.CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case wire.CodeNotFound:
		return http.StatusNotFound
	case wire.CodeConflict:
		return http.StatusConflict
	case wire.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Handler serves the protocol: enrollment for anyone holding a token, sync
// only for a client certificate HQ's CA issued.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+wire.PathEnroll, func(w http.ResponseWriter, r *http.Request) {
		s.serve(w, r, maxEnrollBody, func(ctx context.Context, body []byte) ([]byte, error) { return s.Enroll(ctx, body) })
	})
	mux.HandleFunc("POST "+wire.PathSync, func(w http.ResponseWriter, r *http.Request) {
		if device, ok := s.device(w, r); ok {
			s.serve(w, r, int64(syncLimits().MaxBody), func(ctx context.Context, body []byte) ([]byte, error) { return s.Sync(ctx, device, body) })
		}
	})
	mux.HandleFunc("POST "+wire.PathPush, func(w http.ResponseWriter, r *http.Request) {
		if device, ok := s.device(w, r); ok {
			s.servePush(w, r, device)
		}
	})
	return mux
}

// device names the device a request comes from, or answers it with the
// refusal.
func (s *Server) device(w http.ResponseWriter, r *http.Request) (uuid.UUID, bool) {
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 {
		writeError(w, &wire.Error{Code: wire.CodeUnauthorized, Message: "a device certificate is required: enroll this device first"})
		return uuid.Nil, false
	}
	device, err := s.authenticate(r.TLS.VerifiedChains[0][0])
	if err != nil {
		writeError(w, wire.ErrorFor(err))
		return uuid.Nil, false
	}
	return device, true
}

// authenticate names the device a verified client certificate stands for:
// the one its common name names, if it carries the key that device
// enrolled with. A certificate of HQ's CA for another key (one signed for
// a refused enrollment, or with a leaked CA key) is not that device.
func (s *Server) authenticate(cert *x509.Certificate) (uuid.UUID, error) {
	device, err := pki.DeviceID(cert)
	if err != nil {
		return uuid.Nil, refuse(wire.CodeUnauthorized, "%v", err)
	}
	d := s.state().Devices[device]
	if d == nil {
		return uuid.Nil, refuse(wire.CodeUnauthorized, "device %s is not enrolled at this HQ", device)
	}
	pub, ok := cert.PublicKey.(ed25519.PublicKey)
	if !ok || !pub.Equal(ed25519.PublicKey(d.PublicKey)) {
		return uuid.Nil, refuse(wire.CodeUnauthorized, "the certificate's key is not the one device %q enrolled with", d.Name)
	}
	return device, nil
}

// serve reads a body of at most limit bytes, as fast as the link must
// deliver it (see minRate), and answers it with handle's result.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, limit int64, handle func(context.Context, []byte) ([]byte, error)) {
	if r.ContentLength > limit {
		writeError(w, &wire.Error{Code: wire.CodeTooLarge, Message: fmt.Sprintf("a body of %d bytes, limit %d", r.ContentLength, limit)})
		return
	}
	rc := http.NewResponseController(w)
	grace := orDefault(s.cfg.TransferGrace, DefaultTransferGrace)
	body, err := io.ReadAll(&progressReader{r: http.MaxBytesReader(w, r.Body, limit), rc: rc, start: time.Now(), grace: grace})
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeError(w, &wire.Error{Code: wire.CodeTooLarge, Message: err.Error()})
		}
		return // the connection is gone or too slow; the deadline stays, so it closes
	}
	// The body is read: from here the connection only waits for HQ.
	rc.SetReadDeadline(time.Time{})
	out, err := handle(r.Context(), body)
	if err != nil {
		we := wire.ErrorFor(err)
		if we.Code == wire.CodeInternal && we.Message == "" {
			s.logf("%s: %v", r.URL.Path, err)
		}
		writeError(w, we)
		return
	}
	rc.SetWriteDeadline(time.Now().Add(grace + time.Duration(len(out)/minRate)*time.Second))
	w.Header().Set("Content-Type", wire.ContentType)
	w.Write(out)
}

// progressReader moves the connection's read deadline on as bytes arrive:
// byte n must have come by start + grace + n/minRate.
type progressReader struct {
	r     io.Reader
	rc    *http.ResponseController
	start time.Time
	grace time.Duration
	n     int
}

func (p *progressReader) Read(b []byte) (int, error) {
	p.rc.SetReadDeadline(p.start.Add(p.grace + time.Duration(p.n)*time.Second/minRate))
	n, err := p.r.Read(b)
	p.n += n
	return n, err
}

// writeError answers with a refusal. Refusals are small; one the client
// does not read within DefaultTransferGrace is dropped.
func writeError(w http.ResponseWriter, e *wire.Error) {
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(DefaultTransferGrace))
	enc, err := wire.EncodeError(e)
	if err != nil {
		http.Error(w, e.Error(), HTTPStatus(e.Code))
		return
	}
	w.Header().Set("Content-Type", wire.ContentType)
	w.WriteHeader(HTTPStatus(e.Code))
	w.Write(wire.Compress(nil, enc))
}

// Serve answers the protocol over TLS on ln until ctx ends, then drains:
// it returns once the requests under way are answered (DrainTimeout at
// most), so the caller may close the server.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	// No ReadTimeout or WriteTimeout: a fixed time cannot tell a slow link
	// from a trickle; serve bounds each body by its progress instead.
	hs := &http.Server{
		Handler:           s.Handler(),
		TLSConfig:         s.TLSConfig(),
		ReadHeaderTimeout: orDefault(s.cfg.TransferGrace, DefaultTransferGrace),
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderSize,
		ErrorLog:          log.New(logWriter{s}, "", 0),
	}
	done, drained := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(drained)
		select {
		case <-ctx.Done():
			drain(hs, DrainTimeout)
		case <-done:
		}
	}()
	// Past MaxConns, a connection waits to be accepted until another closes.
	ln = netutil.LimitListener(ln, orDefault(s.cfg.MaxConns, DefaultMaxConns))
	err := hs.Serve(tls.NewListener(ln, hs.TLSConfig))
	close(done)
	<-drained // hs.Serve returns as soon as Shutdown starts; the requests under way are answered only now
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("serve: %w", err)
}

// logWriter sends the HTTP server's own complaints (failed handshakes, often
// just a cut link) to the server's log function.
type logWriter struct{ s *Server }

func (w logWriter) Write(p []byte) (int, error) {
	w.s.logf("%s", bytes.TrimRight(p, "\n"))
	return len(p), nil
}

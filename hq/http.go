package hq

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"

	"fieldreg/sync/pki"
	"fieldreg/sync/wire"
)

// maxRequestBody bounds a compressed request body read from the network.
const maxRequestBody = 32 << 20

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
		s.serve(w, r, func(ctx context.Context, body []byte) ([]byte, error) { return s.Enroll(ctx, body) })
	})
	mux.HandleFunc("POST "+wire.PathSync, func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 {
			writeError(w, &wire.Error{Code: wire.CodeUnauthorized, Message: "a device certificate is required: enroll this device first"})
			return
		}
		device, err := pki.DeviceID(r.TLS.VerifiedChains[0][0])
		if err != nil {
			writeError(w, &wire.Error{Code: wire.CodeUnauthorized, Message: err.Error()})
			return
		}
		s.serve(w, r, func(ctx context.Context, body []byte) ([]byte, error) { return s.Sync(ctx, device, body) })
	})
	return mux
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, handle func(context.Context, []byte) ([]byte, error)) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeError(w, &wire.Error{Code: wire.CodeTooLarge, Message: err.Error()})
		}
		return // the connection is gone
	}
	out, err := handle(r.Context(), body)
	if err != nil {
		we := wire.ErrorFor(err)
		if we.Code == wire.CodeInternal && we.Message == "" {
			s.logf("%s: %v", r.URL.Path, err)
		}
		writeError(w, we)
		return
	}
	w.Header().Set("Content-Type", wire.ContentType)
	w.Write(out)
}

func writeError(w http.ResponseWriter, e *wire.Error) {
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
	hs := &http.Server{
		Handler:           s.Handler(),
		TLSConfig:         s.TLSConfig(),
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       5 * time.Minute,
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

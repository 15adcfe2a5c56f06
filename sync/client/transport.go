package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
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

type httpsTransport struct {
	addr   string
	client *http.Client
}

func newHTTPSTransport(addr string, cfg *tls.Config) *httpsTransport {
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	return &httpsTransport{addr: addr, client: &http.Client{
		Transport: &http.Transport{
			DialContext:         dialer.DialContext,
			TLSClientConfig:     cfg,
			TLSHandshakeTimeout: 60 * time.Second, // satellite links: 600 ms round trips, several of them
			MaxIdleConnsPerHost: 1,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true, // bodies are zstd already
		},
	}}
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
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "https://"+t.addr+path, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("request to %s: %w", t.addr, err)
	}
	req.Header.Set("Content-Type", wire.ContentType)
	resp, err := t.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody+1))
	if err != nil {
		return nil, fmt.Errorf("read HQ's answer: %w", err)
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
	return nil, fmt.Errorf("HQ answered HTTP %d with no protocol error", resp.StatusCode)
}

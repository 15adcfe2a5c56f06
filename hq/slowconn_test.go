package hq_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/sync/pki"
	"fieldreg/sync/wire"
)

// newHQWith is newHQ with its config adjusted.
func newHQWith(t testing.TB, adjust func(*hq.Config)) *hq.Server {
	t.Helper()
	forms, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	cfg := hq.Config{Dir: t.TempDir(), Passphrase: testPass, KDF: cheapKDF, Validate: forms.Validator(time.Now)}
	adjust(&cfg)
	if err := hq.Init(cfg, "127.0.0.1:1", nil); err != nil {
		t.Fatal(err)
	}
	s, err := hq.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// trickle opens a connection to /v1/enroll as anyone may, announces a
// body of 60,000 bytes and sends a byte of it every 500 ms (or, with
// inHeaders, a header line a byte at a time). It reports on closed when
// HQ drops the connection.
func trickle(ctx context.Context, addr, fingerprint string, inHeaders bool, closed chan<- time.Duration) {
	start := time.Now()
	d := tls.Dialer{Config: pki.PinnedTLSConfig(fingerprint)}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		closed <- time.Since(start)
		return
	}
	defer c.Close()
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: hq\r\nContent-Type: %s\r\nContent-Length: 60000\r\n", wire.PathEnroll, wire.ContentType)
	var slow []byte
	if inHeaders {
		slow = []byte("X-Slow: " + string(bytes.Repeat([]byte("a"), 1000)))
	} else {
		head += "\r\n"
		slow = bytes.Repeat([]byte{0x28}, 60000)
	}
	c.Write([]byte(head))
	gone := make(chan struct{})
	go func() {
		io.Copy(io.Discard, c) // returns when HQ closes the connection
		close(gone)
	}()
	for _, b := range slow {
		select {
		case <-gone:
			closed <- time.Since(start)
			return
		case <-ctx.Done():
			return
		case <-time.After(500 * time.Millisecond):
		}
		if _, err := c.Write([]byte{b}); err != nil {
			closed <- time.Since(start)
			return
		}
	}
}

// TestSlowConnectionsDoNotStopASync: 50 connections that trickle their
// uploads (or their headers) a byte at a time, more than HQ accepts at
// once, are dropped once their grace is over, and meanwhile a device
// enrolls and syncs.
func TestSlowConnectionsDoNotStopASync(t *testing.T) {
	s := newHQWith(t, func(c *hq.Config) {
		c.MaxConns = 40
		c.TransferGrace = time.Second
	})
	addr := serve(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	const slow = 50
	closed := make(chan time.Duration, slow)
	var wg sync.WaitGroup
	for i := range slow {
		wg.Go(func() { trickle(ctx, addr, s.Fingerprint(), i%2 == 0, closed) })
	}
	defer func() {
		cancel()
		wg.Wait()
	}()
	time.Sleep(200 * time.Millisecond) // the slow ones hold every connection HQ accepts

	w := newDevice(t)
	start := time.Now()
	enroll(t, s, addr, w, "camp_north")
	h, _ := household(t, w, "camp_north", 2)
	if sum, err := syncNow(w); err != nil || sum.Sent != 3 {
		t.Fatalf("sync among slow connections: sent %d, %v", sum.Sent, err)
	}
	if _, err := s.Workspace().Get(h.ID); err != nil {
		t.Fatalf("the household is not at HQ: %v", err)
	}
	t.Logf("enrolled and synced in %v among %d slow connections", time.Since(start), slow)

	// A trickle at 2 bytes a second is far below what HQ waits for.
	deadline := time.After(20 * time.Second)
	for i := range slow {
		select {
		case took := <-closed:
			if took > 15*time.Second {
				t.Errorf("a slow connection was held %v", took)
			}
		case <-deadline:
			t.Fatalf("%d of %d slow connections still open after 20 s", slow-i, slow)
		}
	}
}

// TestEnrollmentBodyIsBounded: an enrollment request, which anyone may
// send, is refused as too large past 64 KiB, whether it says its length or
// not, without HQ reading the rest.
func TestEnrollmentBodyIsBounded(t *testing.T) {
	s := newHQ(t)
	addr := serve(t, s)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: pki.PinnedTLSConfig(s.Fingerprint())}}
	defer hc.CloseIdleConnections()
	big := bytes.Repeat([]byte{0x28}, 1<<20)
	for name, body := range map[string]io.Reader{
		"with its length":    bytes.NewReader(big),
		"without its length": io.MultiReader(bytes.NewReader(big)), // sent chunked
	} {
		resp, err := hc.Post("https://"+addr+wire.PathEnroll, wire.ContentType, body)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		plain, err := wire.Decompress(out, 1<<20)
		if err != nil {
			t.Fatalf("%s: HTTP %d without a protocol error", name, resp.StatusCode)
		}
		we, err := wire.DecodeError(plain, wire.DefaultLimits())
		if err != nil || resp.StatusCode != http.StatusRequestEntityTooLarge || we.Code != wire.CodeTooLarge {
			t.Fatalf("%s: HTTP %d, %v %v; want 413 too large", name, resp.StatusCode, we, err)
		}
	}
	// A request of the right size is answered as usual.
	req, _ := wire.EncodeEnrollRequest(&wire.EnrollRequest{Version: wire.Version, Token: "AAAA", Name: "x", PublicKey: make([]byte, 32)})
	resp, err := hc.Post("https://"+addr+wire.PathEnroll, wire.ContentType, bytes.NewReader(wire.Compress(nil, req)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("an enrollment with an unknown code: HTTP %d, want 401", resp.StatusCode)
	}
}

// TestSlowSteadyUploadIsServed: an upload that takes several times the
// grace, at twice the rate HQ requires (a poor 64 kbit/s link), is served:
// no fixed timeout cuts it.
func TestSlowSteadyUploadIsServed(t *testing.T) {
	s := newHQWith(t, func(c *hq.Config) { c.TransferGrace = 500 * time.Millisecond })
	addr := serve(t, s)
	code, err := s.NewEnrollment(context.Background(), hq.Enrollment{Name: "t", Sites: []string{"camp_north"}})
	if err != nil {
		t.Fatal(err)
	}
	name := make([]byte, 3000) // random hex: the body stays 3 KB compressed
	rand.Read(name)
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	req, err := wire.EncodeEnrollRequest(&wire.EnrollRequest{Version: wire.Version, Token: code.Token,
		Name: fmt.Sprintf("%x", name), PublicKey: pub})
	if err != nil {
		t.Fatal(err)
	}
	body := wire.Compress(nil, req)
	c, err := tls.Dial("tcp", addr, pki.PinnedTLSConfig(s.Fingerprint()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: hq\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", wire.PathEnroll, wire.ContentType, len(body))
	start := time.Now()
	for len(body) > 0 { // 256 bytes every 125 ms: 2 KiB/s
		n := min(256, len(body))
		if _, err := c.Write(body[:n]); err != nil {
			t.Fatalf("HQ cut a steady upload after %v: %v", time.Since(start), err)
		}
		body = body[n:]
		time.Sleep(125 * time.Millisecond)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer to a steady upload of %v: %v", time.Since(start), err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("a steady upload of %v: HTTP %d, want 200", time.Since(start), resp.StatusCode)
	}
	if d, _ := s.Devices(); len(d) != 1 {
		t.Fatalf("%d devices enrolled, want 1", len(d))
	}
}

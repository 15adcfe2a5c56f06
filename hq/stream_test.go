package hq_test

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/hq"
	"fieldreg/store"
	"fieldreg/sync/pki"
	"fieldreg/sync/wire"
)

// rawStream is a push stream spoken by hand: frames go up as chunks of one
// request, HQ's frames come down its answer.
type rawStream struct {
	conn   net.Conn
	up     *wire.FrameWriter
	chunks io.WriteCloser
	resp   *http.Response
	down   *wire.FrameReader
}

// enrollByHand enrolls a new key at s for camp_north and returns its
// client certificate.
func enrollByHand(t *testing.T, s *hq.Server) tls.Certificate {
	t.Helper()
	code, err := s.NewEnrollment(context.Background(), hq.Enrollment{Name: "raw", Sites: []string{"camp_north"}})
	if err != nil {
		t.Fatal(err)
	}
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	req, err := wire.EncodeEnrollRequest(&wire.EnrollRequest{Version: wire.Version, Token: code.Token, Name: "raw", PublicKey: pub})
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Enroll(context.Background(), wire.Compress(nil, req))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := wire.Decompress(out, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := wire.DecodeEnrollResponse(plain, wire.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	cert, err := pki.DeviceCert(key, resp.Cert)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func openStream(t *testing.T, addr string, cert tls.Certificate) *rawStream {
	t.Helper()
	c, err := tls.Dial("tcp", addr, &tls.Config{Certificates: []tls.Certificate{cert}, InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: hq\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n\r\n", wire.PathPush, wire.ContentType)
	chunks := httputil.NewChunkedWriter(c)
	return &rawStream{conn: c, chunks: chunks, up: wire.NewFrameWriter(chunks, wire.CompressSmall)}
}

// next reads HQ's next frame (the answer's headers first).
func (r *rawStream) next(t *testing.T) (wire.FrameKind, []byte, error) {
	t.Helper()
	r.conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	if r.resp == nil {
		resp, err := http.ReadResponse(bufio.NewReader(r.conn), nil)
		if err != nil {
			return 0, nil, err
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("push stream: HTTP %d", resp.StatusCode)
		}
		r.resp = resp
		if r.down, err = wire.NewFrameReader(resp.Body, 1<<20); err != nil {
			t.Fatal(err)
		}
	}
	return r.down.Next()
}

func pushFrame(t *testing.T, device uuid.UUID, from uint64, w *store.Workspace, n int) []byte {
	t.Helper()
	own, err := w.OwnChangesAfter(from-1, n)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := wire.EncodeRequest(&wire.SyncRequest{Version: wire.Version, Device: device, Push: own, PushFrom: from})
	if err != nil {
		t.Fatal(err)
	}
	return enc
}

// HQ stores each frame of a push stream and acknowledges it while the body
// is still open: the device hears of its first changes before it has sent
// the rest, and the stream ends with the answer a round would give.
func TestPushStreamAcknowledgesEachFrameAsItArrives(t *testing.T) {
	s := newHQ(t)
	addr := serve(t, s)
	w := newDevice(t)
	for range 4 {
		household(t, w, "camp_north", 2)
	}
	st := openStream(t, addr, enrollByHand(t, s))
	for i, want := range []uint64{3, 6, 9, 12} {
		if err := st.up.Write(wire.FramePush, pushFrame(t, w.Device(), uint64(3*i+1), w, 3)); err != nil {
			t.Fatal(err)
		}
		kind, p, err := st.next(t)
		if err != nil || kind != wire.FrameAck {
			t.Fatalf("after frame %d: %s frame, %v; want an acknowledgement", i+1, kind, err)
		}
		ack, err := wire.DecodeResponse(p, wire.DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		if ack.Acked != want || s.Workspace().LastLogSeq() != want {
			t.Fatalf("after frame %d: acknowledged %d, HQ holds %d; want %d", i+1, ack.Acked, s.Workspace().LastLogSeq(), want)
		}
	}
	st.up.Close()
	st.chunks.Close()
	io.WriteString(st.conn, "\r\n")
	kind, p, err := st.next(t)
	if err != nil || kind != wire.FrameAnswer {
		t.Fatalf("at the end of the body: %s frame, %v; want the answer", kind, err)
	}
	if resp, err := wire.DecodeResponse(p, wire.DefaultLimits()); err != nil || resp.Acked != 12 || resp.More {
		t.Fatalf("answer %+v, %v; want all 12 acknowledged and nothing more", resp, err)
	}
	if _, _, err := st.next(t); err != io.EOF {
		t.Fatalf("after the answer: %v, want the end", err)
	}
}

// A frame is bounded before it is read: one that announces more than a
// sync request may hold is refused at once, and nothing of it is stored.
func TestPushStreamRefusesAnOversizedFrameUnread(t *testing.T) {
	s := newHQ(t)
	addr := serve(t, s)
	st := openStream(t, addr, enrollByHand(t, s))
	// A header announcing 64 MiB, then nothing: HQ must not wait for it.
	// (A zstd frame of its own: the stream reads on across frames.)
	var h [5]byte
	h[0] = byte(wire.FramePush)
	binary.BigEndian.PutUint32(h[1:], 64<<20)
	if _, err := st.chunks.Write(wire.Compress(nil, h[:])); err != nil {
		t.Fatal(err)
	}
	kind, p, err := st.next(t)
	if err != nil || kind != wire.FrameError {
		t.Fatalf("%s frame, %v; want a refusal", kind, err)
	}
	we, err := wire.DecodeError(p, wire.DefaultLimits())
	if err != nil || we.Code != wire.CodeTooLarge {
		t.Fatalf("refusal %v, %v; want too large", we, err)
	}
}

// A stream that stops making progress is dropped after the transfer grace,
// and its sync slot freed: the device's next sync gets in.
func TestPushStreamThatStopsIsDropped(t *testing.T) {
	s := newHQWith(t, func(c *hq.Config) { c.TransferGrace = time.Second; c.MaxSyncs = 1 })
	addr := serve(t, s)
	w := newDevice(t)
	household(t, w, "camp_north", 2)
	cert := enrollByHand(t, s)
	st := openStream(t, addr, cert)
	if err := st.up.Write(wire.FramePush, pushFrame(t, w.Device(), 1, w, 3)); err != nil {
		t.Fatal(err)
	}
	if kind, _, err := st.next(t); err != nil || kind != wire.FrameAck {
		t.Fatalf("%s frame, %v; want an acknowledgement", kind, err)
	}
	start := time.Now()
	// Then nothing: HQ closes the connection.
	_, _, err := st.next(t)
	elapsed := time.Since(start)
	if err == nil {
		t.Fatal("a silent stream got another frame")
	}
	if elapsed < 500*time.Millisecond || elapsed > 10*time.Second {
		t.Fatalf("a silent stream dropped after %v (%v), want after the grace of 1s", elapsed, err)
	}
	// The slot (the only one) is free again.
	st2 := openStream(t, addr, cert)
	st2.up.Write(wire.FramePush, pushFrame(t, w.Device(), 1, w, 3))
	kind, p, err := st2.next(t)
	if err != nil || kind != wire.FrameAck {
		if kind == wire.FrameError {
			we, _ := wire.DecodeError(p, wire.DefaultLimits())
			t.Fatalf("the next stream: refused: %v", we)
		}
		t.Fatalf("the next stream: %s frame, %v; want an acknowledgement", kind, err)
	}
}

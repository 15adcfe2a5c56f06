package hq_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/hq"
	"fieldreg/store"
	"fieldreg/sync/client"
	"fieldreg/sync/pki"
	"fieldreg/sync/wire"
)

func TestSyncWithoutClientCertificateIsRefused(t *testing.T) {
	s := newHQ(t)
	addr := serve(t, s)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: pki.PinnedTLSConfig(s.Fingerprint())}}
	resp, err := hc.Post("https://"+addr+wire.PathSync, wire.ContentType, bytes.NewReader([]byte("x")))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	plain, err := wire.Decompress(body, 1<<20)
	if err != nil {
		t.Fatalf("HTTP %d, body not a protocol error: %v", resp.StatusCode, err)
	}
	we, err := wire.DecodeError(plain, wire.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusUnauthorized || we.Code != wire.CodeUnauthorized {
		t.Fatalf("HTTP %d, %v; want 401 unauthorized", resp.StatusCode, we)
	}
}

func TestSyncWithAnotherHQsCertificateIsRefused(t *testing.T) {
	mine, other := newHQ(t), newHQ(t)
	mineAddr, otherAddr := serve(t, mine), serve(t, other)
	w := newDevice(t)
	// Enrolled at the other HQ through a proxy that is then pointed at
	// this one: the device's certificate is not from this HQ's CA.
	p := newSwitch(t, otherAddr)
	enroll(t, other, p.addr(), w, "camp_north")
	p.point(mineAddr)
	household(t, w, "camp_north", 1)
	_, err := syncNow(w)
	if !errors.Is(err, client.ErrRefused) {
		t.Fatalf("sync with another HQ's certificate: %v, want ErrRefused", err)
	}
	if mine.Workspace().LastLogSeq() != 0 {
		t.Fatal("HQ stored changes from a device it never enrolled")
	}
	if !strings.Contains(err.Error(), "certificate") {
		t.Errorf("the error does not say the certificate was refused: %v", err)
	}
	if n, _ := client.Pending(w); n != 2 {
		t.Fatalf("pending after a refused sync = %d, want 2 (nothing lost)", n)
	}

	// HQ's side: a client certificate from another CA fails the handshake,
	// even for a client that trusts any server.
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	der, err := other.CA().IssueDevice(pub, uuid.New(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cert, err := pki.DeviceCert(key, der)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{Certificates: []tls.Certificate{cert}, InsecureSkipVerify: true}}}
	resp, err := hc.Post("https://"+mineAddr+wire.PathSync, wire.ContentType, bytes.NewReader(nil))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("HQ accepted a connection with another CA's device certificate: HTTP %d", resp.StatusCode)
	}
	if !strings.Contains(err.Error(), "certificate") {
		t.Errorf("refusal does not name the certificate: %v", err)
	}
}

func TestRevokedDeviceIsRefused(t *testing.T) {
	s := newHQ(t)
	addr := serve(t, s)
	w := newDevice(t)
	enr := enroll(t, s, addr, w, "camp_north")
	mustSync(t, w)
	if _, err := s.Revoke(context.Background(), enr.Device.String()); err != nil {
		t.Fatal(err)
	}
	household(t, w, "camp_north", 1)
	_, err := syncNow(w)
	if !errors.Is(err, client.ErrRevoked) {
		t.Fatalf("sync of a revoked device: %v, want ErrRevoked", err)
	}
	if key := client.ExplainKey(err); key == client.ExplainKey(errors.New("x")) {
		t.Errorf("no specific explanation for a revoked device: %q", key)
	}
	if s.Workspace().LastLogSeq() != 0 {
		t.Fatal("HQ stored changes from a revoked device")
	}
}

func TestReplayedBatchIsHarmless(t *testing.T) {
	s := newHQ(t)
	w := newDevice(t)
	var recorded [][]byte
	code, err := s.NewEnrollment(context.Background(), hq.Enrollment{Name: "t", Sites: []string{"camp_north"}})
	if err != nil {
		t.Fatal(err)
	}
	enr, err := client.EnrollVia(context.Background(), w, code.String(), client.TransportFunc(s.Enroll))
	if err != nil {
		t.Fatal(err)
	}
	tr := client.TransportFunc(func(ctx context.Context, body []byte) ([]byte, error) {
		recorded = append(recorded, body)
		return s.Sync(ctx, enr.Device, body)
	})
	sync := func() {
		c, _ := client.New(client.Config{Workspace: w, Transport: tr})
		if _, err := c.Sync(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	}
	h, _ := household(t, w, "camp_north", 2)
	sync()
	edit := func(v string) {
		if _, err := w.Commit(store.Edit{Record: h.ID, Kind: h.Kind, Set: map[string]string{"status": v}}); err != nil {
			t.Fatal(err)
		}
	}
	edit("moved")
	sync()
	before := s.Workspace().LastLogSeq()
	want, _ := s.Workspace().Get(h.ID)
	for _, old := range recorded {
		// An old request carries an old audit anchor: refused as a
		// rolled-back device, or served as a resend; never stored again.
		if _, err := s.Sync(context.Background(), enr.Device, old); err != nil && wire.ErrorFor(err).Code != wire.CodeRolledBack {
			t.Fatalf("replay: %v", err)
		}
	}
	if after := s.Workspace().LastLogSeq(); after != before {
		t.Fatalf("replaying old batches added %d changes", after-before)
	}
	got, _ := s.Workspace().Get(h.ID)
	if got.Value("status") != want.Value("status") || got.Value("status") != "moved" {
		t.Fatalf("status after replay = %q, want moved", got.Value("status"))
	}
	// Another enrolled device cannot pass the first one's batch as its own.
	w2 := newDevice(t)
	code2, _ := s.NewEnrollment(context.Background(), hq.Enrollment{Name: "t2", Sites: []string{"camp_north"}})
	enr2, err := client.EnrollVia(context.Background(), w2, code2.String(), client.TransportFunc(s.Enroll))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Sync(context.Background(), enr2.Device, recorded[0])
	var we *wire.Error
	if !errors.As(err, &we) || we.Code != wire.CodeUnauthorized {
		t.Fatalf("device 2 sending device 1's batch: %v, want unauthorized", err)
	}
}

func TestWipeOrder(t *testing.T) {
	s := newHQ(t)
	addr := serve(t, s)
	w := newDevice(t)
	enr := enroll(t, s, addr, w, "camp_north")
	h, _ := household(t, w, "camp_north", 1)
	if _, err := s.OrderWipe(context.Background(), enr.Device.String()); err != nil {
		t.Fatal(err)
	}
	dir := w.Dir()
	_, err := syncNow(w)
	if !errors.Is(err, client.ErrWiped) {
		t.Fatalf("sync after a wipe order: %v, want ErrWiped", err)
	}
	if _, err := s.Workspace().Get(h.ID); err != nil {
		t.Fatalf("what the device pushed before wiping is not at HQ: %v", err)
	}
	if _, err := store.Open(dir, "enumerator", testPass, store.Options{KDF: cheapKDF}); !errors.Is(err, store.ErrNoWorkspace) {
		t.Fatalf("open after wipe: %v, want ErrNoWorkspace", err)
	}
}

func TestEnrollmentCodeIsSingleUse(t *testing.T) {
	s := newHQ(t)
	addr := serve(t, s)
	code, err := s.NewEnrollment(context.Background(), hq.Enrollment{Name: "t", Sites: []string{"camp_north"}, Addr: addr})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Enroll(context.Background(), newDevice(t), code.String()); err != nil {
		t.Fatal(err)
	}
	_, err = client.Enroll(context.Background(), newDevice(t), code.String())
	var we *wire.Error
	if !errors.Is(err, client.ErrRefused) || !errors.As(err, &we) || we.Code != wire.CodeUnauthorized {
		t.Fatalf("second use of a code: %v, want refused as unauthorized", err)
	}
	if d, err := s.Devices(); err != nil || len(d) != 1 {
		t.Fatalf("%d devices enrolled (%v), want 1", len(d), err)
	}
}

func TestEnrollPinsTheFingerprint(t *testing.T) {
	s, impostor := newHQ(t), newHQ(t)
	addr := serve(t, impostor)
	code, err := s.NewEnrollment(context.Background(), hq.Enrollment{Name: "t", Sites: []string{"camp_north"}, Addr: addr})
	if err != nil {
		t.Fatal(err)
	}
	w := newDevice(t)
	if _, err := client.Enroll(context.Background(), w, code.String()); err == nil {
		t.Fatal("enrolled with a server whose certificate the code does not pin")
	}
	if _, ok, _ := client.Enrolled(w); ok {
		t.Fatal("device stored an enrollment from the wrong server")
	}
}

// switchProxy forwards connections to a target that can be changed.
type switchProxy struct {
	ln     net.Listener
	mu     sync.Mutex
	target string
}

func newSwitch(t *testing.T, target string) *switchProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &switchProxy{ln: ln, target: target}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			target := p.target
			p.mu.Unlock()
			go func() {
				defer c.Close()
				u, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer u.Close()
				go io.Copy(u, c)
				io.Copy(c, u)
			}()
		}
	}()
	return p
}

func (p *switchProxy) addr() string { return p.ln.Addr().String() }

func (p *switchProxy) point(target string) {
	p.mu.Lock()
	p.target = target
	p.mu.Unlock()
}

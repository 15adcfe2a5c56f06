package hq_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"fieldreg/hq"
	"fieldreg/sync/client"
	"fieldreg/sync/pki"
	"fieldreg/sync/wire"
)

// postSync posts a sync body to HQ at addr with the client certificate
// cert and returns the HTTP status and the protocol error, if any.
func postSync(t *testing.T, addr string, cert tls.Certificate, body []byte) (int, *wire.Error) {
	t.Helper()
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{Certificates: []tls.Certificate{cert}, InsecureSkipVerify: true}}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Post("https://"+addr+wire.PathSync, wire.ContentType, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK {
		return resp.StatusCode, nil
	}
	plain, err := wire.Decompress(out, 1<<20)
	if err != nil {
		t.Fatalf("HTTP %d without a protocol error: %v", resp.StatusCode, err)
	}
	we, err := wire.DecodeError(plain, wire.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, we
}

// TestCertificateWithAnotherKeyIsNotTheDevice: a certificate of HQ's own
// CA that names an enrolled device but carries another key (as one signed
// for a refused enrollment would) does not sync as that device.
func TestCertificateWithAnotherKeyIsNotTheDevice(t *testing.T) {
	s := newHQ(t)
	addr := serve(t, s)
	enr := enroll(t, s, addr, newDevice(t), "camp_north")

	thief := newDevice(t)
	household(t, thief, "camp_north", 1)
	own, err := thief.OwnChangesAfter(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	req, err := wire.EncodeRequest(&wire.SyncRequest{Version: wire.Version, Device: thief.Device(), Push: own, PushFrom: 1})
	if err != nil {
		t.Fatal(err)
	}
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	der, err := s.CA().IssueDevice(pub, enr.Device, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cert, err := pki.DeviceCert(key, der)
	if err != nil {
		t.Fatal(err)
	}
	status, we := postSync(t, addr, cert, wire.Compress(nil, req))
	if status != http.StatusUnauthorized || we == nil || we.Code != wire.CodeUnauthorized {
		t.Fatalf("sync with the device's name and another key: HTTP %d, %v; want 401 unauthorized", status, we)
	}
	if n := s.Workspace().LastLogSeq(); n != 0 {
		t.Fatalf("HQ stored %d changes sent with another key", n)
	}
	if d, _ := s.Device(enr.Device.String()); d.LastSync != 0 {
		t.Fatal("the forged sync counts as the device's")
	}
}

// TestEnrollmentWithoutAUsableCodeSignsNothing: enrollment is open to
// anyone who can reach HQ, so a request without a valid code (unknown,
// expired, or one already used, with another key) must be refused before
// HQ signs a certificate: it costs far less than one signature.
func TestEnrollmentWithoutAUsableCodeSignsNothing(t *testing.T) {
	s := newHQ(t)
	ctx := context.Background()
	used, err := s.NewEnrollment(ctx, hq.Enrollment{Name: "t", Sites: []string{"camp_north"}})
	if err != nil {
		t.Fatal(err)
	}
	expired, err := s.NewEnrollment(ctx, hq.Enrollment{Name: "t2", Sites: []string{"camp_north"}, TTL: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	body := func(token string) []byte {
		pub, _, _ := ed25519.GenerateKey(rand.Reader)
		req, err := wire.EncodeEnrollRequest(&wire.EnrollRequest{Version: wire.Version, Token: token, Name: "x", PublicKey: pub})
		if err != nil {
			t.Fatal(err)
		}
		return wire.Compress(nil, req)
	}
	if _, err := s.Enroll(ctx, body(used.Token)); err != nil {
		t.Fatal(err)
	}
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	signing := testing.AllocsPerRun(20, func() { s.CA().IssueDevice(pub, [16]byte{1}, time.Now()) })
	for name, token := range map[string]string{"unknown": "AAAABBBBCCCCDDDDEEEEFFFFGG", "expired": expired.Token, "used, another key": used.Token} {
		b := body(token)
		if _, err := s.Enroll(ctx, b); wire.ErrorFor(err).Code != wire.CodeUnauthorized {
			t.Fatalf("%s code: %v, want unauthorized", name, err)
		}
		if refused := testing.AllocsPerRun(20, func() { s.Enroll(ctx, b) }); refused > signing/2 {
			t.Errorf("%s code: a refusal costs %.0f allocations, signing a certificate %.0f: HQ signs before checking", name, refused, signing)
		}
	}
	if d, _ := s.Devices(); len(d) != 1 {
		t.Fatalf("%d devices, want 1", len(d))
	}
}

// TestRevokedDeviceGetsItsWipeByBundle: a revoked tablet that only ever
// sees USB bundles is wiped by the return bundle once a wipe is ordered;
// without the order, a revoked device gets no bundle.
func TestRevokedDeviceGetsItsWipeByBundle(t *testing.T) {
	s := newHQ(t)
	w, device := enrolledVia(t, s, "tablet")
	ctx := context.Background()
	if _, err := s.Revoke(ctx, device.String()); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := s.ExportBundle(ctx, device.String(), &out); !errors.Is(err, hq.ErrDeviceRevoked) {
		t.Fatalf("a bundle for a revoked device: %v, want ErrDeviceRevoked", err)
	}
	if _, err := s.OrderWipe(ctx, device.String()); err != nil {
		t.Fatal(err)
	}
	// What the tablet sends meanwhile is not stored.
	household(t, w, "camp_north", 1)
	var from bytes.Buffer
	if _, err := client.ExportBundle(w, &from); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportBundle(ctx, &from); !errors.Is(err, hq.ErrDeviceRevoked) {
		t.Fatalf("the revoked tablet's bundle: %v, want ErrDeviceRevoked", err)
	}
	if n := s.Workspace().LastLogSeq(); n != 0 {
		t.Fatalf("HQ stored %d changes of the revoked tablet's bundle", n)
	}
	if _, err := s.ExportBundle(ctx, device.String(), &out); err != nil {
		t.Fatalf("a bundle for a revoked device ordered to wipe: %v", err)
	}
	if _, err := client.ImportBundle(w, &out); !errors.Is(err, client.ErrWiped) {
		t.Fatalf("the tablet importing it: %v, want ErrWiped", err)
	}
}

package pki

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

var now = time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)

func newCA(t *testing.T, name string) *CA {
	t.Helper()
	ca, err := NewCA(name, now)
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

func serverCert(t *testing.T, ca *CA) tls.Certificate {
	t.Helper()
	c, err := ca.ServerCert([]string{"hq.example.org", "127.0.0.1"}, now)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrolledDevice makes a device key and has ca issue its certificate.
func enrolledDevice(t *testing.T, ca *CA) (uuid.UUID, tls.Certificate) {
	t.Helper()
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.New()
	der, err := ca.IssueDevice(pub, id, now)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := DeviceCert(key, der)
	if err != nil {
		t.Fatal(err)
	}
	return id, cert
}

// handshake runs a TLS handshake over an in-memory connection and returns
// the client's error, the server's error, and what the server saw.
func handshake(t *testing.T, server, client *tls.Config) (state tls.ConnectionState, clientErr, serverErr error) {
	t.Helper()
	c1, c2 := net.Pipe()
	defer c1.Close()
	defer c2.Close()
	srv := tls.Server(c1, server)
	done := make(chan error, 1)
	go func() {
		err := srv.Handshake()
		if err == nil {
			// TLS 1.3: the client's certificate is checked after the client
			// considers the handshake done; read to let the alert through.
			srv.Write([]byte("ok"))
		}
		c1.Close()
		done <- err
	}()
	cli := tls.Client(c2, client)
	clientErr = cli.Handshake()
	if clientErr == nil {
		buf := make([]byte, 2)
		_, clientErr = cli.Read(buf)
	}
	c2.Close()
	serverErr = <-done
	return srv.ConnectionState(), clientErr, serverErr
}

func TestPinnedClientTrustsOnlyThePinnedCert(t *testing.T) {
	ca := newCA(t, "HQ")
	good := serverCert(t, ca)
	other := serverCert(t, newCA(t, "impostor"))
	sameCA := serverCert(t, ca)
	pin := Fingerprint(good.Certificate[0])

	tests := []struct {
		name    string
		present tls.Certificate
		ok      bool
	}{
		{"pinned certificate", good, true},
		{"another CA's certificate", other, false},
		{"another certificate of the same CA", sameCA, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, cerr, _ := handshake(t, &tls.Config{Certificates: []tls.Certificate{tt.present}}, PinnedTLSConfig(pin))
			if tt.ok && cerr != nil {
				t.Fatalf("refused: %v", cerr)
			}
			if !tt.ok && !errors.Is(cerr, ErrFingerprint) {
				t.Fatalf("got %v, want ErrFingerprint", cerr)
			}
		})
	}
	// The pin is read forgivingly: upper case, with colons.
	var pairs []string
	for i := 0; i < len(pin); i += 2 {
		pairs = append(pairs, strings.ToUpper(pin[i:i+2]))
	}
	upper := strings.Join(pairs, ":")
	if _, cerr, _ := handshake(t, &tls.Config{Certificates: []tls.Certificate{good}}, PinnedTLSConfig(upper)); cerr != nil {
		t.Errorf("pin in upper case with colons refused: %v", cerr)
	}
}

func TestIssuedDeviceCertVerifies(t *testing.T) {
	ca := newCA(t, "HQ")
	id, cert := enrolledDevice(t, ca)
	_, err := cert.Leaf.Verify(x509.VerifyOptions{
		Roots: ca.Pool(), CurrentTime: now.Add(365 * 24 * time.Hour),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	if err != nil {
		t.Fatalf("device certificate does not verify against its CA: %v", err)
	}
	got, err := DeviceID(cert.Leaf)
	if err != nil || got != id {
		t.Fatalf("DeviceID = %v, %v; want %v", got, err, id)
	}
	if _, err := ca.IssueDevice(make([]byte, 5), id, now); err == nil {
		t.Error("a 5-byte public key was accepted")
	}
	if _, err := DeviceID(ca.Cert); !errors.Is(err, ErrNotDevice) {
		t.Errorf("DeviceID of the CA certificate: got %v, want ErrNotDevice", err)
	}
}

func TestMutualTLS(t *testing.T) {
	ca := newCA(t, "HQ")
	srvCert := serverCert(t, ca)
	strict := ServerTLSConfig(srvCert, ca)
	strict.ClientAuth = tls.RequireAndVerifyClientCert

	id, good := enrolledDevice(t, ca)
	_, foreign := enrolledDevice(t, newCA(t, "elsewhere"))

	t.Run("enrolled device", func(t *testing.T) {
		cfg, err := DeviceTLSConfig(good, ca.DER())
		if err != nil {
			t.Fatal(err)
		}
		state, cerr, serr := handshake(t, strict, cfg)
		if cerr != nil || serr != nil {
			t.Fatalf("client %v, server %v", cerr, serr)
		}
		if len(state.VerifiedChains) == 0 {
			t.Fatal("server has no verified chain")
		}
		if got, err := DeviceID(state.VerifiedChains[0][0]); err != nil || got != id {
			t.Errorf("server sees device %v, %v; want %v", got, err, id)
		}
	})
	t.Run("device of another CA", func(t *testing.T) {
		cfg, err := DeviceTLSConfig(foreign, ca.DER())
		if err != nil {
			t.Fatal(err)
		}
		_, _, serr := handshake(t, strict, cfg)
		if serr == nil {
			t.Fatal("server accepted a certificate from another CA")
		}
	})
	t.Run("no client certificate", func(t *testing.T) {
		_, _, serr := handshake(t, strict, PinnedTLSConfig(Fingerprint(srvCert.Certificate[0])))
		if serr == nil {
			t.Fatal("server accepted a client without a certificate")
		}
	})
	t.Run("enrollment without certificate is let through", func(t *testing.T) {
		state, _, serr := handshake(t, ServerTLSConfig(srvCert, ca), PinnedTLSConfig(Fingerprint(srvCert.Certificate[0])))
		if serr != nil || len(state.VerifiedChains) != 0 {
			t.Fatalf("server error %v, chains %d", serr, len(state.VerifiedChains))
		}
	})
	t.Run("server of another CA", func(t *testing.T) {
		impostor := ServerTLSConfig(serverCert(t, newCA(t, "impostor")), ca)
		cfg, err := DeviceTLSConfig(good, ca.DER())
		if err != nil {
			t.Fatal(err)
		}
		_, cerr, _ := handshake(t, impostor, cfg)
		if cerr == nil {
			t.Fatal("device trusted a server of another CA")
		}
	})
}

func TestStoredFormsRoundTrip(t *testing.T) {
	ca := newCA(t, "HQ")
	data, err := MarshalCA(ca)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseCA(data)
	if err != nil {
		t.Fatal(err)
	}
	// The parsed CA must still issue certificates that verify.
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	der, err := back.IssueDevice(pub, uuid.New(), now)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: ca.Pool(), CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("certificate from the parsed CA: %v", err)
	}

	srv := serverCert(t, ca)
	data, err = MarshalTLSCert(srv)
	if err != nil {
		t.Fatal(err)
	}
	srvBack, err := ParseTLSCert(data)
	if err != nil {
		t.Fatal(err)
	}
	if Fingerprint(srvBack.Certificate[0]) != Fingerprint(srv.Certificate[0]) || len(srvBack.Certificate) != 2 {
		t.Error("stored server certificate changed")
	}
	for _, bad := range [][]byte{nil, []byte("garbage"), data[:len(data)/2]} {
		if _, err := ParseCA(bad); err == nil {
			t.Errorf("ParseCA accepted %q", bad)
		}
	}
}

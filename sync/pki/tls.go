package pki

import (
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// ErrFingerprint is returned when HQ presents a certificate other than the
// one an enrollment code pins.
var ErrFingerprint = errors.New("server certificate does not match the enrollment code's fingerprint")

// Fingerprint returns the SHA-256 of a DER certificate in lowercase hex.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// normalizeFingerprint accepts hex in either case, with or without colons.
func normalizeFingerprint(fp string) string {
	return strings.ToLower(strings.ReplaceAll(fp, ":", ""))
}

// PinnedTLSConfig trusts exactly the server certificate with this
// fingerprint, for enrollment, when the device knows no CA yet. Name and
// chain are not checked: the fingerprint is the whole of the trust.
func PinnedTLSConfig(fingerprint string) *tls.Config {
	want := []byte(normalizeFingerprint(fingerprint))
	return &tls.Config{
		MinVersion:         tls.VersionTLS13,
		InsecureSkipVerify: true, // replaced by the pin below
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 {
				return ErrFingerprint
			}
			got := []byte(Fingerprint(raw[0]))
			if len(want) != len(got) || subtle.ConstantTimeCompare(got, want) != 1 {
				return ErrFingerprint
			}
			return nil
		},
	}
}

// DeviceTLSConfig is a device's config for every connection after
// enrollment: it presents the device's certificate and trusts a server
// certificate issued by HQ's CA, whatever address it was reached at.
func DeviceTLSConfig(cert tls.Certificate, caDER []byte) (*tls.Config, error) {
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, fmt.Errorf("device TLS config: CA certificate: %w", err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	return &tls.Config{
		MinVersion:         tls.VersionTLS13,
		Certificates:       []tls.Certificate{cert},
		InsecureSkipVerify: true, // replaced by the chain check below, without host names
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 {
				return errors.New("server sent no certificate")
			}
			leaf, err := x509.ParseCertificate(raw[0])
			if err != nil {
				return fmt.Errorf("server certificate: %w", err)
			}
			_, err = leaf.Verify(x509.VerifyOptions{
				Roots:     roots,
				KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
				// Field devices' clocks are often far off; trust comes
				// from the CA and HQ's revocation list, not from dates.
				CurrentTime: leaf.NotBefore,
			})
			if err != nil {
				return fmt.Errorf("server certificate not issued by HQ's CA: %w", err)
			}
			return nil
		},
	}, nil
}

// ServerTLSConfig is HQ's config: it presents the server certificate and
// verifies a client certificate against the CA when one is given. A
// connection without one may only enroll; the handler checks
// r.TLS.VerifiedChains for every other request.
func ServerTLSConfig(cert tls.Certificate, ca *CA) *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{cert},
		ClientCAs:    ca.Pool(),
		ClientAuth:   tls.VerifyClientCertIfGiven,
	}
}

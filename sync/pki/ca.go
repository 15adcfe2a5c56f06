package pki

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"

	"github.com/google/uuid"
)

// Validity periods. Devices may spend months offline, so certificates last
// long; revocation is HQ's device list, checked on every request.
const (
	CAValidity     = 10 * 365 * 24 * time.Hour
	ServerValidity = 10 * 365 * 24 * time.Hour
	DeviceValidity = 5 * 365 * 24 * time.Hour
)

// backdate covers devices whose clock is somewhat behind HQ's.
const backdate = 48 * time.Hour

// ErrNotDevice is returned for a certificate that names no device.
var ErrNotDevice = errors.New("certificate names no device")

// CA is HQ's certificate authority: a self-signed Ed25519 certificate and
// its key.
type CA struct {
	Cert *x509.Certificate
	key  ed25519.PrivateKey
}

// NewCA creates a CA valid for CAValidity from now.
func NewCA(name string, now time.Time) (*CA, error) {
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("new CA key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: name, Organization: []string{"Fieldreg"}},
		NotBefore:             now.Add(-backdate),
		NotAfter:              now.Add(CAValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, key)
	if err != nil {
		return nil, fmt.Errorf("new CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("new CA certificate: %w", err)
	}
	return &CA{Cert: cert, key: key}, nil
}

// DER returns the CA certificate, as sent to devices at enrollment.
func (ca *CA) DER() []byte { return ca.Cert.Raw }

// Pool returns a pool holding the CA certificate.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// ServerCert issues HQ's TLS certificate for hosts (names or IP addresses),
// with a fresh key. Its fingerprint goes into enrollment codes, so HQ keeps
// it (MarshalTLSCert) rather than making a new one at each start.
func (ca *CA) ServerCert(hosts []string, now time.Time) (tls.Certificate, error) {
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("new server key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "fieldreg-hq", Organization: []string{"Fieldreg"}},
		NotBefore:    now.Add(-backdate),
		NotAfter:     now.Add(ServerValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, pub, ca.key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("issue server certificate: %w", err)
	}
	return tlsCert(der, ca.Cert.Raw, key)
}

// IssueDevice issues a client certificate for a device's Ed25519 key. Its
// common name is the device id.
func (ca *CA) IssueDevice(pub ed25519.PublicKey, device uuid.UUID, now time.Time) ([]byte, error) {
	if len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("issue device certificate: public key of %d bytes, want %d", len(pub), ed25519.PublicKeySize)
	}
	if device == uuid.Nil {
		return nil, fmt.Errorf("issue device certificate: %w", ErrNotDevice)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: device.String(), Organization: []string{"Fieldreg"}},
		NotBefore:    now.Add(-backdate),
		NotAfter:     now.Add(DeviceValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, pub, ca.key)
	if err != nil {
		return nil, fmt.Errorf("issue device certificate: %w", err)
	}
	return der, nil
}

// DeviceID returns the device a verified client certificate names.
func DeviceID(cert *x509.Certificate) (uuid.UUID, error) {
	id, err := uuid.Parse(cert.Subject.CommonName)
	if err != nil || id == uuid.Nil || id.String() != cert.Subject.CommonName {
		return uuid.Nil, fmt.Errorf("%w: common name %q", ErrNotDevice, cert.Subject.CommonName)
	}
	return id, nil
}

// DeviceCert pairs a device's key with the certificate HQ issued for it, for
// use in DeviceTLSConfig.
func DeviceCert(key ed25519.PrivateKey, certDER []byte) (tls.Certificate, error) {
	return tlsCert(certDER, nil, key)
}

func tlsCert(leaf, ca []byte, key ed25519.PrivateKey) (tls.Certificate, error) {
	cert, err := x509.ParseCertificate(leaf)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("parse certificate: %w", err)
	}
	pub, ok := cert.PublicKey.(ed25519.PublicKey)
	if !ok || !pub.Equal(key.Public()) {
		return tls.Certificate{}, errors.New("certificate is not for this key")
	}
	chain := [][]byte{leaf}
	if ca != nil {
		chain = append(chain, ca)
	}
	return tls.Certificate{Certificate: chain, PrivateKey: key, Leaf: cert}, nil
}

func randomSerial() (*big.Int, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("certificate serial: %w", err)
	}
	return serial, nil
}

// PEM block types of the stored forms.
const (
	pemCert = "CERTIFICATE"
	pemKey  = "PRIVATE KEY"
)

// MarshalCA returns the CA certificate and key in PEM, for HQ's encrypted
// store. The key is in the clear in these bytes: never write them elsewhere.
func MarshalCA(ca *CA) ([]byte, error) {
	return marshalPEM([][]byte{ca.Cert.Raw}, ca.key)
}

// ParseCA reads what MarshalCA wrote.
func ParseCA(data []byte) (*CA, error) {
	chain, key, err := parsePEM(data)
	if err != nil {
		return nil, fmt.Errorf("parse CA: %w", err)
	}
	if len(chain) != 1 {
		return nil, fmt.Errorf("parse CA: %d certificates, want 1", len(chain))
	}
	cert, err := x509.ParseCertificate(chain[0])
	if err != nil {
		return nil, fmt.Errorf("parse CA: %w", err)
	}
	if pub, ok := cert.PublicKey.(ed25519.PublicKey); !ok || !pub.Equal(key.Public()) || !cert.IsCA {
		return nil, errors.New("parse CA: certificate and key do not make a CA")
	}
	return &CA{Cert: cert, key: key}, nil
}

// MarshalTLSCert returns a certificate chain and its Ed25519 key in PEM, for
// HQ's server certificate or a device's client certificate in an encrypted
// store.
func MarshalTLSCert(c tls.Certificate) ([]byte, error) {
	key, ok := c.PrivateKey.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("marshal certificate: %T key, want Ed25519", c.PrivateKey)
	}
	return marshalPEM(c.Certificate, key)
}

// ParseTLSCert reads what MarshalTLSCert wrote.
func ParseTLSCert(data []byte) (tls.Certificate, error) {
	chain, key, err := parsePEM(data)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("parse certificate: %w", err)
	}
	if len(chain) == 0 {
		return tls.Certificate{}, errors.New("parse certificate: no certificate")
	}
	c, err := tlsCert(chain[0], nil, key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("parse certificate: %w", err)
	}
	c.Certificate = chain
	return c, nil
}

func marshalPEM(chain [][]byte, key ed25519.PrivateKey) ([]byte, error) {
	var out []byte
	for _, der := range chain {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: pemCert, Bytes: der})...)
	}
	pk, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("marshal key: %w", err)
	}
	return append(out, pem.EncodeToMemory(&pem.Block{Type: pemKey, Bytes: pk})...), nil
}

func parsePEM(data []byte) (chain [][]byte, key ed25519.PrivateKey, err error) {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		switch b.Type {
		case pemCert:
			chain = append(chain, b.Bytes)
		case pemKey:
			k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
			if err != nil {
				return nil, nil, err
			}
			var ok bool
			if key, ok = k.(ed25519.PrivateKey); !ok {
				return nil, nil, fmt.Errorf("%T key, want Ed25519", k)
			}
		default:
			return nil, nil, fmt.Errorf("unexpected PEM block %q", b.Type)
		}
	}
	if key == nil {
		return nil, nil, errors.New("no private key")
	}
	return chain, key, nil
}

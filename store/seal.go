package store

import (
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"sync"

	"golang.org/x/crypto/chacha20poly1305"
)

// sealer seals and opens the values of one bbolt bucket with that bucket's
// subkey. The associated data is the bucket name and the value's key, so a
// ciphertext moved to another key or bucket fails to open.
type sealer struct {
	bucket []byte
	aead   cipher.AEAD
	nonces *nonceSource
}

// nonceSource hands out random nonces from a buffer filled from
// crypto/rand, one read per 170 nonces instead of one per value.
type nonceSource struct {
	mu  sync.Mutex
	buf [nonceSize * 170]byte
	off int
}

func newNonceSource() *nonceSource { return &nonceSource{off: nonceSize * 170} }

func (n *nonceSource) fill(dst []byte) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.off+len(dst) > len(n.buf) {
		rand.Read(n.buf[:]) // never fails: since Go 1.24 it crashes the process instead
		n.off = 0
	}
	copy(dst, n.buf[n.off:])
	clear(n.buf[n.off : n.off+len(dst)]) // a nonce handed out is not kept around
	n.off += len(dst)
}

const nonceSize = chacha20poly1305.NonceSizeX

// subkey derives the key for one purpose from the master key.
func subkey(master []byte, purpose string) ([]byte, error) {
	return hkdf.Key(sha256.New, master, nil, "fieldreg store v1 "+purpose, 32)
}

func newSealer(master []byte, bucket string, nonces *nonceSource) (*sealer, error) {
	k, err := subkey(master, "bucket "+bucket)
	if err != nil {
		return nil, fmt.Errorf("derive %s key: %w", bucket, err)
	}
	aead, err := chacha20poly1305.NewX(k)
	if err != nil {
		return nil, err
	}
	return &sealer{bucket: []byte(bucket), aead: aead, nonces: nonces}, nil
}

func (s *sealer) ad(key []byte) []byte {
	ad := make([]byte, 0, len(s.bucket)+1+len(key))
	ad = append(ad, s.bucket...)
	ad = append(ad, 0)
	return append(ad, key...)
}

// seal returns nonce ‖ ciphertext ‖ tag.
func (s *sealer) seal(key, plain []byte) []byte {
	out := make([]byte, nonceSize, nonceSize+len(plain)+s.aead.Overhead())
	s.nonces.fill(out)
	return s.aead.Seal(out, out[:nonceSize], plain, s.ad(key))
}

// open authenticates and decrypts a sealed value stored under key.
func (s *sealer) open(key, sealed []byte) ([]byte, error) { return s.openTo(nil, key, sealed) }

// openTo is open appending the plaintext to dst, so a loop can reuse one buffer.
func (s *sealer) openTo(dst, key, sealed []byte) ([]byte, error) {
	if len(sealed) < nonceSize+s.aead.Overhead() {
		return nil, fmt.Errorf("%s/%x: sealed value too short: %w", s.bucket, key, ErrCorrupt)
	}
	plain, err := s.aead.Open(dst, sealed[:nonceSize], sealed[nonceSize:], s.ad(key))
	if err != nil {
		return nil, fmt.Errorf("%s/%x: authentication failed: %w", s.bucket, key, ErrCorrupt)
	}
	return plain, nil
}

// namer turns caller-chosen names (drafts, meta) into opaque bucket keys, so
// a name that happens to hold a person's name never reaches the file.
type namer struct{ key []byte }

func (n namer) key16(name string) []byte {
	m := hmac.New(sha256.New, n.key)
	m.Write([]byte(name))
	return m.Sum(nil)[:16]
}

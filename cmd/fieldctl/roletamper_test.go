package main

import (
	"bytes"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"

	"fieldreg/store"
)

// promoteOwnSlot is the attack from issue 10, done from the key file's
// documented layout (store/doc.go) with nothing but the user's own
// passphrase: unwrap the slot, set its role byte to admin (3), wrap again.
func promoteOwnSlot(t *testing.T, dir, user, pass string) {
	t.Helper()
	path := filepath.Join(dir, store.KeyFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const header, slotSize = 64, 256
	for off := header; off+slotSize <= len(b); off += slotSize {
		s := b[off : off+slotSize]
		if s[0] == 0 || string(s[32:32+int(s[2])]) != user {
			continue
		}
		wrapLen, ad := 48, func(s []byte) []byte { return append(bytes.Clone(b[:32]), s[:96]...) }
		if s[0] == 2 { // v2: a longer wrap, the role tag in the associated data
			wrapLen = 80
			ad = func(s []byte) []byte { return append(append(bytes.Clone(b[:32]), s[:96]...), s[200:216]...) }
		}
		if s[0] == 3 { // v3: the private key wrapped, the master key sealed to the public key
			ad = func(s []byte) []byte { return append(append(bytes.Clone(b[:32]), s[:96]...), s[168:200]...) }
			promoteV3(t, b, (off-header)/slotSize, pass, ad)
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			return
		}
		kek := argon2.IDKey([]byte(pass), s[16:32], binary.BigEndian.Uint32(s[4:]), binary.BigEndian.Uint32(s[8:]), s[12], 32)
		aead, _ := chacha20poly1305.NewX(kek)
		plain, err := aead.Open(nil, s[96:120], s[120:120+wrapLen], ad(s))
		if err != nil {
			t.Fatalf("unwrap own slot: %v", err)
		}
		s[1] = 3
		copy(s[120:], aead.Seal(nil, s[96:120], plain, ad(s)))
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("no slot for %s", user)
}

// promoteV3 is the attack on a v3 slot (slot n of key file b): unwrap the
// private key, open the seal, set the role byte, wrap and seal again.
func promoteV3(t *testing.T, b []byte, n int, pass string, ad func([]byte) []byte) {
	t.Helper()
	s := b[64+256*n : 64+256*(n+1)]
	kek := argon2.IDKey([]byte(pass), s[16:32], binary.BigEndian.Uint32(s[4:]), binary.BigEndian.Uint32(s[8:]), s[12], 32)
	aead, _ := chacha20poly1305.NewX(kek)
	priv, err := aead.Open(nil, s[96:120], s[120:168], ad(s))
	if err != nil {
		t.Fatalf("unwrap own slot: %v", err)
	}
	seal := b[8512+2*n*144 : 8512+(2*n+1)*144]
	sealAD := func() []byte {
		return append(append(append(bytes.Clone(b[:32]), s[:96]...), s[168:200]...), append(bytes.Clone(seal[:8]), seal[120:136]...)...)
	}
	sk, _ := ecdh.X25519().NewPrivateKey(priv)
	eph, _ := ecdh.X25519().NewPublicKey(seal[8:40])
	shared, _ := sk.ECDH(eph)
	key, _ := hkdf.Key(sha256.New, shared, append(bytes.Clone(seal[8:40]), s[168:200]...), "fieldreg key seal v1", 32)
	box, _ := chacha20poly1305.NewX(key)
	nonce := make([]byte, 24)
	plain, err := box.Open(nil, nonce, seal[40:120], sealAD())
	if err != nil {
		t.Fatalf("open own seal: %v", err)
	}
	s[1] = 3
	copy(s[120:], aead.Seal(nil, s[96:120], priv, ad(s)))
	copy(seal[40:], box.Seal(nil, nonce, plain, sealAD()))
}

// TestRewrittenRoleByteGivesNothing: an enumerator who rewrites their own
// slot's role to admin still cannot manage users or export people, and
// verify — theirs and the admin's — names the slot.
func TestRewrittenRoleByteGivesNothing(t *testing.T) {
	w := newWorkspace(t)
	w.withEnv("FIELDREG_NEW_PASSPHRASE", "enumerator pass").ok(append([]string{"user", "add", "eve", "--role", "enumerator"}, cheapKDF...)...)
	w.ok("register", "--file", "testdata/households.json")
	promoteOwnSlot(t, w.dir, "eve", "enumerator pass")

	eve := w.as("eve", "enumerator pass")
	eve.withEnv("FIELDREG_NEW_PASSPHRASE", "mallory pass").fails(exitFailure, []string{"only admins manage users"}, append([]string{"user", "add", "mallory", "--role", "admin"}, cheapKDF...)...)
	eve.fails(exitFailure, []string{"only admins manage users"}, "user", "remove", "admin")
	eve.fails(exitFailure, []string{"person-level exports need a supervisor or admin"}, "export", "--format", "csv", "--out", filepath.Join(t.TempDir(), "x.csv"))
	for who, ws := range map[string]*testWorkspace{"eve": eve, "admin": w} {
		res := ws.fails(exitFailure, []string{"verify found"}, "verify")
		if !strings.Contains(res.stdout+res.stderr, `"eve"`) {
			t.Errorf("%s's verify does not name eve's slot:\n%s%s", who, res.stdout, res.stderr)
		}
	}
	if users := w.ok("user", "list"); strings.Contains(users, "mallory") {
		t.Errorf("a user was added:\n%s", users)
	}
}

// TestUserListShowsGrantedRole: after eve rewrites her role byte to admin,
// `user list` — the admin's and her own — shows her as the enumerator she
// unlocks as, marked as tampered, not as an admin.
func TestUserListShowsGrantedRole(t *testing.T) {
	w := newWorkspace(t)
	w.withEnv("FIELDREG_NEW_PASSPHRASE", "enumerator pass").ok(append([]string{"user", "add", "eve", "--role", "enumerator"}, cheapKDF...)...)
	promoteOwnSlot(t, w.dir, "eve", "enumerator pass")
	for who, ws := range map[string]*testWorkspace{"admin": w, "eve": w.as("eve", "enumerator pass")} {
		var eve string
		for _, l := range lines(ws.ok("user", "list")) {
			if strings.HasPrefix(l, "eve\t") {
				eve = l
			}
		}
		if !strings.HasPrefix(eve, "eve\tenumerator\t") || !strings.Contains(eve, "TAMPERED") || !strings.Contains(eve, "admin") {
			t.Errorf("%s's user list shows eve as %q, want enumerator, marked TAMPERED, naming the admin claim", who, eve)
		}
	}
}

package store

import (
	"bytes"
	"crypto/ecdh"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// toOldFormat rewrites user's slot as the store wrote it before key pairs:
// v2 (bound: the master key and role secret wrapped, the role tag) or v1
// (the master key alone), holding the master key the slot holds now, and
// clears its seals. It stands in for a key file made by an older version.
func toOldFormat(t *testing.T, dir, user string, pass []byte, bound bool) {
	t.Helper()
	path := filepath.Join(dir, KeyFile)
	k, err := readKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := k.find(user)
	keys, err := k.unlockSlot(&k.slots[i], pass)
	if err != nil || len(keys) != 1 {
		t.Fatalf("unlock %s: %v (%d keys)", user, err, len(keys))
	}
	s := &k.slots[i]
	tag := s.tag
	if s.v3 {
		tag = s.seals[keys[0].copy].tag
	}
	*s = keySlot{used: true, bound: bound, name: s.name, role: s.role, kdf: s.kdf}
	var secret []byte
	if bound {
		s.tag, secret = tag, keys[0].secret
	}
	if err := k.wrap(s, pass, keys[0].master, secret); err != nil {
		t.Fatal(err)
	}
	if err := writeKeyBytes(path, slotPart(k, i), sealPart(k, i, 0), sealPart(k, i, 1)); err != nil {
		t.Fatal(err)
	}
}

// TestKeyFileLayout reads a fresh key file at the offsets doc.go gives and
// opens its slot and seal by hand from them: the documentation is the format.
func TestKeyFileLayout(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddUser("eve", RoleEnumerator, enumPass); err != nil {
		t.Fatal(err)
	}
	device, master := w.Device(), slices.Clone(w.master)
	w.Close()
	b, err := os.ReadFile(keyPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	u16 := func(off int) int { return int(binary.BigEndian.Uint16(b[off:])) }
	u32 := func(bs []byte, off int) uint32 { return binary.BigEndian.Uint32(bs[off:]) }
	if len(b) != 17728 {
		t.Fatalf("key file is %d bytes, doc.go says 17728", len(b))
	}
	if string(b[0:8]) != "FRKEYS\x00\x01" || u16(8) != 1 || u16(10) != 32 || u16(12) != 256 || !bytes.Equal(b[16:32], device[:]) {
		t.Fatalf("header %x does not match doc.go", b[:64])
	}
	for n, tc := range []struct {
		name string
		role byte
		pass []byte
	}{{"admin", 3, testPass}, {"eve", 1, enumPass}} {
		slot := b[64+256*n : 64+256*(n+1)]
		if slot[0] != 3 || slot[1] != tc.role || int(slot[2]) != len(tc.name) || string(slot[32:32+len(tc.name)]) != tc.name {
			t.Fatalf("slot %d: state %d role %d name %q", n, slot[0], slot[1], slot[32:96])
		}
		kek := argon2.IDKey(tc.pass, slot[16:32], u32(slot, 4), u32(slot, 8), slot[12], 32)
		aead, _ := chacha20poly1305.NewX(kek)
		ad := append(append(slices.Clone(b[0:32]), slot[0:96]...), slot[168:200]...)
		priv, err := aead.Open(nil, slot[96:120], slot[120:168], ad)
		if err != nil {
			t.Fatalf("slot %d: the private key at 120..168 does not open under the documented associated data: %v", n, err)
		}
		if !allZero(slot[200:]) {
			t.Errorf("slot %d: bytes 200..256 are not zero", n)
		}
		// Its seal, copy A.
		seal := b[8512+(2*n)*144 : 8512+(2*n+1)*144]
		if seal[0] != 1 || u32(seal, 4) != 0 {
			t.Fatalf("slot %d seal A: state %d epoch %d", n, seal[0], u32(seal, 4))
		}
		sk, _ := ecdh.X25519().NewPrivateKey(priv)
		eph, _ := ecdh.X25519().NewPublicKey(seal[8:40])
		shared, _ := sk.ECDH(eph)
		key, _ := sealKey(shared, seal[8:40], slot[168:200])
		box, _ := chacha20poly1305.NewX(key)
		sad := append(append(append(slices.Clone(b[0:32]), slot[0:96]...), slot[168:200]...), seal[0:8]...)
		sad = append(sad, seal[120:136]...)
		plain, err := box.Open(nil, make([]byte, 24), seal[40:120], sad)
		if err != nil {
			t.Fatalf("slot %d seal A does not open under the documented associated data: %v", n, err)
		}
		if !bytes.Equal(plain[:32], master) {
			t.Errorf("slot %d seal A holds another master key", n)
		}
		if !allZero(seal[136:]) || !allZero(b[8512+(2*n+1)*144:8512+(2*n+2)*144]) {
			t.Errorf("slot %d: seal A's tail or seal B is not zero", n)
		}
	}
	// The free slots and their seals are zero.
	if !allZero(b[64+256*2:8256]) || !allZero(b[8512+2*2*144:]) {
		t.Error("free slots or their seals are not zero")
	}
}

// TestOldKeyFilesOpenAndUpgrade: v1 and v2 slots (key files from before
// key pairs) open, and their users' next unlock gives them a key pair.
func TestOldKeyFilesOpenAndUpgrade(t *testing.T) {
	dir := workspaceWithEnumerator(t)
	toOldFormat(t, dir, "admin", testPass, true)
	toOldFormat(t, dir, "eve", enumPass, false)
	// As an older store left it: the file ends at the mark.
	b, _ := os.ReadFile(keyPath(dir))
	os.WriteFile(keyPath(dir), b[:keyFileSize+markSectionSize], 0o600)
	for _, u := range []struct {
		name string
		pass []byte
		role Role
	}{{"eve", enumPass, RoleEnumerator}, {"admin", testPass, RoleAdmin}} {
		w, err := Open(dir, u.name, u.pass, testOptions())
		if err != nil {
			t.Fatalf("open %s's old slot: %v", u.name, err)
		}
		if w.Role() != u.role {
			t.Errorf("%s opened as %s", u.name, w.Role())
		}
		w.Close()
		k, err := readKeyFile(keyPath(dir))
		if err != nil {
			t.Fatal(err)
		}
		if s := k.slots[k.find(u.name)]; !s.v3 || s.sealFor(0) == nil {
			t.Errorf("%s's slot not upgraded at unlock", u.name)
		}
	}
	w, err := Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if rep, err := w.Verify(); err != nil {
		t.Errorf("verify after the upgrades: %v %v", err, rep.Problems)
	}
}

// TestCrashWhileAddingAUser: a crash after a new slot's seal is written and
// before the slot itself leaves a seal next to a free slot. The key file
// still opens, and the stray seal is cleared.
func TestCrashWhileAddingAUser(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	k := *w.keys
	s := keySlot{used: true, name: "eve", role: RoleEnumerator, kdf: cheapKDF}
	if err := k.wrapPrivate(&s, enumPass); err != nil {
		t.Fatal(err)
	}
	s.seals[0] = keySeal{epoch: w.epoch}
	if err := k.seal(&s, &s.seals[0], w.master, nil); err != nil {
		t.Fatal(err)
	}
	k.slots[5] = s
	if err := writeKeyBytes(keyPath(dir), sealPart(&k, 5, 0)); err != nil { // the seal only
		t.Fatal(err)
	}
	w.Close()
	w, err = Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatalf("open after a crash while adding a user: %v", err)
	}
	w.Close()
	kf, err := readKeyFile(keyPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	if kf.slots[5].used || kf.slots[5].seals[0].used {
		t.Error("the stray seal is still there")
	}
	if _, err := Open(dir, "eve", enumPass, testOptions()); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("eve, never added: %v", err)
	}
}

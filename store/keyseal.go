package store

import (
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"os"

	"golang.org/x/crypto/chacha20poly1305"
)

// Key slots of version 3. The passphrase no longer wraps the master key
// itself but the slot's X25519 private key; the master key (with the role
// secret) is sealed to the slot's public key, which is in clear. So an admin
// can give every user a new master key without knowing their passphrases
// (rotate.go), while a user's passphrase still opens only their own slot.
//
// The seals live in a section after the rollback mark (doc.go, "Key file"):
// two copies per slot, each naming its key epoch, so that a rotation can
// seal the new master next to the old one and a crash at any point leaves
// one that opens the database.

const (
	x25519KeySize   = 32
	sealCopySize    = 144
	sealSectionOff  = keyFileSize + markSectionSize // 8512
	sealSectionSize = keySlots * 2 * sealCopySize
	keyFileFullSize = sealSectionOff + sealSectionSize // 17728
	sealPlainLen    = masterKeySize + roleSecretSize
	sealBoxLen      = sealPlainLen + chacha20poly1305.Overhead

	// Seal copy field offsets.
	sealState = 0
	sealEpoch = 4
	sealEph   = 8
	sealBox   = sealEph + x25519KeySize // 40
	sealTag   = sealBox + sealBoxLen    // 120
	sealEnd   = sealTag + roleTagSize   // 136; 8 zero bytes follow

	sealInfo = "fieldreg key seal v1"
)

// keySeal is one copy of a slot's seal: the master key of one epoch and the
// role secret, sealed to the slot's public key.
type keySeal struct {
	used  bool
	epoch uint32
	eph   [x25519KeySize]byte
	box   [sealBoxLen]byte
	tag   [roleTagSize]byte // the role's tag under that epoch's admin secret
}

func (c *keySeal) encode() []byte {
	b := make([]byte, sealCopySize)
	if !c.used {
		return b
	}
	b[sealState] = 1
	binary.BigEndian.PutUint32(b[sealEpoch:], c.epoch)
	copy(b[sealEph:], c.eph[:])
	copy(b[sealBox:], c.box[:])
	copy(b[sealTag:], c.tag[:])
	return b
}

func sealOffset(slot, copy int) int64 {
	return int64(sealSectionOff + (2*slot+copy)*sealCopySize)
}

// parseSeals reads the seal section into the slots of k; a reserved byte
// set is damage.
func (k *keyFile) parseSeals(b []byte) error {
	for i := range k.slots {
		for c := range 2 {
			off := sealOffset(i, c) - sealSectionOff
			cb := b[off : off+sealCopySize]
			if cb[sealState] == 0 {
				if !allZero(cb) {
					return fmt.Errorf("key file: slot %d seal %d: reserved bytes are not zero: %w", i, c, ErrCorrupt)
				}
				continue
			}
			// A seal next to a slot that is not v3 is kept as it is: a
			// crash between writing a new slot's seal and the slot leaves
			// one. It opens nothing (it is bound to a key pair no slot
			// has) and the next unlock clears it.
			s := &k.slots[i]
			if cb[sealState] != 1 {
				return fmt.Errorf("key file: slot %d seal %d: bad state: %w", i, c, ErrCorrupt)
			}
			sc := &s.seals[c]
			sc.used = true
			sc.epoch = binary.BigEndian.Uint32(cb[sealEpoch:])
			copy(sc.eph[:], cb[sealEph:])
			copy(sc.box[:], cb[sealBox:])
			copy(sc.tag[:], cb[sealTag:])
			if !allZero(cb[sealEnd:]) || !allZero(cb[1:sealEpoch]) {
				return fmt.Errorf("key file: slot %d seal %d: reserved bytes are not zero: %w", i, c, ErrCorrupt)
			}
		}
	}
	return nil
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// sealAD binds a seal to the device, to the slot's format, name, role and
// KDF parameters and public key, and to the seal's own epoch and role tag.
func (k *keyFile) sealAD(s *keySlot, c *keySeal) []byte {
	ad := append(k.header()[:32], s.encode()[:slotNonce]...)
	ad = append(ad, s.public[:]...)
	ad = append(ad, c.encode()[:sealEph]...)
	return append(ad, c.tag[:]...)
}

// sealKey is the one-time key of a seal: HKDF-SHA256 of the X25519 shared
// secret, salted with both public keys. It is used once, so the nonce is zero.
func sealKey(shared, eph, public []byte) ([]byte, error) {
	salt := append(append([]byte(nil), eph...), public...)
	return hkdf.Key(sha256.New, shared, salt, sealInfo, chacha20poly1305.KeySize)
}

// seal fills c with master and secret (nil: zeros) sealed to s's public key.
func (k *keyFile) seal(s *keySlot, c *keySeal, master, secret []byte) error {
	pub, err := ecdh.X25519().NewPublicKey(s.public[:])
	if err != nil {
		return fmt.Errorf("key slot %q public key: %w", s.name, err)
	}
	eph, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("seal key: %w", err)
	}
	shared, err := eph.ECDH(pub)
	if err != nil {
		return fmt.Errorf("seal key to %q: %w", s.name, err)
	}
	c.used = true
	copy(c.eph[:], eph.PublicKey().Bytes())
	key, err := sealKey(shared, c.eph[:], s.public[:])
	if err != nil {
		return err
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return err
	}
	plain := make([]byte, sealPlainLen)
	copy(plain, master)
	copy(plain[masterKeySize:], secret)
	copy(c.box[:], aead.Seal(nil, make([]byte, chacha20poly1305.NonceSizeX), plain, k.sealAD(s, c)))
	clear(plain)
	return nil
}

// openSeal returns the master key and role secret sealed in c.
func (k *keyFile) openSeal(s *keySlot, c *keySeal, priv *ecdh.PrivateKey) (master, secret []byte, err error) {
	eph, err := ecdh.X25519().NewPublicKey(c.eph[:])
	if err != nil {
		return nil, nil, fmt.Errorf("seal of %q: %w", s.name, ErrCorrupt)
	}
	shared, err := priv.ECDH(eph)
	if err != nil {
		return nil, nil, fmt.Errorf("seal of %q: %w", s.name, ErrCorrupt)
	}
	key, err := sealKey(shared, c.eph[:], s.public[:])
	if err != nil {
		return nil, nil, err
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, nil, err
	}
	plain, err := aead.Open(nil, make([]byte, chacha20poly1305.NonceSizeX), c.box[:], k.sealAD(s, c))
	if err != nil {
		return nil, nil, fmt.Errorf("seal of %q, epoch %d: %w", s.name, c.epoch, ErrCorrupt)
	}
	return plain[:masterKeySize], plain[masterKeySize:], nil
}

// wrapPrivate makes s a v3 slot with a new key pair, its private key wrapped
// under passphrase (fresh salt and nonce). The seals are not touched: they
// are bound to the public key, so the caller seals again.
func (k *keyFile) wrapPrivate(s *keySlot, passphrase []byte) error {
	priv, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("key slot key pair: %w", err)
	}
	s.v3, s.bound = true, true
	s.tag = [roleTagSize]byte{}
	copy(s.public[:], priv.PublicKey().Bytes())
	if _, err := io.ReadFull(rand.Reader, s.salt[:]); err != nil {
		return fmt.Errorf("key slot salt: %w", err)
	}
	if _, err := io.ReadFull(rand.Reader, s.nonce[:]); err != nil {
		return fmt.Errorf("key slot nonce: %w", err)
	}
	aead, err := chacha20poly1305.NewX(deriveKEK(passphrase, s))
	if err != nil {
		return err
	}
	s.wrapped = aead.Seal(nil, s.nonce[:], priv.Bytes(), k.slotAD(s))
	return nil
}

// unwrapPrivate returns a v3 slot's private key, or ErrWrongPassphrase.
func (k *keyFile) unwrapPrivate(s *keySlot, passphrase []byte) (*ecdh.PrivateKey, error) {
	aead, err := chacha20poly1305.NewX(deriveKEK(passphrase, s))
	if err != nil {
		return nil, err
	}
	raw, err := aead.Open(nil, s.nonce[:], s.wrapped, k.slotAD(s))
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	defer clear(raw)
	priv, err := ecdh.X25519().NewPrivateKey(raw)
	if err != nil {
		return nil, fmt.Errorf("key slot %q private key: %w", s.name, ErrCorrupt)
	}
	return priv, nil
}

// slotKey is one master key a slot holds, with the epoch it belongs to.
type slotKey struct {
	epoch          uint32
	master, secret []byte
	copy           int // the seal copy (v3), -1 for a v1 or v2 slot
}

// unlockSlot returns every master key the passphrase opens in slot s: one
// for a v1 or v2 slot (epoch 0), one per valid seal copy for a v3 slot.
func (k *keyFile) unlockSlot(s *keySlot, passphrase []byte) ([]slotKey, error) {
	if !s.v3 {
		master, secret, err := k.unwrap(s, passphrase)
		if err != nil {
			return nil, err
		}
		return []slotKey{{master: master, secret: secret, copy: -1}}, nil
	}
	priv, err := k.unwrapPrivate(s, passphrase)
	if err != nil {
		return nil, err
	}
	var keys []slotKey
	for c := range s.seals {
		sc := &s.seals[c]
		if !sc.used {
			continue
		}
		master, secret, err := k.openSeal(s, sc, priv)
		if err != nil {
			continue // torn or edited: the other copy may hold
		}
		keys = append(keys, slotKey{epoch: sc.epoch, master: master, secret: secret, copy: c})
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("key slot %q: no seal of the master key opens: %w", s.name, ErrCorrupt)
	}
	return keys, nil
}

// sealFor returns the seal copy of s at epoch, or nil.
func (s *keySlot) sealFor(epoch uint32) *keySeal {
	for c := range s.seals {
		if s.seals[c].used && s.seals[c].epoch == epoch {
			return &s.seals[c]
		}
	}
	return nil
}

// spareSeal is the copy of s to write a seal of epoch into: one that is
// empty or holds another epoch, so that the one in use stays until the new
// one is written.
func (s *keySlot) spareSeal(epoch uint32) int {
	for c := range s.seals {
		if !s.seals[c].used {
			return c
		}
	}
	for c := range s.seals {
		if s.seals[c].epoch != epoch {
			return c
		}
	}
	return 1
}

// writeKeyBytes overwrites parts of the key file in place, then fsyncs it
// once: each part is (offset, bytes).
func writeKeyBytes(path string, parts ...keyPart) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("open key file: %w", err)
	}
	// A key file from before v3 slots ends at the mark (or before it):
	// the seal section is added, zero, in place.
	fi, err := f.Stat()
	if err == nil && fi.Size() < keyFileFullSize {
		_, err = f.WriteAt(make([]byte, keyFileFullSize-fi.Size()), fi.Size())
	}
	for _, p := range parts {
		if err != nil {
			break
		}
		_, err = f.WriteAt(p.b, p.off)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write key file: %w", err)
	}
	return nil
}

type keyPart struct {
	off int64
	b   []byte
}

func slotPart(k *keyFile, i int) keyPart {
	return keyPart{int64(keyHeaderSize + i*keySlotSize), k.slots[i].encode()}
}

func sealPart(k *keyFile, i, c int) keyPart {
	return keyPart{sealOffset(i, c), k.slots[i].seals[c].encode()}
}

// putV3Slot writes slot i of k as s, a v3 slot whose private key is already
// wrapped, with master and secret sealed at epoch: the seal first, into a
// spare copy (it is bound to the new public key, so until the slot itself
// is written it opens nothing, and the slot as it was still opens), then
// the slot, then the other copy is cleared. A crash between the steps
// leaves the old slot or the new one, both whole.
func (k *keyFile) putV3Slot(path string, i int, s keySlot, master, secret []byte, epoch uint32, tag [roleTagSize]byte) error {
	old := k.slots[i]
	c := old.spareSeal(epoch)
	s.seals = [2]keySeal{}
	s.seals[1-c] = old.seals[1-c] // until the slot is written
	sc := &s.seals[c]
	sc.epoch, sc.tag = epoch, tag
	if err := k.seal(&s, sc, master, secret); err != nil {
		return err
	}
	k.slots[i] = s
	if err := writeKeyBytes(path, sealPart(k, i, c)); err != nil {
		k.slots[i] = old
		return err
	}
	if err := writeKeyBytes(path, slotPart(k, i)); err != nil {
		k.slots[i] = old
		k.slots[i].seals[c] = keySeal{} // what the file holds there now opens nothing
		return err
	}
	if k.slots[i].seals[1-c].used {
		k.slots[i].seals[1-c] = keySeal{}
		_ = writeKeyBytes(path, sealPart(k, i, 1-c)) // bound to the old key pair: opens nothing now
	}
	return nil
}

// encodeFull is the whole key file as Create writes it: header, slots, an
// empty mark and the seal section.
func (k *keyFile) encodeFull() []byte {
	b := append(k.encode(), make([]byte, markSectionSize)...)
	for i := range k.slots {
		for c := range k.slots[i].seals {
			b = append(b, k.slots[i].seals[c].encode()...)
		}
	}
	return b
}

package store

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// The key file is small and fixed in size so that every change to it is an
// in-place overwrite of the same bytes: no rename, no copy, no old version
// left behind on disk for an attacker who later finds the passphrase.
// The byte layout is described in doc.go.
const (
	keyMagic       = "FRKEYS\x00\x01"
	keyVersion     = 1
	keyHeaderSize  = 64
	keySlotSize    = 256
	keySlots       = 32
	keyFileSize    = keyHeaderSize + keySlots*keySlotSize
	maxNameLen     = 64
	masterKeySize  = 32
	slotSaltSize   = 16
	slotWrappedLen = masterKeySize + chacha20poly1305.Overhead // a v1 slot
	roleSecretSize = 32
	slotBoundLen   = masterKeySize + roleSecretSize + chacha20poly1305.Overhead // a v2 slot
	roleTagSize    = 16

	// Slot field offsets.
	slotState   = 0
	slotRole    = 1
	slotNameLen = 2
	slotTime    = 4
	slotMemory  = 8
	slotThreads = 12
	slotSalt    = 16
	slotName    = 32
	slotNonce   = slotName + maxNameLen // 96: the authenticated part ends here
	slotWrapped = slotNonce + chacha20poly1305.NonceSizeX
	slotTag     = slotWrapped + slotBoundLen                // 200: a v2 slot's role tag
	slotPrivLen = x25519KeySize + chacha20poly1305.Overhead // a v3 slot's wrapped private key
	slotPublic  = slotWrapped + slotPrivLen                 // 168: a v3 slot's public key

	// Slot states. A v1 slot wraps the master key alone and its role byte
	// is vouched for by nobody but the slot's own passphrase; a v2 slot also
	// wraps the role's secret (rolebind.go), which proves the role.
	slotFree  = 0
	slotV1    = 1
	slotBound = 2
	slotV3    = 3 // a key pair: the master key is sealed to it (keyseal.go)

	// Bounds on KDF parameters read from a key file, so a damaged file
	// cannot make unlock allocate gigabytes or run for hours.
	maxKDFTime   = 64
	maxKDFMemory = 1 << 20 // KiB: 1 GiB
)

// keyFile is the parsed key file.
type keyFile struct {
	device uuid.UUID
	slots  [keySlots]keySlot
}

type keySlot struct {
	used    bool
	bound   bool // v2 or v3: the slot holds the role secret
	v3      bool // the passphrase wraps a private key; the master is sealed to its public key
	name    string
	role    Role
	kdf     KDFParams
	salt    [slotSaltSize]byte
	nonce   [chacha20poly1305.NonceSizeX]byte
	wrapped []byte            // slotWrappedLen (v1), slotBoundLen (v2) or slotPrivLen (v3) bytes
	tag     [roleTagSize]byte // v2: the role's tag under the admin secret (v3: in the seal)
	public  [x25519KeySize]byte
	seals   [2]keySeal // v3: the master key and role secret sealed to public, by key epoch

	secret []byte // only on the way to wrap: the role secret to wrap
}

var roleCodes = map[Role]byte{RoleEnumerator: 1, RoleSupervisor: 2, RoleAdmin: 3}

func roleFromCode(b byte) (Role, bool) {
	for r, c := range roleCodes {
		if c == b {
			return r, true
		}
	}
	return "", false
}

func (k *keyFile) header() []byte {
	h := make([]byte, keyHeaderSize)
	copy(h, keyMagic)
	binary.BigEndian.PutUint16(h[8:], keyVersion)
	binary.BigEndian.PutUint16(h[10:], keySlots)
	binary.BigEndian.PutUint16(h[12:], keySlotSize)
	copy(h[16:32], k.device[:])
	return h
}

func (s *keySlot) encode() []byte {
	b := make([]byte, keySlotSize)
	if !s.used {
		return b
	}
	b[slotState] = slotV1
	switch {
	case s.v3:
		b[slotState] = slotV3
		copy(b[slotPublic:], s.public[:])
	case s.bound:
		b[slotState] = slotBound
		copy(b[slotTag:], s.tag[:])
	}
	b[slotRole] = roleCodes[s.role]
	b[slotNameLen] = byte(len(s.name))
	binary.BigEndian.PutUint32(b[slotTime:], s.kdf.Time)
	binary.BigEndian.PutUint32(b[slotMemory:], s.kdf.MemoryKiB)
	b[slotThreads] = s.kdf.Threads
	copy(b[slotSalt:], s.salt[:])
	copy(b[slotName:], s.name)
	copy(b[slotNonce:], s.nonce[:])
	copy(b[slotWrapped:], s.wrapped[:])
	return b
}

// encode returns the whole key file.
func (k *keyFile) encode() []byte {
	b := k.header()
	for i := range k.slots {
		b = append(b, k.slots[i].encode()...)
	}
	return b
}

// parseKeyFile decodes a key file. Damage it can see is ErrCorrupt; damage
// it cannot see (a flipped salt or wrapped key) surfaces as a wrong passphrase.
func parseKeyFile(b []byte) (*keyFile, error) {
	bad := func(what string) error { return fmt.Errorf("key file: %s: %w", what, ErrCorrupt) }
	if len(b) != keyFileSize {
		return nil, bad(fmt.Sprintf("size %d, want %d", len(b), keyFileSize))
	}
	if string(b[:8]) != keyMagic {
		return nil, bad("not a Fieldreg key file")
	}
	if v := binary.BigEndian.Uint16(b[8:]); v != keyVersion {
		return nil, bad(fmt.Sprintf("format version %d is not supported", v))
	}
	if binary.BigEndian.Uint16(b[10:]) != keySlots || binary.BigEndian.Uint16(b[12:]) != keySlotSize {
		return nil, bad("unexpected slot layout")
	}
	k := &keyFile{}
	copy(k.device[:], b[16:32])
	if !bytes.Equal(k.header(), b[:keyHeaderSize]) {
		return nil, bad("reserved header bytes are not zero")
	}
	for i := range k.slots {
		sb := b[keyHeaderSize+i*keySlotSize : keyHeaderSize+(i+1)*keySlotSize]
		s := &k.slots[i]
		switch sb[slotState] {
		case slotFree:
			continue
		case slotV1:
		case slotBound:
			s.bound = true
		case slotV3:
			s.bound, s.v3 = true, true
			copy(s.public[:], sb[slotPublic:])
		default:
			return nil, bad(fmt.Sprintf("slot %d: bad state", i))
		}
		s.used = true
		role, ok := roleFromCode(sb[slotRole])
		if !ok {
			return nil, bad(fmt.Sprintf("slot %d: bad role", i))
		}
		s.role = role
		n := int(sb[slotNameLen])
		if n == 0 || n > maxNameLen {
			return nil, bad(fmt.Sprintf("slot %d: bad name length", i))
		}
		s.name = string(sb[slotName : slotName+n])
		s.kdf = KDFParams{
			Time:      binary.BigEndian.Uint32(sb[slotTime:]),
			MemoryKiB: binary.BigEndian.Uint32(sb[slotMemory:]),
			Threads:   sb[slotThreads],
		}
		if err := s.kdf.check(); err != nil {
			return nil, bad(fmt.Sprintf("slot %d: %v", i, err))
		}
		copy(s.salt[:], sb[slotSalt:])
		copy(s.nonce[:], sb[slotNonce:])
		s.wrapped = make([]byte, s.wrappedLen())
		copy(s.wrapped, sb[slotWrapped:])
		if s.bound && !s.v3 {
			copy(s.tag[:], sb[slotTag:])
		}
		if !bytes.Equal(s.encode(), sb) {
			return nil, bad(fmt.Sprintf("slot %d: reserved bytes are not zero", i))
		}
	}
	return k, nil
}

func (p KDFParams) check() error {
	switch {
	case p.Time < 1 || p.Time > maxKDFTime:
		return fmt.Errorf("argon2id time %d out of range 1..%d", p.Time, maxKDFTime)
	case p.MemoryKiB < 8 || p.MemoryKiB > maxKDFMemory:
		return fmt.Errorf("argon2id memory %d KiB out of range 8..%d", p.MemoryKiB, maxKDFMemory)
	case p.Threads < 1:
		return errors.New("argon2id threads must be at least 1")
	}
	return nil
}

// checkNew is check for the parameters of a new key slot: also at least
// MinKDF, unless the parameters came from InsecureTestKDF.
func (p KDFParams) checkNew() error {
	if err := p.check(); err != nil {
		return err
	}
	if !p.belowFloor && (p.Time < MinKDF.Time || p.MemoryKiB < MinKDF.MemoryKiB) {
		return fmt.Errorf("%w: argon2id t=%d, %d KiB is below the minimum t=%d, %d KiB (%d MiB)",
			ErrWeakKDF, p.Time, p.MemoryKiB, MinKDF.Time, MinKDF.MemoryKiB, MinKDF.MemoryKiB/1024)
	}
	return nil
}

// checkUserName refuses names that cannot be stored or shown plainly.
func checkUserName(name string) error {
	if name == "" || len(name) > maxNameLen || !utf8.ValidString(name) {
		return fmt.Errorf("user name must be 1 to %d bytes of UTF-8", maxNameLen)
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return fmt.Errorf("user name %q: no spaces or control characters", name)
		}
	}
	return nil
}

func (k *keyFile) find(name string) int {
	for i := range k.slots {
		if k.slots[i].used && k.slots[i].name == name {
			return i
		}
	}
	return -1
}

// slotAD binds a wrapped key to the file header (device id) and to the slot's
// own format, name, role and KDF parameters, and in a v2 slot to its role
// tag, so none of them can be edited without the slot's passphrase.
//
// A v3 slot binds its public key instead of the tag: the tag changes with
// the admin secret, which an admin rotates without this user's passphrase,
// so it is bound in the seal (keyseal.go).
func (k *keyFile) slotAD(s *keySlot) []byte {
	ad := append(k.header()[:32], s.encode()[:slotNonce]...)
	switch {
	case s.v3:
		ad = append(ad, s.public[:]...)
	case s.bound:
		ad = append(ad, s.tag[:]...)
	}
	return ad
}

func deriveKEK(passphrase []byte, s *keySlot) []byte {
	return argon2.IDKey(passphrase, s.salt[:], s.kdf.Time, s.kdf.MemoryKiB, s.kdf.Threads, chacha20poly1305.KeySize)
}

func (s *keySlot) wrappedLen() int {
	switch {
	case s.v3:
		return slotPrivLen
	case s.bound:
		return slotBoundLen
	}
	return slotWrappedLen
}

// wrap fills slot s with master wrapped under a key derived from passphrase:
// in a v2 slot followed by the role secret (nil: zeros, an enumerator's).
func (k *keyFile) wrap(s *keySlot, passphrase, master, secret []byte) error {
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
	plain := append([]byte(nil), master...)
	if s.bound {
		plain = append(plain, make([]byte, roleSecretSize)...)
		copy(plain[masterKeySize:], secret)
	}
	s.wrapped = aead.Seal(nil, s.nonce[:], plain, k.slotAD(s))
	return nil
}

// unwrap returns the master key from slot s and, for a v2 slot, the role
// secret it holds (nil for a v1 slot), or ErrWrongPassphrase.
func (k *keyFile) unwrap(s *keySlot, passphrase []byte) (master, secret []byte, err error) {
	aead, err := chacha20poly1305.NewX(deriveKEK(passphrase, s))
	if err != nil {
		return nil, nil, err
	}
	plain, err := aead.Open(nil, s.nonce[:], s.wrapped, k.slotAD(s))
	if err != nil {
		return nil, nil, ErrWrongPassphrase
	}
	if s.bound {
		return plain[:masterKeySize], plain[masterKeySize:], nil
	}
	return plain, nil, nil
}

// readKeyFile reads the key file without changing it (not even its mtime).
func readKeyFile(path string) (*keyFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	return parseKeyBytes(b)
}

// parseKeyBytes parses a whole key file: the slots, and the seals when the
// file has them (the mark, between the two, is mark.go's).
func parseKeyBytes(b []byte) (*keyFile, error) {
	var seals []byte
	switch len(b) {
	case keyFileFullSize:
		seals = b[sealSectionOff:] // the seals of v3 slots follow the mark: keyseal.go
		b = b[:keyFileSize]
	case keyFileSize + markSectionSize:
		b = b[:keyFileSize] // the rollback mark follows the slots: mark.go
	}
	k, err := parseKeyFile(b)
	if err != nil {
		return nil, err
	}
	if seals != nil {
		if err := k.parseSeals(seals); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// writeSlot overwrites slot i of the key file in place and syncs it.
func writeSlot(path string, k *keyFile, i int) error {
	return writeKeyBytes(path, keyPart{off: int64(keyHeaderSize + i*keySlotSize), b: k.slots[i].encode()})
}

// createKeyFile writes a new key file; it fails if one exists.
func createKeyFile(path string, k *keyFile) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return ErrExists
		}
		return fmt.Errorf("create key file: %w", err)
	}
	_, err = f.Write(k.encodeFull())
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

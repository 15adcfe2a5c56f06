package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"sync"

	"github.com/google/uuid"
)

// keyFormat is the layout of the database's keys, kept in the state bucket
// under stateKeyFormat. Version 1 (no entry) kept record ids and device ids
// in clear; version 2 is what keyer makes. See keyformat.go for the move.
const keyFormat = 2

// keyer makes the bbolt keys of the records and seen buckets, so that a
// key tells nothing a passphrase is needed for: not a record's id (a UUIDv7
// carries its creation time, and records made in one commit share it), not
// another device's id, not how many changes each device made.
//
// Every key of those two buckets is made here and only here. Everything is
// derived from the master key and the device id, so a master-key rotation
// recomputes every key from the plaintext it re-seals: newKeyer(newMaster,
// device), then recordKey(id) for a record (its id: recordID of the old
// key under the old keyer), and seenKey(change's device, device seq) for a
// seen entry (its value is the log seq of that change).
type keyer struct {
	// record encrypts a record id, one AES-256 block: a permutation of
	// 16-byte strings, so two ids never share a key and the key gives the
	// id back (damage reports and Verify name the record) to whoever holds
	// the master key, and to nobody else.
	record cipher.Block
	seen   []byte   // HMAC-SHA256 key of seen keys
	own    [16]byte // this device's seen prefix: HMAC(seen, "own" ‖ device)
	pool   *sync.Pool
}

// recordKeySize and the seen key sizes: a record key is one AES block; the
// seen key of another device's change is a truncated HMAC, of one of this
// device's changes the device prefix followed by the device seq, so that
// the outgoing queue and unlock read them as a range.
const (
	recordKeySize  = 16
	seenKeySize    = 16
	ownSeenKeySize = 24
)

func newKeyer(master []byte, device uuid.UUID) (keyer, error) {
	rk, err := subkey(master, "record keys")
	if err != nil {
		return keyer{}, fmt.Errorf("derive record key subkey: %w", err)
	}
	block, err := aes.NewCipher(rk)
	clear(rk)
	if err != nil {
		return keyer{}, fmt.Errorf("record key cipher: %w", err)
	}
	sk, err := subkey(master, "seen keys")
	if err != nil {
		return keyer{}, fmt.Errorf("derive seen key subkey: %w", err)
	}
	k := keyer{record: block, seen: sk, pool: &sync.Pool{}}
	k.pool.New = func() any { return hmac.New(sha256.New, sk) }
	m := k.mac()
	m.Write([]byte("own"))
	m.Write(device[:])
	copy(k.own[:], m.Sum(nil))
	k.pool.Put(m)
	return k, nil
}

func (k keyer) mac() hash.Hash {
	m := k.pool.Get().(hash.Hash)
	m.Reset()
	return m
}

// recordKey is the key record id is stored under.
func (k keyer) recordKey(id uuid.UUID) []byte {
	out := make([]byte, recordKeySize)
	k.record.Encrypt(out, id[:])
	return out
}

// recordID is the id a record key stands for; false for a key that is not
// one (a damaged or planted key).
func (k keyer) recordID(key []byte) (uuid.UUID, bool) {
	if len(key) != recordKeySize {
		return uuid.Nil, false
	}
	var id uuid.UUID
	k.record.Decrypt(id[:], key)
	return id, true
}

// seenKey is the key of the seen entry of device's change deviceSeq.
func (k keyer) seenKey(own, device uuid.UUID, deviceSeq uint64) []byte {
	if device == own {
		return binary.BigEndian.AppendUint64(append(make([]byte, 0, ownSeenKeySize), k.own[:]...), deviceSeq)
	}
	var b [24]byte
	copy(b[:16], device[:])
	binary.BigEndian.PutUint64(b[16:], deviceSeq)
	m := k.mac()
	m.Write(b[:])
	out := m.Sum(make([]byte, 0, sha256.Size))[:seenKeySize]
	k.pool.Put(m)
	return out
}

// ownSeq is the device seq of one of this device's seen keys; false for a
// key that is not one.
func (k keyer) ownSeq(key []byte) (uint64, bool) {
	if len(key) != ownSeenKeySize || !hmac.Equal(key[:16], k.own[:]) {
		return 0, false
	}
	return binary.BigEndian.Uint64(key[16:]), true
}

// recordKey, recordID and seenKey of the open workspace.
func (w *Workspace) recordKey(id uuid.UUID) []byte { return w.keyer.recordKey(id) }

func (w *Workspace) recordID(key []byte) uuid.UUID {
	id, _ := w.keyer.recordID(key)
	return id
}

// recordName is a record key as people read it: the id, or hex when the
// key is not one.
func (w *Workspace) recordName(key []byte) string {
	id, ok := w.keyer.recordID(key)
	if !ok {
		if len(key) > 32 { // a damaged page's length: do not read it all
			return fmt.Sprintf("%x… (%d bytes)", key[:32], len(key))
		}
		return fmt.Sprintf("%x", key)
	}
	return id.String()
}

func (w *Workspace) seenKey(device uuid.UUID, deviceSeq uint64) []byte {
	return w.keyer.seenKey(w.keys.device, device, deviceSeq)
}

// RecordKey returns the database key record id is stored under, in the
// records bucket (store/doc.go): for tests and tools that inspect or
// damage the file itself. Nil once the workspace is closed.
func (w *Workspace) RecordKey(id uuid.UUID) []byte {
	if w.rlock() != nil {
		return nil
	}
	defer w.mu.RUnlock()
	return w.recordKey(id)
}

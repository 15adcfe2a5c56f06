package store

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"

	"fieldreg/store/kv"
)

// The rollback mark. bbolt is copy-on-write: the pages of older states stay
// in the live file's free pages until reused, and they are sealed under the
// same keys, so whoever holds only the files can write an older state back
// and it authenticates. The mark says how far the database has come — the
// number of write transactions, the last log, device and audit seqs and the
// audit head — and is kept in the key file, which is only ever overwritten
// in place (no copy-on-write, no old copy in the file). It is MAC'd under a
// subkey of the master key, so it cannot be made without a passphrase.
//
// Crash ordering: bbolt commits (fsynced) first, then the mark is written
// and fsynced. A crash in between leaves the database ahead of the mark,
// which Open accepts; only a database behind the mark is a rollback. The
// mark is kept twice (A and B) and each write replaces the older copy, so
// a write torn by a crash leaves the other, one transaction behind.

const (
	markCopySize    = 128
	markSectionSize = 2 * markCopySize
	markMACEnd      = 72 // bytes 0..72 are MAC'd
	markSubkey      = "rollback mark"
)

// stateCommits is the key, in the state bucket, of the number of write
// transactions the database has committed.
var stateCommits = []byte("commit-seq")

type storedCommits struct {
	N uint64 `cbor:"1,keyasint"`
}

// rollbackMark is one copy of the mark.
type rollbackMark struct {
	commits   uint64 // write transactions committed
	logSeq    uint64
	deviceSeq uint64
	auditSeq  uint64
	auditTag  [sha256.Size]byte // headTag of the audit head's hash
}

// headTag is what the mark keeps of the audit head's hash: a keyed hash of
// it, because the chain hash in clear would let someone who knows the hash
// before it test guesses at the last entry (record, time, fields).
func headTag(key, hash []byte) (tag [sha256.Size]byte) {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("audit head\x00"))
	h.Write(hash)
	copy(tag[:], h.Sum(nil))
	return tag
}

// Mark copy layout (each copy 128 bytes; copy A at keyFileSize, B after it):
//
//	 0  8  commit seq (write transactions committed)
//	 8  8  last log seq
//	16  8  last device seq
//	24  8  last audit seq
//	32 32  HMAC-SHA256(subkey, "audit head\x00" ‖ audit head hash)
//	64  8  zero
//	72 32  HMAC-SHA256(subkey "rollback mark", key file header 0..32 ‖ bytes 0..72)
//	104 24 zero
//
// An all-zero copy is empty.
func (m *rollbackMark) encode(k *keyFile, key []byte) []byte {
	b := make([]byte, markCopySize)
	binary.BigEndian.PutUint64(b[0:], m.commits)
	binary.BigEndian.PutUint64(b[8:], m.logSeq)
	binary.BigEndian.PutUint64(b[16:], m.deviceSeq)
	binary.BigEndian.PutUint64(b[24:], m.auditSeq)
	copy(b[32:64], m.auditTag[:])
	copy(b[markMACEnd:], markMAC(k, key, b[:markMACEnd]))
	return b
}

func markMAC(k *keyFile, key, body []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(k.header()[:32])
	h.Write(body)
	return h.Sum(nil)
}

// readMarks reads both copies of the mark from the key file: ok[i] is false
// for a copy that is empty, absent (a key file from before marks were kept)
// or fails its MAC (torn or forged).
func readMarks(path string, k *keyFile, key []byte) (marks [2]rollbackMark, ok [2]bool, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return marks, ok, fmt.Errorf("read rollback mark: %w", err)
	}
	if len(b) < keyFileSize+markSectionSize {
		return marks, ok, nil
	}
	for i := range marks {
		c := b[keyFileSize+i*markCopySize : keyFileSize+(i+1)*markCopySize]
		if !hmac.Equal(c[markMACEnd:markMACEnd+sha256.Size], markMAC(k, key, c[:markMACEnd])) {
			continue
		}
		m := &marks[i]
		m.commits = binary.BigEndian.Uint64(c[0:])
		m.logSeq = binary.BigEndian.Uint64(c[8:])
		m.deviceSeq = binary.BigEndian.Uint64(c[16:])
		m.auditSeq = binary.BigEndian.Uint64(c[24:])
		copy(m.auditTag[:], c[32:64])
		ok[i] = true
	}
	return marks, ok, nil
}

// newestMark is the valid copy with the most commits; found is false when
// neither copy is valid.
func newestMark(marks [2]rollbackMark, ok [2]bool) (m rollbackMark, slot int, found bool) {
	switch {
	case ok[0] && ok[1]:
		if marks[1].commits > marks[0].commits {
			return marks[1], 1, true
		}
		return marks[0], 0, true
	case ok[0]:
		return marks[0], 0, true
	case ok[1]:
		return marks[1], 1, true
	}
	return m, 0, false
}

func (w *Workspace) markKey() ([]byte, error) { return subkey(w.master, markSubkey) }

// currentMark is the mark for the workspace's in-memory state, which
// commitState has moved to what the last transaction committed.
func (w *Workspace) currentMark(key []byte) rollbackMark {
	return rollbackMark{commits: w.commits, logSeq: w.lastLogSeq, deviceSeq: w.deviceSeq, auditSeq: w.auditSeq,
		auditTag: headTag(key, w.auditHash)}
}

// writeMark overwrites the older copy of the mark with the current state
// and fsyncs it. The caller holds w.mu (or is Create or Open).
func (w *Workspace) writeMark() error {
	key, err := w.markKey()
	if err != nil {
		return err
	}
	slot := (w.markSlot + 1) % 2
	f, err := os.OpenFile(keyPath(w.dir), os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("write rollback mark: %w", err)
	}
	m := w.currentMark(key)
	_, err = f.WriteAt(m.encode(w.keys, key), int64(keyFileSize+slot*markCopySize))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write rollback mark: %w", err)
	}
	w.markSlot = slot
	return nil
}

// afterCommit writes the mark once a transaction has committed. A failure
// is not the commit's: the data is on disk, and a mark left behind only
// means the database is ahead of it, which Open accepts; the next commit
// writes it again.
func (w *Workspace) afterCommit() {
	_ = w.writeMark()
}

// loadCommits reads the database's commit seq (0 in a database from before
// marks were kept). damaged is true when it does not open: it is listed
// with the other damage, and checkMark goes by the mark's count instead.
func (w *Workspace) loadCommits(tx kv.Tx) (damaged bool) {
	w.commits = 0
	sealed := tx.Bucket(bucketState).Get(stateCommits)
	if sealed == nil {
		return false
	}
	var c storedCommits
	if err := w.openValue(bucketState, stateCommits, sealed, &c, "commit seq"); err != nil {
		w.damaged = append(w.damaged, Damage{Bucket: bucketState, Key: string(stateCommits), Reason: damageOf(err)})
		return true
	}
	w.commits = c.N
	return false
}

// checkMark compares the database with the key file's mark: behind it in
// any count, or at the same audit seq with another head, or ahead of it on
// an audit chain that does not pass through its head, is a rollback.
// Called by Open after load.
func (w *Workspace) checkMark(tx kv.Tx) (found bool, err error) {
	damaged := w.loadCommits(tx)
	key, err := w.markKey()
	if err != nil {
		return false, err
	}
	marks, ok, err := readMarks(keyPath(w.dir), w.keys, key)
	if err != nil {
		return false, err
	}
	m, slot, found := newestMark(marks, ok)
	w.markSlot = slot
	if damaged && found {
		w.commits = max(w.commits, m.commits)
	}
	if !found {
		if w.commits > 0 || damaged {
			// This database was written by a store that keeps marks, so the
			// key file had one: it was removed or destroyed.
			return false, fmt.Errorf("the key file's rollback mark is missing or damaged after %d commits: %w", w.commits, ErrRolledBack)
		}
		return false, nil // a workspace from before marks: Open writes the first
	}
	behind := func(what string, db, mark uint64) error {
		return fmt.Errorf("%s is %d in the database, %d in the key file: %w", what, db, mark, ErrRolledBack)
	}
	switch {
	case w.commits < m.commits:
		return true, behind("commit seq", w.commits, m.commits)
	case w.lastLogSeq < m.logSeq:
		return true, behind("log seq", w.lastLogSeq, m.logSeq)
	case w.deviceSeq < m.deviceSeq:
		return true, behind("device seq", w.deviceSeq, m.deviceSeq)
	case w.auditSeq < m.auditSeq:
		return true, behind("audit seq", w.auditSeq, m.auditSeq)
	}
	hash := w.auditHash
	if w.auditSeq > m.auditSeq && m.auditSeq > 0 {
		plain, err := w.get(tx, bucketAudit, seqKey(m.auditSeq))
		if err != nil || plain == nil {
			return true, nil // damaged or missing: Verify reports the chain
		}
		var e storedAudit
		if decode(plain, &e) != nil {
			return true, nil
		}
		hash = chainHash(e.Prev, plain)
	}
	if m.auditSeq > 0 && headTag(key, hash) != m.auditTag {
		return true, fmt.Errorf("audit entry %d is not the one the key file's mark names: %w", m.auditSeq, ErrRolledBack)
	}
	return true, nil
}

// verifyMark is Verify's check of the mark, against the state in tx.
func (w *Workspace) verifyMark(tx kv.Tx) error {
	probe := &Workspace{dir: w.dir, keys: w.keys, master: w.master, seal: w.seal, keyer: w.keyer}
	if k, _ := tx.Bucket(bucketChanges).Cursor().Last(); len(k) == 8 {
		probe.lastLogSeq = binary.BigEndian.Uint64(k)
	}
	if err := probe.loadDeviceSeq(tx); err != nil {
		return err
	}
	if err := probe.loadAuditHead(tx); err != nil {
		return nil // the audit walk reports it
	}
	_, err := probe.checkMark(tx)
	return err
}

// openMark checks the mark at Open and, for a workspace from before marks
// were kept, writes the first one.
func (w *Workspace) openMark() error {
	var found bool
	err := w.view(func(tx kv.Tx) error {
		var err error
		found, err = w.checkMark(tx)
		return err
	})
	if err != nil {
		return err
	}
	if !found {
		return w.writeMark()
	}
	return nil
}

// AuditHead returns the audit chain's head: the last entry's seq and the
// chain hash there (nil for a closed workspace). Sync sends it to HQ as
// the device's anchor, which catches what the rollback mark cannot: both
// files put back together.
func (w *Workspace) AuditHead() (seq uint64, hash []byte) {
	if err := w.rlock(); err != nil {
		return 0, nil
	}
	defer w.mu.RUnlock()
	return w.auditSeq, append([]byte(nil), w.auditHash...)
}

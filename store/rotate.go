package store

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"fieldreg/store/kv"
)

// Removing a user rotates the master key (doc.go, "Removing a user"): a new
// master key, sealed to every remaining slot's public key; every value
// re-sealed under its subkeys into a fresh database file that is renamed
// over the old one; the rollback mark rewritten under the new key. The
// removed user's passphrase and any copy of the key file they kept yield
// only the old master key, which opens nothing in the new file.

// Sentinels of key rotation.
var (
	// ErrKeyRotated means the key slot opened but holds no master key that
	// opens the database: the key was rotated since this copy of the slot
	// was written (a removed user, an old copy of the key file).
	ErrKeyRotated = errors.New("the workspace's master key was changed since this key slot was written")
	// ErrSlotsNotUpgraded means RemoveUser found other users whose key
	// slots are of the old format (no key pair): the new master key cannot
	// be given to them. The wrapping error names them.
	ErrSlotsNotUpgraded = errors.New("key slots of the old format")
	// ErrNoRotation means the workspace's engine cannot be rewritten under
	// a new key here (PostgreSQL at HQ): RemoveUser refuses.
	ErrNoRotation = errors.New("the master key cannot be rotated on this engine")
)

const rotateSuffix = ".rotate"

// stateDigestKey is the key, in the state bucket, of the key KeyedDigest
// uses once the master key has been rotated: digests are kept in records
// (registry.FieldExternalKey) and cannot be computed again from them, so the
// key of the first master key is kept, sealed, for them to stay the same.
var stateDigestKey = []byte("digest-key")

type storedDigestKey struct {
	Key []byte `cbor:"1,keyasint"`
}

// rotateCrash, when set (crash tests only), is called at each step of a
// rotation with the step's name.
var rotateCrash func(step string)

func rotateStep(step string) {
	if rotateCrash != nil {
		rotateCrash(step)
	}
}

// rekeyFunc gives the key a value is stored under in the rewritten
// database, from its key and plaintext: w is the workspace under the old
// master key and tx its read transaction, nw the one under the new master
// key (its namers and keyer). Buckets keyed by seqs keep their keys; a
// bucket keyed by a keyed hash or an encrypted id computes it again.
type rekeyFunc func(w, nw *Workspace, tx kv.Tx, key, plain []byte) ([]byte, error)

func sameKey(_, _ *Workspace, _ kv.Tx, key, _ []byte) ([]byte, error) { return key, nil }

// rekeyNamed is the rekey of meta and drafts: the name is in the value.
func rekeyNamed(bucket string) rekeyFunc {
	return func(_, nw *Workspace, _ kv.Tx, _, plain []byte) ([]byte, error) {
		var n storedNamed
		if err := decode(plain, &n); err != nil {
			return nil, err
		}
		return nw.names.key16(bucket + "\x00" + n.Name), nil
	}
}

// rekeyRecord: a record key is its id encrypted under a key of the master
// key (keys.go), so the old keyer gives the id back and the new one its key.
func rekeyRecord(w, nw *Workspace, _ kv.Tx, key, _ []byte) ([]byte, error) {
	id, ok := w.keyer.recordID(key)
	if !ok {
		return nil, fmt.Errorf("record key %x is not one", key)
	}
	return nw.keyer.recordKey(id), nil
}

// rekeySeen: this device's own seen keys hold their device seq after a
// keyed prefix; another device's are a keyed hash of its id and seq, which
// the change at the log seq the entry holds gives back.
func rekeySeen(w, nw *Workspace, tx kv.Tx, key, plain []byte) ([]byte, error) {
	dev := w.keys.device
	if seq, ok := w.keyer.ownSeq(key); ok {
		return nw.keyer.seenKey(dev, dev, seq), nil
	}
	if len(plain) != 8 {
		return nil, fmt.Errorf("seen entry holds %d bytes, not a log seq", len(plain))
	}
	c, err := w.readChange(tx, binary.BigEndian.Uint64(plain))
	if err != nil {
		return nil, err
	}
	return nw.keyer.seenKey(dev, c.Device, c.DeviceSeq), nil
}

// rekeyOf returns bucket's rekey hook.
func rekeyOf(bucket string) rekeyFunc {
	switch bucket {
	case bucketMeta, bucketDrafts:
		return rekeyNamed(bucket)
	case bucketRecords:
		return rekeyRecord
	case bucketSeen:
		return rekeySeen
	}
	return sameKey
}

// RemoveUser removes a user: their key slot is cleared and the master key
// rotated, so that nothing they kept opens the workspace. Admins only,
// never the last admin. See RemoveUserProgress.
func (w *Workspace) RemoveUser(name string) error { return w.RemoveUserProgress(name, nil) }

// RemoveUserProgress is RemoveUser calling progress(done, total) as the
// database's values are re-sealed (total: values in the database).
//
// Every other user's slot must be of the current format (a key pair, made
// at their first unlock since it was introduced); otherwise the removal is
// refused with ErrSlotsNotUpgraded naming them, since the new master key
// could not be given to them: have them unlock once, or set their
// passphrase, or remove them too. A workspace on PostgreSQL is refused with
// ErrNoRotation.
func (w *Workspace) RemoveUserProgress(name string, progress func(done, total int)) error {
	if !w.role.MayManageUsers() {
		return fmt.Errorf("remove user %q: %w", name, ErrForbidden)
	}
	if err := w.lock(); err != nil {
		return err
	}
	defer w.mu.Unlock()
	i := w.keys.find(name)
	if i < 0 {
		return fmt.Errorf("remove user %q: %w", name, ErrNotFound)
	}
	var stale []string
	admins := 0
	for j := range w.keys.slots {
		s := &w.keys.slots[j]
		if !s.used {
			continue
		}
		if s.role == RoleAdmin {
			admins++
		}
		if j != i && !s.v3 {
			stale = append(stale, s.name)
		}
	}
	if w.keys.slots[i].role == RoleAdmin && admins == 1 {
		return fmt.Errorf("remove user %q: the last admin cannot be removed: %w", name, ErrForbidden)
	}
	if len(stale) > 0 {
		slices.Sort(stale)
		return fmt.Errorf("remove user %q: %s %s not unlocked since key slots got key pairs, so the new master key cannot be given to them; have them unlock once, or set their passphrase, or remove them first: %w",
			name, strings.Join(stale, ", "), map[bool]string{true: "has", false: "have"}[len(stale) == 1], ErrSlotsNotUpgraded)
	}
	if _, ok := w.db.(*kv.Bolt); !ok {
		return fmt.Errorf("remove user %q: the database is on PostgreSQL, where this store does not rewrite it under a new key; a removed user could still open it with a copy of the key file: %w", name, ErrNoRotation)
	}
	if err := w.rotate(i, progress); err != nil {
		return fmt.Errorf("remove user %q: %w", name, err)
	}
	return nil
}

// rotate removes slot i and moves the workspace to a new master key. The
// caller holds w.mu. The steps, and what a crash after each leaves:
//
//  1. The new master key (and, when the removed user held a role secret, a
//     new admin secret) is sealed to every other slot, into the seal copy
//     not in use. The database is still under the old key, which every
//     slot still holds: Open uses it and clears the new seals.
//  2. The database is rewritten under the new key into DBFile+".rotate".
//  3. The rollback mark for the new file is written into the older mark
//     copy, under the new key's mark key (the other copy, under the old
//     key, still vouches for the old file).
//  4. The new file is renamed over the old one: from here the database is
//     under the new key, which every remaining slot holds.
//  5. The removal is audited.
//  6. The removed slot and the old seals are cleared. Until then the
//     removed slot holds only the old key, which opens nothing; Open clears
//     it (and audits that) when it finds it.
func (w *Workspace) rotate(i int, progress func(done, total int)) error {
	removed := w.keys.slots[i]
	epoch := w.nextEpoch()
	master := make([]byte, masterKeySize)
	rand.Read(master)
	admin := w.adminSecret
	if removed.role != RoleEnumerator {
		admin = make([]byte, roleSecretSize) // they knew a role secret: a new one
		rand.Read(admin)
	}

	// 1. Seal the new key next to the current one.
	nk := *w.keys
	var parts []keyPart
	for j := range nk.slots {
		s := &nk.slots[j]
		if !s.used || j == i {
			continue
		}
		c := s.spareSeal(w.epoch)
		sc := keySeal{epoch: epoch, tag: roleTag(admin, nk.device, s)}
		if err := nk.seal(s, &sc, master, secretFor(s.role, admin)); err != nil {
			return err
		}
		s.seals[c] = sc
		parts = append(parts, sealPart(&nk, j, c))
	}
	if err := writeKeyBytes(keyPath(w.dir), parts...); err != nil {
		return fmt.Errorf("seal the new master key: %w", err)
	}
	rotateStep("sealed")

	// 2. Rewrite the database under the new key.
	nw, err := newWorkspace(w.dir, &nk, master, w.user, w.role, w.opts)
	if err != nil {
		return err
	}
	state := map[string][]byte{string(stateCommits): encode(storedCommits{N: w.commits + 1})}
	if !slices.Equal(admin, w.adminSecret) {
		state[string(stateRoleAnchor)] = encode(newRoleAnchor(admin))
	}
	if !w.digestKept {
		state[string(stateDigestKey)] = encode(storedDigestKey{Key: w.digest.key})
	}
	tmp := dbPath(w.dir) + rotateSuffix
	n, dropped, err := w.rewrite(tmp, nw, state, progress)
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("rewrite the database under the new key: %w", err)
	}
	rotateStep("rewritten")

	// 3. The mark for the new file.
	markKey, err := subkey(master, markSubkey)
	if err != nil {
		return err
	}
	m := rollbackMark{commits: w.commits + 1, logSeq: w.lastLogSeq, deviceSeq: w.deviceSeq, auditSeq: w.auditSeq,
		auditTag: headTag(markKey, w.auditHash)}
	markSlot := (w.markSlot + 1) % 2
	if err := writeKeyBytes(keyPath(w.dir), keyPart{int64(keyFileSize + markSlot*markCopySize), m.encode(&nk, markKey)}); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write the rollback mark: %w", err)
	}
	rotateStep("marked")

	// 4. Switch.
	if err := w.db.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("close the old database: %w", err)
	}
	err = os.Rename(tmp, dbPath(w.dir))
	if err == nil {
		err = syncDir(w.dir)
	}
	if err != nil {
		os.Remove(tmp)
		if oerr := w.openDB(); oerr != nil {
			w.forget()
			return fmt.Errorf("switch to the rewritten database: %w; reopen: %v", err, oerr)
		}
		return fmt.Errorf("switch to the rewritten database: %w", err)
	}
	rotateStep("switched")
	clear(w.master)
	w.keys, w.master, w.seal, w.names, w.keyer, w.epoch = &nk, master, nw.seal, nw.names, nw.keyer, epoch
	w.digestKept = true
	w.adminSecret, w.ownSecret = admin, secretFor(w.role, admin)
	w.commits, w.markSlot = w.commits+1, markSlot
	if err := w.openDB(); err != nil {
		w.forget()
		return fmt.Errorf("reopen the rewritten database: %w", err)
	}

	// 5. Audit: who was removed, the new key's epoch, how much was
	// re-sealed and what could not be (bucket and key only).
	detail := fmt.Sprintf("%s; master key rotated to epoch %d, %d values re-sealed", removed.name, epoch, n)
	if len(dropped) > 0 {
		detail += fmt.Sprintf("; %d damaged values left out: %s", len(dropped), strings.Join(dropped[:min(len(dropped), 10)], ", "))
	}
	if _, err := w.update(func(tx kv.Tx, st *txState) error {
		w.appendAudit(tx, st, "user-remove", uuid.Nil, "", nil, detail)
		return nil
	}); err != nil {
		return fmt.Errorf("rotated, but not audited: %w", err)
	}
	rotateStep("audited")

	// 6. Clear the removed slot and the old seals.
	if _, err := w.settleSlots(false); err != nil {
		return fmt.Errorf("rotated; clearing the old key slot: %w", err)
	}
	return nil
}

// nextEpoch is one more than any key epoch the key file names.
func (w *Workspace) nextEpoch() uint32 {
	e := w.epoch
	for j := range w.keys.slots {
		for _, c := range w.keys.slots[j].seals {
			if c.used {
				e = max(e, c.epoch)
			}
		}
	}
	return e + 1
}

// rewrite writes every value of the database, opened with the current keys
// and sealed with nw's, into a new bbolt file at path, under the key its
// bucket's rekey hook gives; state holds state-bucket values to put
// (overriding the copied ones). Values that do not open are left out and
// named in dropped (bucket/key hex). The file is fsynced.
func (w *Workspace) rewrite(path string, nw *Workspace, state map[string][]byte, progress func(done, total int)) (n int, dropped []string, err error) {
	os.Remove(path) // a leftover of an interrupted rotation
	// Not synced per batch: the file is nobody's until it is synced below
	// and renamed into place. Mapped at the old file's size from the start,
	// so that it is not mapped again and again as it grows.
	mmap := min(w.fileSize()+w.fileSize()/8, 256<<20)
	dst, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: w.opts.Timeout, FreelistType: bolt.FreelistMapType,
		NoSync: true, NoFreelistSync: true, InitialMmapSize: int(mmap)})
	if err != nil {
		return 0, nil, err
	}
	defer func() {
		if cerr := dst.Close(); err == nil {
			err = cerr
		}
	}()
	const batch = 20000
	err = w.view(func(tx kv.Tx) error {
		buckets := append(allBuckets[:len(allBuckets):len(allBuckets)], lateBuckets...)
		total := 0
		for _, name := range buckets {
			if b := tx.Bucket(name); b != nil {
				total += b.Len()
			}
		}
		dtx, err := dst.Begin(true)
		if err != nil {
			return err
		}
		defer func() { dtx.Rollback() }()
		pending := 0
		for _, name := range buckets {
			src := tx.Bucket(name)
			if src == nil {
				continue
			}
			out, err := dtx.CreateBucket([]byte(name))
			if err != nil {
				return err
			}
			rekey := rekeyOf(name)
			var buf []byte
			err = src.ForEach(func(k, v []byte) error {
				plain, err := w.seal[name].openTo(buf[:0], k, v)
				if err == nil {
					buf = plain
					var key []byte
					if key, err = rekey(w, nw, tx, k, plain); err == nil {
						key = slices.Clone(key)
						err = out.Put(key, nw.seal[name].seal(key, plain))
						if err != nil {
							return err
						}
					}
				}
				if err != nil {
					dropped = append(dropped, name+"/"+hex.EncodeToString(k))
				}
				n++
				if pending++; pending >= batch {
					if err := dtx.Commit(); err != nil {
						return err
					}
					if dtx, err = dst.Begin(true); err != nil {
						return err
					}
					out, pending = dtx.Bucket([]byte(name)), 0
				}
				if progress != nil && (n%1000 == 0 || n == total) {
					progress(n, total)
				}
				return nil
			})
			clear(buf)
			if err != nil {
				return err
			}
		}
		if st := dtx.Bucket([]byte(bucketState)); st != nil {
			for _, k := range slices.Sorted(mapKeys(state)) {
				if err := st.Put([]byte(k), nw.seal[bucketState].seal([]byte(k), state[k])); err != nil {
					return err
				}
			}
		}
		if progress != nil {
			progress(n, total)
		}
		return dtx.Commit()
	})
	if err == nil {
		err = dst.Sync()
	}
	return n, dropped, err
}

func mapKeys(m map[string][]byte) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// holds reports whether s holds the master key of epoch: a v3 slot with a
// seal of it, or an older slot when the key was never rotated.
func (s *keySlot) holds(epoch uint32) bool {
	if s.v3 {
		return s.sealFor(epoch) != nil
	}
	return epoch == 0
}

// settleSlots clears what a rotation leaves in the key file: seal copies of
// another epoch than the database's, and slots that hold no key of it (the
// user an interrupted rotation removed; audited when audit is set). It
// needs no secret, so whoever unlocks does it. It returns the names of the
// slots cleared.
func (w *Workspace) settleSlots(audit bool) ([]string, error) {
	var parts []keyPart
	var cleared []string
	for j := range w.keys.slots {
		s := &w.keys.slots[j]
		if !s.used || !s.v3 {
			for c := range s.seals {
				if s.seals[c].used { // left by a crash while the slot was written
					s.seals[c] = keySeal{}
					parts = append(parts, sealPart(w.keys, j, c))
				}
			}
		}
		if !s.used {
			continue
		}
		if !s.holds(w.epoch) {
			cleared = append(cleared, s.name)
			*s = keySlot{}
			parts = append(parts, slotPart(w.keys, j), sealPart(w.keys, j, 0), sealPart(w.keys, j, 1))
			continue
		}
		for c := range s.seals {
			if s.seals[c].used && s.seals[c].epoch != w.epoch {
				s.seals[c] = keySeal{}
				parts = append(parts, sealPart(w.keys, j, c))
			}
		}
	}
	if len(parts) == 0 {
		return nil, nil
	}
	if err := writeKeyBytes(keyPath(w.dir), parts...); err != nil {
		return nil, err
	}
	if audit {
		for _, name := range cleared {
			detail := name + "; key slot cleared: it held only a master key from before the last rotation"
			if _, err := w.update(func(tx kv.Tx, st *txState) error {
				w.appendAudit(tx, st, "user-remove", uuid.Nil, "", nil, detail)
				return nil
			}); err != nil {
				return cleared, err
			}
		}
	}
	return cleared, nil
}

// pickKey chooses, of the master keys a slot holds, the one the database is
// sealed under: the one that opens its state bucket. A slot with none
// (ErrKeyRotated) is a removed user's, or an old copy of the key file.
func (w *Workspace) pickKey(keys []slotKey) (slotKey, error) {
	slices.SortFunc(keys, func(a, b slotKey) int { return int(int64(b.epoch) - int64(a.epoch)) })
	var state [][2][]byte
	err := w.view(func(tx kv.Tx) error {
		b := tx.Bucket(bucketState)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			state = append(state, [2][]byte{slices.Clone(k), slices.Clone(v)})
			return nil
		})
	})
	if err != nil {
		return slotKey{}, err
	}
	if len(state) == 0 && len(keys) > 0 {
		return keys[0], nil // nothing to tell by: a database not written yet
	}
	nonces := newNonceSource()
	for _, key := range keys {
		s, err := newSealer(key.master, bucketState, nonces)
		if err != nil {
			return slotKey{}, err
		}
		for _, kv := range state {
			if _, err := s.open(kv[0], kv[1]); err == nil {
				return key, nil
			}
		}
	}
	return slotKey{}, ErrKeyRotated
}

// useKey makes key the workspace's master key.
func (w *Workspace) useKey(key slotKey) error {
	nw, err := newWorkspace(w.dir, w.keys, key.master, w.user, w.role, w.opts)
	if err != nil {
		return err
	}
	w.master, w.seal, w.names, w.keyer, w.digest, w.epoch = key.master, nw.seal, nw.names, nw.keyer, nw.digest, key.epoch
	return w.view(func(tx kv.Tx) error {
		plain, err := w.get(tx, bucketState, stateDigestKey)
		if err != nil || plain == nil {
			return nil // none kept: the first key's own (or damaged: Verify says so)
		}
		var d storedDigestKey
		if decode(plain, &d) == nil && len(d.Key) == 32 {
			w.digest, w.digestKept = namer{key: d.Key}, true
		}
		return nil
	})
}

// upgradeSlot gives slot i, opened with passphrase, a key pair (v3), so
// that a later rotation can give it a new master key. Only a slot whose
// role is proven (or an enumerator's) is upgraded: an unproven one waits
// for an admin to set its passphrase, as before. A failure leaves the slot
// as it was.
func (w *Workspace) upgradeSlot(i int, passphrase []byte) error {
	s := w.keys.slots[i]
	if s.v3 || w.role != s.role || !s.bound && s.role != RoleEnumerator {
		return nil // a v1 supervisor's or admin's role is proven by an admin's reset
	}
	tag := s.tag
	if w.adminSecret != nil {
		tag = roleTag(w.adminSecret, w.keys.device, &s)
	}
	ns := keySlot{used: true, name: s.name, role: s.role, kdf: s.kdf}
	if err := w.keys.wrapPrivate(&ns, passphrase); err != nil {
		return err
	}
	if err := w.keys.putV3Slot(keyPath(w.dir), i, ns, w.master, w.ownSecret, w.epoch, tag); err != nil {
		return err
	}
	_, err := w.update(func(tx kv.Tx, st *txState) error {
		w.appendAudit(tx, st, "key-slot-upgrade", uuid.Nil, "", nil, s.name)
		return nil
	})
	return err
}

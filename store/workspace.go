package store

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/store/kv"
)

// The two files of a workspace directory.
const (
	DBFile  = "workspace.db"
	KeyFile = "workspace.key"
)

// Bucket names. Keys in them are sequence numbers, fixed names, encrypted
// record ids or keyed hashes (keys.go): never personal data, no record or
// device id.
const (
	bucketRecords    = "records"
	bucketChanges    = "changes"
	bucketSeen       = "seen"
	bucketAudit      = "audit"
	bucketMeta       = "meta"
	bucketDrafts     = "drafts"
	bucketQuarantine = "quarantine"
	bucketState      = "state"
)

var allBuckets = []string{bucketRecords, bucketChanges, bucketSeen, bucketAudit, bucketMeta, bucketDrafts, bucketQuarantine, bucketState}

// stateAuditHead is the key, in the state bucket, of the audit chain's head:
// it lets Verify notice entries cut off the end of the chain.
var stateAuditHead = []byte("audit-head")

// Workspace is an unlocked workspace. Its methods are safe for concurrent use.
type Workspace struct {
	mu     sync.RWMutex
	dir    string
	opts   Options
	db     kv.DB // nil once closed or wiped
	keys   *keyFile
	master []byte
	user   string
	role   Role
	// adminSecret is set when an admin unlocked (rolebind.go); roleProblems
	// are the key slots whose role did not verify, for Verify to report.
	adminSecret  []byte
	ownSecret    []byte // what the unlocking slot wrapped besides the master key
	roleProblems []string
	clock        *change.Clock
	seal         map[string]*sealer
	names        namer
	keyer        keyer // the keys of records and seen entries: keys.go
	// digest is KeyedDigest's key: names' until the master key is first
	// rotated, then kept in the state bucket (digestKept; rotate.go).
	digest     namer
	digestKept bool
	epoch      uint32 // the master key's epoch: rotations so far (rotate.go)

	deviceSeq  uint64 // last sequence number this device used
	clockHigh  uint64 // highest stamp (HLC) of any change held: see clock.go
	ownWall    int64  // latest wall time (Unix ms) this device wrote a change at: see clock.go
	lastLogSeq uint64
	auditSeq   uint64
	auditHash  []byte
	quarSeq    uint64
	commits    uint64          // write transactions committed: see mark.go
	markSlot   int             // the key file's mark copy written last: see mark.go
	quarSeen   map[devSeq]bool // quarantined (device, seq): refused again without a new entry
	drafts     map[string]bool
	compactDue bool     // an erasure committed since the last compaction: see erase.go
	damaged    []Damage // what unlock could not read: see damaged.go
	idx        *index
	watch      watchers
}

type devSeq struct {
	device uuid.UUID
	seq    uint64
}

func keyPath(dir string) string { return filepath.Join(dir, KeyFile) }
func dbPath(dir string) string  { return filepath.Join(dir, DBFile) }

// Exists reports whether dir holds a workspace (or what is left of one).
func Exists(dir string) bool {
	for _, p := range []string{keyPath(dir), dbPath(dir), databasePath(dir)} {
		if _, err := os.Lstat(p); err == nil {
			return true
		}
	}
	return false
}

// Create makes a new workspace in dir with one admin user and unlocks it.
func Create(dir, admin string, passphrase []byte, opts Options) (*Workspace, error) {
	opts = opts.withDefaults()
	if err := checkUserName(admin); err != nil {
		return nil, fmt.Errorf("create workspace: %w", err)
	}
	if err := CheckPassphrase(passphrase); err != nil {
		return nil, fmt.Errorf("create workspace: %w", err)
	}
	if err := opts.KDF.checkNew(); err != nil {
		return nil, fmt.Errorf("create workspace: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create workspace: %w", err)
	}
	if Exists(dir) {
		return nil, fmt.Errorf("create workspace in %q: %w", dir, ErrExists)
	}
	master := make([]byte, masterKeySize)
	rand.Read(master)
	k := &keyFile{device: uuid.New()}
	secret := make([]byte, roleSecretSize)
	rand.Read(secret)
	s := &k.slots[0]
	*s = keySlot{used: true, name: admin, role: RoleAdmin, kdf: opts.KDF}
	if err := k.wrapPrivate(s, passphrase); err != nil {
		return nil, fmt.Errorf("create workspace: %w", err)
	}
	s.seals[0] = keySeal{tag: roleTag(secret, k.device, s)}
	if err := k.seal(s, &s.seals[0], master, secret); err != nil {
		return nil, fmt.Errorf("create workspace: %w", err)
	}
	if err := createKeyFile(keyPath(dir), k); err != nil {
		return nil, fmt.Errorf("create workspace in %q: %w", dir, err)
	}
	w, err := create(dir, k, master, secret, admin, opts)
	if err == nil {
		if err = recordDatabase(dir, opts.Database); err != nil {
			w.Close()
		}
	}
	if err != nil {
		os.Remove(dbPath(dir))
		os.Remove(databasePath(dir))
		os.Remove(keyPath(dir))
		return nil, fmt.Errorf("create workspace in %q: %w", dir, err)
	}
	return w, nil
}

func create(dir string, k *keyFile, master, adminSecret []byte, admin string, opts Options) (*Workspace, error) {
	if _, err := os.Lstat(dbPath(dir)); err == nil {
		return nil, ErrExists
	}
	w, err := newWorkspace(dir, k, master, admin, RoleAdmin, opts)
	if err != nil {
		return nil, err
	}
	if err := w.openDB(); err != nil {
		return nil, err
	}
	if err := w.refuseUsedDatabase(); err != nil {
		w.db.Close()
		return nil, err
	}
	w.idx.finish()
	w.adminSecret, w.ownSecret = adminSecret, adminSecret
	// The first mark, before the database is written: a crash after the
	// transaction below leaves the database ahead of it, never behind.
	if err := w.writeMark(); err != nil {
		w.db.Close()
		return nil, err
	}
	var st *txState
	err = w.db.Update(func(tx kv.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		st = w.begin()
		w.put(tx, st, bucketState, stateRoleAnchor, encode(newRoleAnchor(adminSecret)))
		w.put(tx, st, bucketState, stateKeyFormat, encode(storedKeyFormat{Version: keyFormat}))
		w.appendAudit(tx, st, "create-workspace", uuid.Nil, "", nil, "")
		w.flush(tx, st)
		return st.err
	})
	if err == nil {
		w.commitState(st)
		err = w.writeMark()
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		w.db.Close()
		return nil, err
	}
	return w, nil
}

// refuseUsedDatabase refuses to create a workspace in a PostgreSQL
// database that already holds one (another HQ's store, under another key
// file), before anything is written to it.
func (w *Workspace) refuseUsedDatabase() error {
	url, err := w.opts.database(w.dir)
	if err != nil || url == "" {
		return err // a new bbolt file: create checked that there was none
	}
	var used bool
	err = w.view(func(tx kv.Tx) error {
		used = tx.Bucket(bucketRecords) != nil || tx.Bucket(bucketState) != nil
		return nil
	})
	if err != nil {
		return err
	}
	if used {
		return fmt.Errorf("the database already holds a workspace (another HQ's store, which only its own key file opens); create a new one in an empty database, or to keep serving that HQ, use its data directory: %w", ErrExists)
	}
	return nil
}

// Open unlocks the workspace in dir as user. A wrong passphrase or unknown
// user returns ErrWrongPassphrase and leaves every file untouched: the
// database is not even opened until the key file has accepted the passphrase.
func Open(dir, user string, passphrase []byte, opts Options) (*Workspace, error) {
	opts = opts.withDefaults()
	if _, err := os.Stat(keyPath(dir)); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("open workspace %q: %w", dir, ErrNoWorkspace)
		}
		return nil, fmt.Errorf("open workspace %q: %w", dir, err)
	}
	if ok, err := hasDatabase(dir); err != nil {
		return nil, fmt.Errorf("open workspace %q: %w", dir, err)
	} else if !ok && opts.Database == "" {
		return nil, fmt.Errorf("open workspace %q: database missing: %w", dir, ErrNoWorkspace)
	}
	k, err := readKeyFile(keyPath(dir))
	if err != nil {
		return nil, fmt.Errorf("open workspace %q: %w", dir, err)
	}
	i := k.find(user)
	if i < 0 {
		// Spend the same effort as a real attempt, so timing does not tell
		// whether the user exists.
		dummy := keySlot{kdf: opts.KDF}
		if dummy.kdf.check() == nil {
			deriveKEK(passphrase, &dummy)
		}
		return nil, fmt.Errorf("open workspace %q: %w", dir, ErrWrongPassphrase)
	}
	keys, err := k.unlockSlot(&k.slots[i], passphrase)
	if err != nil {
		return nil, fmt.Errorf("open workspace %q: %w", dir, err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("open workspace %q: key slot %q holds no master key: %w", dir, user, ErrKeyRotated)
	}
	w, err := newWorkspace(dir, k, keys[0].master, user, k.slots[i].role, opts)
	if err != nil {
		return nil, fmt.Errorf("open workspace %q: %w", dir, err)
	}
	if err := w.openDB(); err != nil {
		return nil, fmt.Errorf("open workspace %q: %w", dir, err)
	}
	key, err := w.pickKey(keys)
	if err == nil {
		err = w.useKey(key)
	}
	if err != nil {
		w.db.Close()
		return nil, fmt.Errorf("open workspace %q: key slot %q: %w", dir, user, err)
	}
	secret := key.secret
	if err := w.settleKeyFormat(); err != nil {
		if w.db != nil {
			w.db.Close()
		}
		return nil, fmt.Errorf("open workspace %q: %w", dir, err)
	}
	if err := w.load(); err != nil {
		w.db.Close() // never nil here: openDB succeeded
		return nil, fmt.Errorf("open workspace %q: %w", dir, err)
	}
	if err := w.openMark(); err != nil {
		w.db.Close()
		return nil, fmt.Errorf("open workspace %q: %w", dir, err)
	}
	if _, err := w.settleSlots(true); err != nil {
		w.db.Close()
		return nil, fmt.Errorf("open workspace %q: finish the last key rotation: %w", dir, err)
	}
	if err := w.settleRole(i, secret, passphrase); err != nil {
		w.db.Close()
		return nil, fmt.Errorf("open workspace %q: %w", dir, err)
	}
	_ = w.upgradeSlot(i, passphrase) // not done now, done at the next unlock
	w.clock.Raise(w.clockHigh)
	w.reloadForms()
	releaseMapped(w.db)
	return w, nil
}

func newWorkspace(dir string, k *keyFile, master []byte, user string, role Role, opts Options) (*Workspace, error) {
	w := &Workspace{
		dir: dir, opts: opts, keys: k, master: master, user: user, role: role,
		clock:    change.NewClock(k.device, opts.Now),
		seal:     make(map[string]*sealer, len(allBuckets)),
		quarSeen: make(map[devSeq]bool),
		drafts:   make(map[string]bool),
		idx:      newIndex(),
	}
	nonces := newNonceSource()
	for _, b := range append(allBuckets[:len(allBuckets):len(allBuckets)], lateBuckets...) {
		s, err := newSealer(master, b, nonces)
		if err != nil {
			return nil, err
		}
		w.seal[b] = s
	}
	nk, err := subkey(master, "names")
	if err != nil {
		return nil, err
	}
	w.names = namer{key: nk}
	if w.keyer, err = newKeyer(master, k.device); err != nil {
		return nil, err
	}
	w.digest = w.names
	return w, nil
}

func (w *Workspace) openDB() (err error) {
	// bbolt panics on some kinds of page damage; a damaged file is bad
	// input, not a bug, so it becomes ErrCorrupt here.
	defer recoverCorrupt(&err, "open database")
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	db, err := w.opts.engine(w.dir)
	switch {
	case errors.Is(err, kv.ErrInUse):
		return ErrInUse
	case errors.Is(err, kv.ErrCorrupt):
		return fmt.Errorf("%v: %w", err, ErrCorrupt)
	case err != nil:
		return err
	}
	w.db = db
	return nil
}

// Close locks the workspace: the database is closed and the keys forgotten.
func (w *Workspace) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.db == nil {
		return nil
	}
	err := w.db.Close()
	w.forget()
	if err != nil {
		return fmt.Errorf("close workspace: %w", err)
	}
	return nil
}

// forget drops the keys and the index. The caller holds w.mu.
func (w *Workspace) forget() {
	w.db = nil
	clear(w.master)
	w.master = nil
	clear(w.ownSecret)
	w.adminSecret, w.ownSecret = nil, nil
	w.seal = nil
	w.keyer = keyer{}
	w.idx = newIndex()
	w.drafts = map[string]bool{}
	w.watch = watchers{}
}

// Wipe crypto-erases the open workspace: see the package function Wipe.
// Supervisors and admins only; an order from HQ is carried out by
// WipeOrdered whoever is unlocked.
func (w *Workspace) Wipe() (time.Duration, error) {
	if !w.role.MaySupervise() {
		return 0, fmt.Errorf("wipe workspace: %w", ErrForbidden)
	}
	return w.WipeOrdered()
}

// WipeOrdered crypto-erases the open workspace on HQ's order (a sync or a
// bundle carried it): the order is HQ's decision, not the user's, so it
// needs no role.
func (w *Workspace) WipeOrdered() (time.Duration, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	start := time.Now()
	if w.db != nil {
		w.db.Close() // the wipe goes ahead whatever close says
		w.forget()
	}
	if _, err := Wipe(w.dir); err != nil {
		return time.Since(start), err
	}
	return time.Since(start), nil
}

// Wipe crypto-erases the workspace in dir without unlocking it: the key file
// is overwritten with random bytes and synced, then both files are removed.
// The database alone is undecryptable, so even a copy made earlier is useless
// once the key file is gone. It returns how long the erase took.
func Wipe(dir string) (time.Duration, error) {
	start := time.Now()
	var errs []error
	if f, err := os.OpenFile(keyPath(dir), os.O_WRONLY, 0); err == nil {
		size := int64(keyFileSize)
		if fi, err := f.Stat(); err == nil && fi.Size() > size {
			size = fi.Size()
		}
		noise := make([]byte, size)
		rand.Read(noise)
		if _, err := f.WriteAt(noise, 0); err != nil {
			errs = append(errs, fmt.Errorf("overwrite key file: %w", err))
		}
		if err := f.Sync(); err != nil {
			errs = append(errs, fmt.Errorf("sync key file: %w", err))
		}
		f.Close()
	} else if !errors.Is(err, os.ErrNotExist) {
		errs = append(errs, fmt.Errorf("open key file: %w", err))
	}
	if err := wipeDatabase(dir); err != nil {
		errs = append(errs, err)
	}
	for _, p := range []string{keyPath(dir), dbPath(dir), dbPath(dir) + compactSuffix, dbPath(dir) + rotateSuffix, databasePath(dir)} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if err := syncDir(dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return time.Since(start), fmt.Errorf("wipe workspace %q: %w", dir, err)
	}
	return time.Since(start), nil
}

// syncDir makes a file creation, rename or removal in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !isSyncUnsupported(err) {
		return fmt.Errorf("sync directory: %w", err)
	}
	return nil
}

// Dir returns the workspace directory.
func (w *Workspace) Dir() string { return w.dir }

// User returns the unlocking user's name.
func (w *Workspace) User() string { return w.user }

// Role returns the unlocking user's role.
func (w *Workspace) Role() Role { return w.role }

// Device returns this workspace's device id, which stamps its changes.
func (w *Workspace) Device() uuid.UUID { return w.keys.device }

// Clock returns the workspace's hybrid logical clock.
func (w *Workspace) Clock() *change.Clock { return w.clock }

// FileSize returns the bytes the database takes: the bbolt file's size, or
// what PostgreSQL holds for the workspace.
func (w *Workspace) FileSize() int64 {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.fileSize()
}

// fileSize is FileSize; the caller holds w.mu.
func (w *Workspace) fileSize() int64 {
	if w.db != nil {
		if _, bolt := w.db.(*kv.Bolt); !bolt {
			return w.db.Size()
		}
	}
	fi, err := os.Stat(dbPath(w.dir))
	if err != nil {
		return 0
	}
	return fi.Size()
}

// rlock takes the read lock and fails with ErrLocked on a closed workspace.
func (w *Workspace) rlock() error {
	w.mu.RLock()
	if w.db == nil {
		w.mu.RUnlock()
		return ErrLocked
	}
	return nil
}

func (w *Workspace) lock() error {
	w.mu.Lock()
	if w.db == nil {
		w.mu.Unlock()
		return ErrLocked
	}
	return nil
}

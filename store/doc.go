// Package store keeps a Fieldreg workspace: the records of one device (or of
// HQ), their change log and an audit chain, in an encrypted bbolt database
// unlocked by a per-user passphrase.
//
// # Glossary
//
//   - Workspace: one directory holding workspace.db (bbolt) and
//     workspace.key (the key file). Unlocked, it is a *Workspace.
//   - Master key: 256 random bits made at Create. Everything is encrypted
//     under keys derived from it; it never touches the database file.
//   - Key slot: one user's access to the master key: an X25519 key pair
//     whose private key is wrapped under a key that Argon2id derives from
//     the user's passphrase, and the master key sealed to its public key
//     (older slots wrap the master key itself). Changing a passphrase
//     rewrites one slot; removing a user clears one slot and rotates the
//     master key.
//   - Key epoch: how many times the master key was rotated; each seal of
//     the master key names the epoch it belongs to.
//   - Subkey: a key for one purpose (one per bucket, one for naming drafts
//     and meta entries, one each for record and seen keys), derived from
//     the master key with HKDF-SHA256.
//   - Sealed value: nonce ‖ XChaCha20-Poly1305 ciphertext ‖ tag, with the
//     bucket name and the value's key as associated data.
//   - Device seq: the number of this device's changes so far; (device id,
//     device seq) names a change everywhere (change.Change.DeviceSeq).
//   - Log seq: a change's position in this workspace's local change log,
//     own and received changes alike (Logged.LogSeq, Result.LogSeq). At HQ
//     the log seq is what devices keep as their sync cursor.
//   - Audit seq: an entry's position in the audit chain (AuditEntry.AuditSeq).
//   - Quarantine seq: a refused change's position in the quarantine
//     (QuarantineEntry.QuarantineSeq).
//   - Index: what unlock learns by decrypting every record once — kinds,
//     household members, deletion, open conflicts, name words. It holds ids
//     and words, never whole records; Get decrypts from the file.
//   - Indexer: an in-memory index the caller keeps (duplicate matching, the
//     app's lists), fed every record and every later change. Given in
//     Options.Indexes it is filled at unlock, which then decodes every
//     record whole; added with Attach after unlock, it is filled by a second
//     pass while the caller already works with the workspace.
//   - Quarantine: received changes that were refused, with the reason,
//     held until released (checked again and applied) or dropped; changes
//     of one unit (ApplyRemoteUnits: a household with its members) are held,
//     released and dropped together. A resolved entry is kept, marked, so a
//     resend is still recognized.
//   - Contract: what HQ and sync rely on, written down as interfaces in
//     package storetest (Store for HQ, Device for a device) with a
//     conformance suite that this package's tests run and any other
//     implementation (PostgreSQL at HQ) runs too. The types it exchanges
//     (Result, Logged, QuarantineEntry, Edit) and the sentinels are here.
//   - Damaged: a stored value that does not authenticate or decode. It is
//     listed (Workspace.Damaged, Verify), never a reason to refuse the
//     rest of the workspace.
//   - Set aside: a change of this device that could not be read. The
//     outgoing queue sends a placeholder for it (IsSetAside) so that HQ's
//     acknowledged run goes on; Workspace.SetAside lists it with why.
//   - Form doc: one published form version (FormDoc: ref "id@version",
//     kind, its JSON), numbered in publish order (the form seq). Written by
//     an admin (PutForms) or by sync from HQ (ReceiveForms), never changed
//     once stored; FormSet (Options.Forms) is the built-in forms plus these.
//   - Audit chain: one entry per change or event — who, when, what record,
//     which field names, never values — each holding the hash of the one
//     before.
//
// # Key file (workspace.key), format version 1
//
// Fixed size, 17728 bytes: a 64-byte header, 32 slots of 256 bytes, the
// 256-byte rollback mark, and the seal section (32 slots × 2 copies × 144
// bytes). It is written once, at Create, and afterwards only overwritten in
// place — one slot, seal or mark copy at a time with WriteAt and fsync,
// never renamed or replaced — so no old copy of a slot, a seal or the mark
// survives in the file system. A key file from an older store ends after
// the slots (8256 bytes) or after the mark (8512); the first write of a seal
// extends it in place with zeros. Integers are big-endian.
//
//	header
//	  0  8  magic "FRKEYS\x00\x01"
//	  8  2  format version (1)
//	 10  2  slot count (32)
//	 12  2  slot size (256)
//	 14  2  zero
//	 16 16  device id (UUID)
//	 32 32  zero
//	slot i at 64 + 256·i; a free slot is all zero and ignored
//	  0  1  state: 0 free, 1 in use (v1), 2 in use (v2), 3 in use (v3)
//	  1  1  role: 1 enumerator, 2 supervisor, 3 admin
//	  2  1  user name length (1..64)
//	  3  1  zero
//	  4  4  Argon2id time (passes, 1..64)
//	  8  4  Argon2id memory in KiB (8..1 GiB)
//	 12  1  Argon2id threads (≥1)
//	 13  3  zero
//	 16 16  Argon2id salt
//	 32 64  user name, UTF-8, zero padded
//	 96 24  XChaCha20-Poly1305 nonce
//	v1: 120 48  wrapped master key (32 bytes + 16-byte tag)
//	    168 88  zero
//	v2: 120 80  wrapped master key ‖ role secret (32 + 32 bytes + 16-byte tag)
//	    200 16  role tag: HMAC-SHA256(admin secret, "fieldreg role tag" 0x00 ‖
//	            device id ‖ role byte ‖ user name), first 16 bytes
//	    216 40  zero
//	v3: 120 48  wrapped X25519 private key (32 bytes + 16-byte tag)
//	    168 32  X25519 public key
//	    200 56  zero
//	seal section at 8512; slot i's copy c (0 or 1) at 8512 + 144·(2i + c);
//	all zero when empty; a copy next to a slot that is not v3 (a crash
//	between writing a new slot's seal and the slot) opens nothing and is
//	cleared at the next unlock
//	  0  1  state: 0 empty, 1 sealed
//	  1  3  zero
//	  4  4  key epoch
//	  8 32  ephemeral X25519 public key
//	 40 80  sealed master key ‖ role secret (32 + 32 bytes + 16-byte tag)
//	120 16  role tag (as in v2, under this epoch's admin secret)
//	136  8  zero
//
// The wrapping key is Argon2id(passphrase, salt, time, memory, threads, 32).
// The associated data of the wrap is header bytes 0..32 followed by slot
// bytes 0..96 and, in v2, the role tag, in v3 the public key; so the device
// id, the slot's format, the user's name, role and KDF parameters cannot be
// edited without the slot failing to open. A seal is XChaCha20-Poly1305
// under HKDF-SHA256(X25519(ephemeral, public key), salt ephemeral public key
// ‖ slot public key, info "fieldreg key seal v1"), a key used once, so with
// a zero nonce; its associated data is header bytes 0..32 ‖ slot bytes
// 0..96 ‖ public key ‖ seal bytes 0..8 ‖ role tag: name, role, KDF
// parameters, key pair, epoch and tag are all bound. A seal is made with
// the public key alone, so an admin can give every user a new master key
// without their passphrases (rotate.go); the role tag lives in the seal
// because the admin secret that makes it changes with the key.
//
// The role secret is the admin secret (32 random bytes) in an admin's
// slot, HMAC-SHA256(admin secret, "fieldreg supervisor secret") in a
// supervisor's, zeros in an enumerator's. The database's state bucket keeps
// the role anchor (key "role-anchor"): SHA-256("fieldreg role check <role>"
// 0x00 ‖ secret) for admin and supervisor. Unlock grants a role above
// enumerator only to a v2 or v3 slot whose secret matches the anchor (a
// workspace without an anchor keeps the v1 rule until an admin unlocks it
// and migrates it: a new admin secret, the anchor, the admin's own slot
// rewritten; other v1 supervisor and admin slots open as enumerators until
// an admin sets their passphrase). docs/design.md has the reasoning and the
// threat model.
//
// Unlock opens the slot's seals (v3) or its wrap (v1, v2: epoch 0) and
// uses the master key that opens the database's state bucket; a slot whose
// keys open none fails with ErrKeyRotated. A v1 or v2 slot is rewritten as
// v3 at its user's next unlock (its role proven, or an enumerator's): a new
// key pair, the seal written first into copy 0, then the slot, so a crash
// between leaves the old slot whole. An enumerator's slot upgraded without
// an admin has a zero role tag. Every slot write after that (AddUser,
// SetPassphrase) makes a new key pair the same way, the new seal into the
// copy not in use and the other copy cleared after. Bounds on the KDF
// parameters keep a damaged file from making unlock allocate gigabytes.
// Usernames are stored in clear: they name staff, not beneficiaries.
//
// Rollback mark, at 8256, 256 bytes (added after the slots; a key file of
// 8256 bytes is one from before marks): two copies, A at 8256 and B at
// 8384, 128 bytes each. Each is rewritten in place after every write
// transaction, replacing the older copy; the one with the higher commit
// seq whose MAC holds counts, and an all-zero copy is empty.
//
//	  0  8  commit seq: write transactions the database has committed
//	  8  8  last log seq
//	 16  8  last device seq
//	 24  8  last audit seq
//	 32 32  HMAC-SHA256(mark key, "audit head" ‖ 0x00 ‖ audit head hash)
//	 64  8  zero
//	 72 32  HMAC-SHA256(mark key, header bytes 0..32 ‖ copy bytes 0..72)
//	104 24  zero
//
// The mark key is HKDF-SHA256(master, info "fieldreg store v1 rollback
// mark"). See "Rollback" below.
//
// # Database (workspace.db)
//
// Every value is sealed with its bucket's subkey
// (HKDF-SHA256(master, info "fieldreg store v1 bucket <name>")), associated
// data = bucket name ‖ 0x00 ‖ key. A value moved to another key or bucket,
// or any flipped byte, fails authentication and is reported as ErrCorrupt
// naming the bucket and key. Plaintexts are deterministic CBOR (core
// deterministic encoding, integer map keys; the stored types are in codec.go).
//
//	bucket      key                           value (sealed)
//	records     AES-256(record key, id) (16)  kind, every version of every field, the record's log seqs
//	changes     log seq (u64)                 the change: device, device seq, record, kind, author, stamp, writes
//	seen        another device's change:      log seq (u64): makes received changes idempotent
//	              HMAC(seen key, device id ‖ dev seq), first 16 bytes
//	            this device's change:         log seq (u64)
//	              HMAC(seen key, "own" ‖ device id), first 16 bytes, ‖ dev seq (u64)
//	audit       audit seq (u64)               audit seq, time, user, action, record, kind, field names, detail, prev hash
//	state       "audit-head"                  last audit seq and hash: a cut-off tail is noticed
//	state       "clock-high"                  the clock's high-water mark (highest stamp of any change held) and the device's own mark
//	state       "sync-lock"                   days the device may go without reaching HQ (admins set it)
//	state       "hq-contact"                  when the device last reached HQ (enrolled or finished a sync)
//	state       "evicted"                     ids of the records evicted (their own changes stay in the log)
//	state       "commit-seq"                  write transactions committed: compared with the key file's rollback mark
//	state       "role-anchor"                 one-way checks of the admin and supervisor role secrets (key slots v2)
//	state       "key-format"                  2, and whether the move from format 1 still has to be compacted away
//	meta        HMAC(name) (16)               name and value (sync cursor, settings, "store/set-aside")
//	drafts      HMAC(name) (16)               name and value (the app's half-done registrations)
//	quarantine  quarantine seq (u64)          time, the refused change (large writes zstd-compressed), the reason, its unit, released or dropped and when
//	forms       publish seq (u64)             a form version: ref (id@version), kind, its JSON (forms.go; made by its first write)
//
// Keys are sequence numbers, keyed hashes and encrypted ids (keys.go, the
// one place that makes record and seen keys): no name, phone or document
// number, no record id and no device id appears anywhere in the file in
// clear. The record key is HKDF-SHA256(master, info "fieldreg store v1
// record keys"), used as an AES-256 key on the one block a record id is:
// a permutation, so two records never share a key, the key looks random
// (records made in one millisecond or one commit share no prefix), and with
// the master key it gives the id back, which is how unlock, Verify and
// damage reports name a record from its key. The seen key is HKDF-SHA256(master,
// info "fieldreg store v1 seen keys"). Received changes are only ever
// looked up one by one (HQ's batched SeenChanges, ApplyRemote, eviction),
// so their keys are point hashes; this device's own keep a prefix so that
// unlock finds its last device seq and the outgoing queue reads them in
// order, both as one range read. Meta and draft names are chosen by
// callers and might hold anything, hence the HMAC (keyed with its own
// subkey) instead of the name.
//
// Key format. Key format 1 (a database without "key-format") kept records
// under their ids and seen entries under device id ‖ device seq. Open
// moves such a database to format 2 before it reads anything: every record
// and seen value is opened under its old key and sealed again under its
// new one (a value that does not open moves as it is, and stays reported
// as damaged under the same record id), in one transaction that also
// writes "key-format" — a crash leaves the old layout or the new one,
// never a mix. Then the bbolt file is compacted, so that its free pages
// keep no old key, and "key-format" is rewritten without the compaction
// due (a crash before that compacts at the next Open). The move writes no
// commit seq and no audit entry: it changes where values are kept, not
// what they say. On PostgreSQL the same transaction moves the rows; the
// old keys stay in dead tuples until vacuum, and in the WAL. A database
// with a newer format is refused with ErrNewerFormat. MoveToPostgres
// copies keys as they are, of either format.
//
// Key rotation (re-sealing under a new master key) must also rename these
// keys: newKeyer(new master, device) gives the new keyer; a record's new
// key is recordKey of its id (recordID of its old key under the old
// keyer), a seen entry's is seenKey of the device and device seq of the
// change at the log seq its value holds.
//
// # What the files reveal without a passphrase
//
// Exactly this, and it is more than "sizes and counts":
//
//   - workspace.key: the device id, each user's name and role, their KDF
//     parameters, how many users there are; each slot's public key and the
//     key epoch of its seals (how many times a removal rotated the master
//     key); in the mark, the number of write transactions and the last log,
//     device and audit seqs.
//   - records: how many records there are (tombstones of erased records
//     included), nothing else from the keys — no id, no creation time, no
//     order, nothing that groups a household. Each value's size says
//     roughly how much the record holds, which tells households from
//     persons and a tombstone from a record.
//   - seen: how many of this device's own changes it holds (its keys share
//     one prefix and carry the device seq, 1 to the last — the number the
//     key file's mark gives anyway) and how many received changes, in all:
//     not which devices sent them, how many devices there are, or how many
//     each sent.
//   - changes, audit, quarantine and forms keys are seqs: how many changes,
//     audit entries, refused changes and published form versions there
//     are (the change log's values are sealed, so which change belongs to
//     which record is not visible). State keys are the fixed names above:
//     whether a sync lock was set, the device reached HQ, households were
//     evicted. Meta and draft keys show only how many entries there are.
//   - Every value's size: roughly how much each record, change and audit
//     entry holds (nothing is padded), and which bucket grows when.
//   - bbolt's history: a write transaction writes each page it changes to
//     a free page, often side by side with the others it writes, and the
//     older copy stays among the free pages until reused. Comparing the
//     two copies of a leaf shows which keys the transaction added, and
//     pages written side by side hint at which transaction that was, so
//     for recent commits (until their pages are reused, or Compact runs:
//     after the key move, erasure and eviction, and at HQ after
//     revocations) which records were created together, and so a
//     household's size, can still be guessed. The keys no longer tell it;
//     the file's recent history may, for a while.
//   - bbolt's free pages keep older sealed values (earlier versions of
//     records, deleted drafts) until reused or compacted: unreadable
//     without the key, but there for whoever later has a passphrase.
//   - File size and modification time.
//
// On PostgreSQL (HQ) the kv table shows the same keys and values, and the
// database adds what PostgreSQL keeps about rows: each row's inserting
// transaction (xmin) and place in the table, so a DBA can tell which rows
// one transaction wrote — which records a commit or a sync created or
// changed together, and so the size of a household registered at once —
// and dead row versions and the WAL keep older keys and values until
// vacuum and WAL recycling. Keys hide what a row is; they cannot hide
// when rows were written together.
//
// The audit hash of entry n is SHA-256(hash(n-1) ‖ CBOR(entry n)), with 32
// zero bytes before the first entry. Verify walks the chain and compares its
// end with the stored head.
//
// # Clock high-water mark
//
// The device's clock must never stamp a new change at or below a stamp the
// workspace already holds: a tablet whose date was set back would otherwise
// write values that lose to the ones they replace, on every replica. The
// highest stamp of any change logged, local or remote, is kept under
// "clock-high" and rewritten in the same transaction as the changes that
// raise it; Open raises the clock to it with one read (a workspace made
// before the mark was kept reads it once from the change log). Commit also
// stamps each change after every base it replaces (change.Clock.After), and
// accepted remote stamps advance the clock (the HLC receive rule), bounded by
// the one-day-ahead refusal. Beside it the same value keeps the device's own
// mark: the latest wall time at which this device wrote a change (not that
// change's stamp, which a fast device's base may have pushed ahead).
// Workspace.ClockBehind reports a wall clock more than ClockTolerance behind
// the own mark — this device's date went back — for the user to fix the
// date; a received stamp ahead of the wall clock (up to the one-day limit:
// the other device may be the fast one) is not reported. Nothing is refused
// for either.
//
// # Nothing written that will not read back
//
// One record that does not decode would make the whole workspace fail to
// open, so each change and record is decoded again right after it is
// encoded (readback.go): a local commit that would not read back fails
// with ErrUnstorable and nothing is written; a remote change that could
// not be stored is quarantined, and what the quarantine and the audit keep
// of it has its bytes that are not UTF-8 replaced.
//
// # A damaged value never takes the workspace down
//
// Bytes still go bad — a flash cell, a copy cut short, a workspace written
// before the store read back what it wrote — and one value that does not
// open must not cost a field team every other registration. Unlock leaves
// a record (or draft, or quarantine entry) that does not authenticate or
// decode out of the index and lists it in Workspace.Damaged, naming bucket,
// key and what failed, never the value; Get of that record returns
// ErrCorrupt, and lists, searches, exports and commits of everything else
// go on (a record found damaged later, by Each, is dropped from the index
// the same way). A received change for a damaged record is quarantined
// rather than merged into nothing. Verify reports each as a problem.
//
// A change of this device's own that cannot be read would block the
// outgoing queue for ever: HQ acknowledges a device's changes as one
// unbroken run of device seqs. OwnChangesAfter sets such a change aside
// instead — once, durably, with its reason, under the meta entry
// "store/set-aside" and in the audit — and puts a placeholder in its
// place: kind SetAsideKind, a nil record id, writes holding the reason and
// the record when known. change.Validate refuses it (no record), so no
// replica ever applies it; every replica quarantines it with the device's
// reason, which counts as received, and a supervisor at HQ sees what was
// lost. HQ needs no gap in its protocol for it.
//
// # Eviction and the sync lock
//
// Evict (evict.go) removes households that left the device's sites: their
// records, members and assessments, the other devices' changes to them
// with their seen entries (so the same changes can be received again when
// the household comes back), and what the indexes knew; then it compacts,
// so free pages keep no copy. The device's own changes stay in its log:
// its device seqs must stay unbroken, and its queue and bundles read them.
// Verify accepts a record gone from records when it is listed in
// "evicted". Drafts are not touched (they hold new
// registrations, not received records).
//
// The sync lock (synclock.go) is enforced here, not by a front end:
// Commit and Delete fail with ErrSyncOverdue once the device has gone
// longer than the limit ("sync-lock", default 30 days, admins only) since
// "hq-contact", which the store writes itself when sync/client stores its
// enrollment or a finished sync. Reads, ApplyRemote, meta and drafts stay
// open: a sync is what lifts the lock. A workspace never enrolled is never
// locked.
//
// # Deleted records and byte caps
//
// A deleted record is shown, searched and exported by nobody, so whatever
// is written to it goes unseen — while every version is kept and every
// change rewrites the record whole. So a change that deletes may write
// only the deletion and the link a merge leaves
// (registry.ValidateDeletion), and any other write to a deleted record is
// checked with Options.Validate as if the record were live (a received
// one, with Options.ValidateChange set, by that on its own, as any received
// change), where it used to be checked not at all. Refusing every write to a deleted record would
// be simpler, but not convergent: an edit made before its author saw the
// deletion is merged on replicas where it arrives first, so it must be
// merged everywhere (the sync property test holds the store to that).
// Both rules depend only on the change and the record's content, never on
// the order changes arrive in.
//
// # Erased records
//
// Deletion keeps every version; erasure (Erase, the field "_erased") keeps
// none: the record becomes a tombstone (kind, id, the erasure, and the site
// or household id that places it), each of its change-log entries is
// rewritten in place as a value-less erasure under the same log seq, device
// and device seq, its quarantine entries are dropped and stripped, drafts
// that mention it are deleted, and the file is compacted so that free pages
// keep no old copy. A change of an erased record received later is logged
// stripped of its values. erase.go has the details and what remains.
//
// Every change is at most MaxChangeBytes (64 KiB) of field names and
// values, and every record at most MaxRecordBytes (256 KiB) across all the
// versions it keeps. Over either, a local commit fails with
// ErrRecordTooLarge naming the record, and a received change is
// quarantined. What the quarantine keeps of a change over its cap is its
// first field names without values, so refusing junk does not store it;
// a refused change within its cap is kept whole, for release, with large
// writes compressed, so that a batch of refused changes grows the file
// about as much as the wire carried, not as much as it decompressed to.
//
// # Durability
//
// Commit, Delete, ApplyRemote, PutMeta, SaveDraft, DeleteDraft and the user
// operations return only after the data is on disk: bbolt commits with
// fsync (NoSync is never set), the key file is fsynced after every slot
// write, and the directory after creating, renaming or removing files. A
// record, its change-log entry, its seen entry and its audit entry commit in
// one transaction, and so do the changes ApplyRemote accepts and the meta
// entries (the sync cursor) given with them: after a crash either all of a
// call is there or none of it. The in-memory index moves only after the
// transaction committed. The crash test kills a committing process at random
// moments and checks that everything acknowledged is there and verifies; it
// kills the process, not the machine, so it does not prove the disk honours
// fsync (bbolt's own guarantees and the hardware's apply).
//
// # Threat model, in brief
//
// Protected: a lost, stolen or seized device while the workspace is locked
// — without a passphrase the files give up nothing but sizes, counts of
// values, user names and roles; a tampered file — detected, never trusted;
// an old copy of the database after Wipe — useless without the key file,
// which Wipe overwrites with random bytes before deleting (on flash storage
// with wear levelling an overwritten block may physically survive; the key
// file is small and the master key is only in it wrapped under Argon2id).
// Not protected: a device taken while unlocked (keys are in memory), a weak
// passphrase (Argon2id only slows guessing), malware on the device, and
// the metadata listed above. Rolling the whole directory back to an older
// copy is not detected locally; HQ's audit anchor notices at the next sync.
//
// # Rollback
//
// The associated data of a sealed value binds bucket and key, not a
// version, and bbolt keeps older pages inside the live file: without the
// mark, older values written back (a record, its change and seen entries,
// the audit tail and an older audit head) would authenticate and verify.
// So every write transaction stores a commit seq (state "commit-seq") and,
// once bbolt has committed, the store writes the rollback mark to the key
// file, which copy-on-write does not touch: commit, log, device and audit
// seqs and the audit head, MAC'd (mark.go). Open refuses with
// ErrRolledBack a database behind the mark in any count, at the mark's
// audit seq with another head, or ahead of it on a chain that does not pass
// through the mark's head; Verify reports the same (VerifyReport.RolledBack).
// A key file whose mark was cut off or destroyed next to a database with a
// commit seq is refused too; a workspace from before marks gets its first
// mark at open.
//
// Crash order: bbolt commits first, then the mark is written and fsynced.
// A crash in between leaves the database ahead of the mark, which is
// accepted (the next commit writes the mark again); only behind is a
// rollback. A mark write that fails does not fail the commit, for the same
// reason. Two copies of the mark, each write replacing the older, mean a
// torn write leaves the other copy, one transaction behind.
//
// What remains possible: whoever holds a passphrase holds the master key
// and can write any mark; both files put back together (a backup, or a
// copy taken earlier) are consistent — sync sends the audit head
// (AuditHead) to HQ, which refuses one that goes back; one transaction can
// be undone by also destroying the newer mark copy; free pages still hold
// older sealed values until Compact (HQ compacts after revocations and
// wipe orders).
//
// # Removing a user rotates the master key
//
// A removed user knew the master key (and, a supervisor or admin, a role
// secret) and may have kept a copy of the key file. RemoveUser therefore
// makes a new master key (and a new admin secret, hence supervisor secret
// and role anchor, when the removed user had a role above enumerator),
// seals it to every remaining slot's public key, and rewrites the
// database under it (rotate.go):
//
//  1. The new key is sealed into each remaining slot's seal copy not in
//     use (epoch one higher), next to the current one.
//  2. Every value of every bucket is opened and sealed again under the new
//     subkeys into a fresh bbolt file (workspace.db.rotate). Keys derived
//     from the master key are computed again from the plaintext by the
//     bucket's rekey hook (meta and drafts: the HMAC of the name, which the
//     value holds); keys that are ids and seqs stay. The state bucket gets
//     the commit seq plus one, the new role anchor, and "digest-key": the
//     key KeyedDigest used before the first rotation, kept so that digests
//     stored in records (registry.FieldExternalKey) still match. A value
//     that does not open under the old key is left out and named in the
//     audit (bucket and key).
//  3. The rollback mark for the new file is written, under the new key's
//     mark key, into the older mark copy; the newer one still vouches for
//     the old file.
//  4. The new file is renamed over the old one and the directory fsynced.
//  5. "user-remove" is audited: the name, the new epoch, how many values
//     were re-sealed; never a key.
//  6. The removed slot and every seal of the old epoch are cleared.
//
// A crash before step 4 leaves the database under the old key, which every
// slot still holds: unlock uses it and clears the unused new seals; the
// user is not removed, and RemoveUser can be run again. A crash after it
// leaves the database under the new key, which every remaining slot holds;
// the removed slot holds only the old key, which opens nothing
// (ErrKeyRotated), and the next unlock by anyone clears it and audits that.
// Record and seen keys are made anew in the fresh file (keys.go: the old
// keyer gives a record's id back, a received change's seen entry is found
// again through the change its log seq names). The fresh file has no page under the old key, so no compaction is needed;
// the old file is unlinked. The removed user's passphrase, their copy of the
// key file and the old master key itself open nothing in the current
// database or any later copy of it.
//
// Every other user's slot must be v3 at removal: a v1 or v2 slot wraps the
// master key under its user's passphrase only, and nobody else can give it
// a new one. RemoveUser refuses with ErrSlotsNotUpgraded naming those users
// (they unlock once, or an admin sets their passphrase, or removes them
// first) rather than lock them out. A workspace on PostgreSQL (HQ, whose
// one slot "hq" is its only admin and so is never removed) is refused with
// ErrNoRotation: rewriting it in one transaction is not built.
//
// What remains: a copy of the database taken before the removal stays
// under the old key, which the removed user holds (a backup, or the old
// file's blocks on flash until overwritten); a user who read the new
// master key out of memory before being removed is not helped by anything
// here; records the removed user synced to HQ are HQ's to protect.
// A 32-bit process maps both files during the rewrite, so a workspace near
// the 32-bit size limit may fail to rotate (it is refused, unchanged).
//
// # bbolt caveats
//
// bbolt never returns freed pages to the file system: deleting (or editing)
// many records leaves the file as large as before. Compact rewrites the live
// data into a new file, fsyncs it and renames it over the old one; the
// copied values stay sealed. bbolt maps the whole file into memory, and a
// 32-bit process cannot map much beyond 1 GiB: there the store refuses
// writes with ErrTooLarge before the file passes 800 MiB (Options.MaxSize
// changes the limit on any platform). Only one process may open a workspace
// at a time: bbolt takes a file lock, and a second opener gets ErrInUse
// after Options.Timeout (default 1 s) instead of hanging. Unlock reads the
// whole file through that mapping; on Linux and Android the store then
// advises the kernel (madvise DONTNEED) that the process no longer needs
// those pages, so they stay in the page cache without counting as the
// app's resident memory.
//
// # Using it
//
//	w, err := store.Create(dir, "admin", pass, store.Options{})
//	...
//	h := registry.NewID()
//	_, err = w.Commit(
//		store.Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp-a"}},
//		store.Edit{Record: registry.NewID(), Kind: registry.KindPerson, Set: map[string]string{"household_id": h.String(), "given_name": "Amina"}},
//	)
//	hits := w.Search("amina", 10)
//	w.Close()
//
// Roles: enumerators register and edit; deleting, resolving conflicts,
// merging or keeping apart duplicates, person-level exports (BeginExport),
// free audit text and wiping need a supervisor or admin; managing users needs
// an admin (anyone may change their own passphrase). The store refuses the
// rest with ErrForbidden whichever front end calls it; an order from HQ to
// wipe is carried out by WipeOrdered whoever is unlocked. An enumerator's
// reads of person records are audited by the front ends through AuditRead.
package store

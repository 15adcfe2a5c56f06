package store

import (
	"strconv"
	"time"

	"fieldreg/change"
	"fieldreg/registry"
)

// KDFParams are the Argon2id parameters of a key slot.
type KDFParams struct {
	Time      uint32 // passes over memory
	MemoryKiB uint32
	Threads   uint8

	// belowFloor lets a new key slot be made with parameters under MinKDF:
	// set only by InsecureTestKDF, never stored in the key file.
	belowFloor bool
}

// MinKDF is the floor for new key slots: OWASP's minimum Argon2id
// configuration, m=19 MiB, t=2, p=1. Below it a stolen key file gives up
// its passphrases to a guessing attack too cheaply; `--kdf-memory 1` was
// accepted before. Existing slots are opened whatever their cost.
var MinKDF = KDFParams{Time: 2, MemoryKiB: 19 * 1024, Threads: 1}

// InsecureTestKDF marks p as allowed under MinKDF, for tests, which would
// otherwise spend seconds on every unlock. Production code never calls it.
func InsecureTestKDF(p KDFParams) KDFParams {
	p.belowFloor = true
	return p
}

// DefaultKDF follows RFC 9106's second recommended option, within what a
// cheap tablet can afford at unlock: t=3, m=64 MiB, p=4.
var DefaultKDF = KDFParams{Time: 3, MemoryKiB: 64 * 1024, Threads: 4}

// Options tune a workspace. The zero value is right for production use.
type Options struct {
	KDF      KDFParams                   // for new key slots; zero → DefaultKDF
	Now      func() time.Time            // nil → time.Now
	Timeout  time.Duration               // wait for another process's lock; zero → 1s
	MaxSize  int64                       // database file size limit; zero → platform default
	Validate func(registry.Record) error // nil → no validation; called on every record a Commit produces
	Indexes  []Indexer                   // extra in-memory indexes kept by the caller (duplicate matching)
	// ValidateChange checks each received change (ApplyRemote, and again
	// on ReleaseQuarantined) on its own, against the form version it
	// names (registry.Forms.ChangeValidator): a refused change is
	// quarantined with the error as its reason. Set, it replaces Validate
	// for received changes: the merged record is not checked, since its
	// record-level rules were the author's and its values may come from
	// several versions. nil → Validate checks the merged record, as before
	// forms were versioned.
	ValidateChange func(change.Change) error
	// ValidateUnit, when set, checks together the records a unit of
	// received changes (ApplyRemoteUnits) brings into being — a household
	// registered elsewhere, with its members — once each change passed on
	// its own; forms[i] is the form version the last change of records[i]
	// in the unit names (formrun.UnitRules.Check). An error quarantines
	// every change of the unit, its message the reason (unitrules.go).
	// HQ sets it: the author's record-level rules, checked once more where
	// an old or buggy client's work first arrives. nil → not checked.
	ValidateUnit func(records []registry.Record, forms []string) error
	// ValidateWritten, when set, checks each record a Commit produces in
	// place of Validate, told which fields the commit wrote
	// (registry.Forms.ValidateWritten): a record holding a value of another
	// form version stays editable.
	ValidateWritten func(rec registry.Record, written []string) error
	// FormRef names the form version a record of kind is written with
	// here, the one Validate checks it against: every change this
	// workspace makes records it (change.Change.Form) unless its Edit
	// names one. nil → "" (the kind's first version).
	FormRef func(kind string) string
	// MaxAhead is how far ahead of Now a received change's stamp may be
	// before it is quarantined; zero → change.MaxSkew (a day, for devices
	// whose clocks wander). HQ sets minutes: one bad clock must not drag
	// every replica's clock forward.
	MaxAhead time.Duration
	// Forms, when set, is kept holding the built-in forms and the versions
	// stored in the workspace: loaded at unlock and after every PutForms or
	// ReceiveForms, so a Validate made from it (FormSet.Validator) knows a
	// version from the moment it is stored (formset.go).
	Forms *FormSet
	// Database is where a new workspace's buckets go: "" for the bbolt file
	// beside the key file, or a postgres:// URL ("postgres:" alone: the PG*
	// environment variables). Create records it in the directory
	// (DatabaseFile), so Open needs it only to override that.
	Database string
}

// Indexer is an in-memory index the store keeps current: Index is called once
// per record at unlock (every kind, deleted ones too — the indexer checks
// rec.Deleted()), and again with the new state after every Commit, Delete or
// ApplyRemote that changed the record. Calls are serialized.
type Indexer interface{ Index(rec registry.Record) }

// maxSize32 keeps a 32-bit process well below the ~1 GiB bbolt can map there.
const maxSize32 = 800 << 20

func (o Options) withDefaults() Options {
	if o.KDF == (KDFParams{}) {
		o.KDF = DefaultKDF
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Timeout <= 0 {
		o.Timeout = time.Second
	}
	if o.MaxSize <= 0 {
		o.MaxSize = defaultMaxSize(strconv.IntSize)
	}
	return o
}

// defaultMaxSize is the size limit for a platform with the given int size.
func defaultMaxSize(intSize int) int64 {
	if intSize == 32 {
		return maxSize32
	}
	return 1 << 62
}

package store

import (
	"fmt"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
)

// Stored forms. They are separate from the domain types so that the on-disk
// format is written down here, with integer keys, and changes only on purpose.
// Inner, repeated structures are CBOR arrays: smaller and faster to decode at
// unlock, where every record is decoded once.

type storedStamp struct {
	_      struct{} `cbor:",toarray"`
	HLC    uint64
	Device uuid.UUID
}

type storedVersion struct {
	_        struct{} `cbor:",toarray"`
	Value    string
	Stamp    storedStamp
	Base     storedStamp
	Resolves []storedStamp
}

type storedRecord struct {
	Kind   string                     `cbor:"1,keyasint"`
	Fields map[string][]storedVersion `cbor:"2,keyasint"`
	Log    []uint64                   `cbor:"3,keyasint,omitempty"` // log seqs of the record's changes, in order
	// Form and FormStamp are registry.Record's: absent in records written
	// before forms had versions, which read back with Form "".
	Form      string       `cbor:"4,keyasint,omitempty"`
	FormStamp *storedStamp `cbor:"5,keyasint,omitempty"`
}

type storedWrite struct {
	_        struct{} `cbor:",toarray"`
	Field    string
	Value    string
	Base     storedStamp
	Resolves []storedStamp
}

type storedChange struct {
	Device    uuid.UUID     `cbor:"1,keyasint"`
	DeviceSeq uint64        `cbor:"2,keyasint"`
	Record    uuid.UUID     `cbor:"3,keyasint"`
	Kind      string        `cbor:"4,keyasint"`
	Author    string        `cbor:"5,keyasint"`
	Stamp     storedStamp   `cbor:"6,keyasint"`
	Writes    []storedWrite `cbor:"7,keyasint"`
	Form      string        `cbor:"8,keyasint,omitempty"` // change.Change.Form; absent before forms were versioned
}

type storedAudit struct {
	AuditSeq uint64    `cbor:"1,keyasint"`
	Time     int64     `cbor:"2,keyasint"` // Unix milliseconds
	User     string    `cbor:"3,keyasint"`
	Action   string    `cbor:"4,keyasint"`
	Record   uuid.UUID `cbor:"5,keyasint"`
	Kind     string    `cbor:"6,keyasint,omitempty"`
	Fields   []string  `cbor:"7,keyasint,omitempty"`
	Detail   string    `cbor:"8,keyasint,omitempty"`
	Prev     []byte    `cbor:"9,keyasint"` // SHA-256 of the previous entry's link
}

type storedQuarantine struct {
	Time   int64        `cbor:"1,keyasint"`
	Change storedChange `cbor:"2,keyasint"`
	Reason string       `cbor:"3,keyasint"`
	Unit   uint64       `cbor:"4,keyasint,omitempty"` // quarantine seq of its unit's first change; 0 alone
	// Resolved says what became of it: 0 held, else released or dropped
	// (kept, so that a resend is still recognized).
	Resolved   resolution `cbor:"5,keyasint,omitempty"`
	ResolvedAt int64      `cbor:"6,keyasint,omitempty"` // Unix ms
	// Packed, when set, is the zstd of the CBOR of the change's writes
	// ([]storedWrite), and Change.Writes is empty: see quarantinePack.
	Packed []byte `cbor:"7,keyasint,omitempty"`
}

// storedNamed is a draft or meta value with its name, since the bucket key
// is only a keyed hash of the name.
type storedNamed struct {
	Name  string `cbor:"1,keyasint"`
	Value []byte `cbor:"2,keyasint"`
}

type storedAuditHead struct {
	AuditSeq uint64 `cbor:"1,keyasint"`
	Hash     []byte `cbor:"2,keyasint"`
}

var (
	encMode cbor.EncMode
	decMode cbor.DecMode
)

func init() {
	var err error
	if encMode, err = cbor.CoreDetEncOptions().EncMode(); err != nil {
		panic(err) // static options: cannot fail
	}
	dec := cbor.DecOptions{
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
		MaxArrayElements: 1 << 20,
		MaxMapPairs:      1 << 16,
		IndefLength:      cbor.IndefLengthForbidden,
	}
	if decMode, err = dec.DecMode(); err != nil {
		panic(err)
	}
}

func encode(v any) []byte {
	b, err := encMode.Marshal(v)
	if err != nil {
		// Only our own stored types reach here; they always encode.
		panic(fmt.Sprintf("store: encode %T: %v", v, err))
	}
	return b
}

func decode(b []byte, v any) error {
	if err := decMode.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode %T: %v: %w", v, err, ErrCorrupt)
	}
	return nil
}

func toStoredStamp(s change.Stamp) storedStamp { return storedStamp{HLC: s.HLC, Device: s.Device} }
func (s storedStamp) stamp() change.Stamp      { return change.Stamp{HLC: s.HLC, Device: s.Device} }

func toStoredStamps(ss []change.Stamp) []storedStamp {
	if len(ss) == 0 {
		return nil
	}
	out := make([]storedStamp, len(ss))
	for i, s := range ss {
		out[i] = toStoredStamp(s)
	}
	return out
}

func fromStoredStamps(ss []storedStamp) []change.Stamp {
	if len(ss) == 0 {
		return nil
	}
	out := make([]change.Stamp, len(ss))
	for i, s := range ss {
		out[i] = s.stamp()
	}
	return out
}

func toStoredRecord(r registry.Record, log []uint64) storedRecord {
	s := storedRecord{Kind: r.Kind, Fields: make(map[string][]storedVersion, len(r.Fields)), Log: log, Form: r.Form}
	if !r.FormStamp.IsZero() {
		fs := toStoredStamp(r.FormStamp)
		s.FormStamp = &fs
	}
	for name, f := range r.Fields {
		vs := make([]storedVersion, len(f.Versions))
		for i, v := range f.Versions {
			vs[i] = storedVersion{Value: v.Value, Stamp: toStoredStamp(v.Stamp), Base: toStoredStamp(v.Base), Resolves: toStoredStamps(v.Resolves)}
		}
		s.Fields[name] = vs
	}
	return s
}

func (s storedRecord) record(id uuid.UUID) registry.Record {
	r := registry.Record{ID: id, Kind: s.Kind, Fields: make(map[string]change.Field, len(s.Fields)), Form: s.Form}
	if s.FormStamp != nil {
		r.FormStamp = s.FormStamp.stamp()
	}
	for name, vs := range s.Fields {
		f := change.Field{Versions: make([]change.Version, len(vs))}
		for i, v := range vs {
			f.Versions[i] = change.Version{Value: v.Value, Stamp: v.Stamp.stamp(), Base: v.Base.stamp(), Resolves: fromStoredStamps(v.Resolves)}
		}
		r.Fields[name] = f
	}
	return r
}

func toStoredChange(c change.Change) storedChange {
	s := storedChange{Device: c.Device, DeviceSeq: c.DeviceSeq, Record: c.Record, Kind: c.Kind, Author: c.Author, Stamp: toStoredStamp(c.Stamp), Form: c.Form}
	s.Writes = make([]storedWrite, len(c.Writes))
	for i, w := range c.Writes {
		s.Writes[i] = storedWrite{Field: w.Field, Value: w.Value, Base: toStoredStamp(w.Base), Resolves: toStoredStamps(w.Resolves)}
	}
	return s
}

func (s storedChange) change() change.Change {
	c := change.Change{Device: s.Device, DeviceSeq: s.DeviceSeq, Record: s.Record, Kind: s.Kind, Author: s.Author, Stamp: s.Stamp.stamp(), Form: s.Form}
	if len(s.Writes) > 0 {
		c.Writes = make([]change.Write, len(s.Writes))
	}
	for i, w := range s.Writes {
		c.Writes[i] = change.Write{Field: w.Field, Value: w.Value, Base: w.Base.stamp(), Resolves: fromStoredStamps(w.Resolves)}
	}
	return c
}

func (s storedAudit) entry() AuditEntry {
	return AuditEntry{
		AuditSeq: s.AuditSeq, Time: time.UnixMilli(s.Time).UTC(), User: s.User, Action: s.Action,
		Record: s.Record, Kind: s.Kind, Fields: s.Fields, Detail: s.Detail,
	}
}

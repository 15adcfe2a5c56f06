package change

import (
	"errors"
	"fmt"

	"github.com/google/uuid"
)

// DeletedField is the field whose value "true" marks a record as deleted.
// Deletion is a field like any other, so it merges by the same rule.
const DeletedField = "_deleted"

// Change is one author's edit of one record, made on one device. Device and
// DeviceSeq identify it: receiving the same (Device, DeviceSeq) twice changes
// nothing. A replica's own numbering of the changes it holds is another
// thing, its log seq (store.Logged.LogSeq, wire.PulledChange.LogSeq).
type Change struct {
	Device    uuid.UUID
	DeviceSeq uint64 // the device's count of its changes: 1 for its first, then +1 each
	Record    uuid.UUID
	Kind      string
	Author    string
	Stamp     Stamp // made by Device's clock; Stamp.Device == Device
	Writes    []Write
	// Form is the ref ("id@version", registry.Form.Ref) of the form the
	// author validated the writes against, so that receivers check them
	// against that version, not their own newest. "" for a change made
	// before forms were versioned: its kind's built-in first version.
	Form string
}

// Write sets one field. Base is the stamp of the value the author saw (zero
// when the field was unset); Resolves lists the other conflicting values the
// author saw and chose between, when the write resolves a conflict.
type Write struct {
	Field    string
	Value    string
	Base     Stamp
	Resolves []Stamp
}

// ErrInvalid is wrapped by every error Validate returns.
var ErrInvalid = errors.New("invalid change")

// Validate checks the shape of a change, not its field values: those are the
// schema's business.
func (c Change) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w %s#%d: %s", ErrInvalid, c.Device, c.DeviceSeq, fmt.Sprintf(format, args...))
	}
	switch {
	case c.Device == uuid.Nil:
		return bad("no device id")
	case c.DeviceSeq == 0:
		return bad("sequence number 0")
	case c.Record == uuid.Nil:
		return bad("no record id")
	case c.Kind == "":
		return bad("no record kind")
	case c.Stamp.Device != c.Device:
		return bad("stamp from device %s", c.Stamp.Device)
	case c.Stamp.HLC == 0:
		return bad("zero stamp")
	case len(c.Writes) == 0:
		return bad("no field writes")
	}
	seen := make(map[string]bool, len(c.Writes))
	for _, w := range c.Writes {
		if w.Field == "" {
			return bad("write with no field name")
		}
		if seen[w.Field] {
			return bad("field %q written twice", w.Field)
		}
		seen[w.Field] = true
		if w.Base.Compare(c.Stamp) >= 0 {
			return bad("field %q: base %s is not before the change's stamp", w.Field, w.Base)
		}
		for _, r := range w.Resolves {
			if r.Compare(c.Stamp) >= 0 {
				return bad("field %q: resolves %s, which is not before the change's stamp", w.Field, r)
			}
		}
	}
	return nil
}

// FieldNames lists the fields a change writes, in order.
func (c Change) FieldNames() []string {
	names := make([]string, len(c.Writes))
	for i, w := range c.Writes {
		names[i] = w.Field
	}
	return names
}

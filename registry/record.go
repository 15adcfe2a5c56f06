package registry

import (
	"maps"
	"slices"

	"github.com/google/uuid"

	"fieldreg/change"
)

// The record kinds Fieldreg knows today. A kind is data (a form schema), not a
// Go type, so more kinds can follow without new code.
const (
	KindHousehold  = "household"
	KindPerson     = "person"
	KindAssessment = "assessment"
)

// Record is one household, person or assessment: an id, a kind, and its fields,
// each field holding every version written to it (see change.Field).
type Record struct {
	ID     uuid.UUID
	Kind   string
	Fields map[string]change.Field
	// Form is the ref ("id@version") of the form the record was last
	// written under: that of its change with the highest stamp that names
	// one, so every replica agrees whatever order the changes came in. ""
	// when no change named one (records written before forms had versions).
	Form string
	// FormStamp is the stamp of the change Form was taken from.
	FormStamp change.Stamp
}

// NewID returns a new record id: a UUIDv7, so ids sort by creation time.
func NewID() uuid.UUID { return uuid.Must(uuid.NewV7()) }

// Value returns the current value of a field, "" when unset.
func (r Record) Value(field string) string { return r.Fields[field].Value() }

// Deleted reports whether the record has been deleted.
func (r Record) Deleted() bool { return r.Value(change.DeletedField) == "true" }

// Values returns the current value of every set field, without the deletion
// marker and without fields whose current value is empty.
func (r Record) Values() map[string]string {
	vals := make(map[string]string, len(r.Fields))
	for name, f := range r.Fields {
		if name == change.DeletedField {
			continue
		}
		if v := f.Value(); v != "" {
			vals[name] = v
		}
	}
	return vals
}

// FieldNames returns the names of the record's fields in sorted order.
func (r Record) FieldNames() []string { return slices.Sorted(maps.Keys(r.Fields)) }

// Conflicts returns, per field, the concurrent values that lost by stamp and
// wait for a supervisor to resolve them.
func (r Record) Conflicts() map[string][]change.Version {
	var out map[string][]change.Version
	for name, f := range r.Fields {
		if lost := f.Conflicts(); len(lost) > 0 {
			if out == nil {
				out = make(map[string][]change.Version)
			}
			out[name] = lost
		}
	}
	return out
}

// Apply merges c into the record (change.Apply) and takes c's form when c is
// the latest change naming one. It reports whether any value was new.
func (r *Record) Apply(c change.Change) bool {
	if c.Form != "" && c.Stamp.Compare(r.FormStamp) > 0 {
		r.Form, r.FormStamp = c.Form, c.Stamp
	}
	return change.Apply(r.Fields, c)
}

// Clone returns a deep-enough copy of r for a caller to apply changes to
// without touching the original.
func (r Record) Clone() Record {
	c := Record{ID: r.ID, Kind: r.Kind, Fields: make(map[string]change.Field, len(r.Fields)), Form: r.Form, FormStamp: r.FormStamp}
	for name, f := range r.Fields {
		c.Fields[name] = change.Field{Versions: slices.Clone(f.Versions)}
	}
	return c
}

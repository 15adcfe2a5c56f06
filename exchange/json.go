package exchange

import (
	"io"

	"fieldreg/registry"
)

// Doc is one record in the JSON exchange shape. ID is empty for a record not
// yet registered.
type Doc struct {
	ID     string            `json:"id,omitempty"`
	Fields map[string]string `json:"fields"`
}

// Household is a household with its members and assessments, as `fieldctl
// register` reads it and `export json` writes it.
type Household struct {
	Doc
	Members     []Doc `json:"members"`
	Assessments []Doc `json:"assessments,omitempty"`
}

// DecodeHouseholds reads one household object or an array of them.
func DecodeHouseholds(r io.Reader, forms *registry.Forms) ([]Household, error) {
	return nil, nil
}

// EncodeJSON writes households as one JSON array.
func EncodeJSON(w io.Writer, hh []Household) error { return nil }

// JSONWriter writes a JSON array one household at a time.
type JSONWriter struct{ w io.Writer }

// NewJSONWriter starts an array on w.
func NewJSONWriter(w io.Writer) *JSONWriter { return &JSONWriter{w: w} }

// Write appends one household.
func (jw *JSONWriter) Write(h Household) error { return nil }

// Close ends the array. It does not close the underlying writer.
func (jw *JSONWriter) Close() error { return nil }

// FromRecords makes the exchange form of a household and its records.
func FromRecords(household registry.Record, members, assessments []registry.Record) Household {
	return Household{}
}

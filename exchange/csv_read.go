package exchange

import (
	"io"
	"time"

	"fieldreg/registry"
)

// Mapping maps a CSV column to a field name ("" or "-" to ignore).
type Mapping map[string]string

// ParseMapping reads a mapping from a JSON object.
func ParseMapping(data []byte) (Mapping, error) { return nil, nil }

// Row is one mapped CSV line.
type Row struct {
	Line         int
	Household    map[string]string
	Person       map[string]string
	HouseholdKey string
}

// RowError is a problem with one line.
type RowError struct {
	Line           int
	Field, Message string
}

// ReadOptions tune ReadCSV.
type ReadOptions struct {
	Progress func(lines int)
}

// ReadCSV reads a beneficiary list.
func ReadCSV(r io.Reader, m Mapping, forms *registry.Forms, now time.Time) ([]Household, []RowError, error) {
	return nil, nil, nil
}

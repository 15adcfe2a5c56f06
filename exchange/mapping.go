package exchange

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Mapping says which field of ours each column of someone else's CSV holds:
// column header → field name, "" or "-" to ignore the column. Targets are
// household or person field names, household_id (the column that groups
// rows into households: our id or the other agency's own key), person_id,
// "age" (years, stored as an estimated birth date), and for a geopoint
// field gps_lat, gps_lon, gps_alt, gps_accuracy (or gps itself for
// "lat lon" in one cell). It is kept as a JSON object in a file:
//
//	{"HH ref": "household_id", "First name": "given_name", "Gender": "sex", "Notes": "-"}
//
// Columns the mapping does not name are read as the field of the same name
// when there is one; any other column is refused, so no data is dropped by
// oversight.
type Mapping map[string]string

// IgnoreColumn marks a column to skip in a Mapping.
const IgnoreColumn = "-"

// ParseMapping reads a mapping from a JSON object of strings. Header names
// are compared without surrounding spaces and case; two columns may not
// feed one field.
func ParseMapping(data []byte) (Mapping, error) {
	if len(data) > 1<<20 {
		return nil, fmt.Errorf("%w: mapping larger than 1 MiB", ErrInput)
	}
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	var raw map[string]string
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%w: mapping: %w", ErrInput, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: mapping: data after the JSON object", ErrInput)
	}
	m := make(Mapping, len(raw))
	targets := make(map[string]string, len(raw))
	for col, field := range raw {
		key := headerKey(col)
		if key == "" {
			return nil, fmt.Errorf("%w: mapping: empty column name", ErrInput)
		}
		if _, dup := m[key]; dup {
			return nil, fmt.Errorf("%w: mapping: column %q named twice", ErrInput, col)
		}
		field = strings.TrimSpace(field)
		if field == "" {
			field = IgnoreColumn
		}
		if field != IgnoreColumn {
			if prev, dup := targets[field]; dup {
				return nil, fmt.Errorf("%w: mapping: columns %q and %q both map to %q", ErrInput, prev, col, field)
			}
			targets[field] = col
		}
		m[key] = field
	}
	return m, nil
}

// headerKey is how a column header is looked up: trimmed, lower case.
func headerKey(h string) string { return strings.ToLower(strings.TrimSpace(h)) }

// target returns the field a column maps to: from the mapping, else the
// column's own name.
func (m Mapping) target(header string) string {
	key := headerKey(header)
	if f, ok := m[key]; ok {
		return f
	}
	// A Mapping made in Go rather than by ParseMapping may hold raw headers.
	for col, f := range m {
		if headerKey(col) == key {
			return f
		}
	}
	return key
}

package exchange

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"fieldreg/registry"
)

// CSVWriter writes person-level CSV (or HXL: the same with a hashtag row
// under the header): one row per person, the household's fields repeated on
// each, so a spreadsheet can filter and pivot without joins. Columns:
// household_id, the household form's fields, person_id, the person form's
// fields, household_version and person_version; a geopoint takes four
// columns (gps_lat, gps_lon, gps_alt, gps_accuracy). ReadCSV reads it back
// to the same values and versions.
//
// A text value starting with = + - @ or a tab is written with a leading
// apostrophe, so a spreadsheet shows it instead of running it as a formula
// (CSV injection); ReadCSV removes the apostrophe again.
type CSVWriter struct {
	w      *csv.Writer
	cols   []column
	hxl    bool
	header bool
	row    []string
}

// NewCSVWriter makes a writer for the forms' household and person fields.
// The header (and with hxl, the hashtag row) is written with the first row,
// or by Flush for an empty export.
func NewCSVWriter(w io.Writer, forms *registry.Forms, hxl bool) (*CSVWriter, error) {
	cols, err := personColumns(forms)
	if err != nil {
		return nil, fmt.Errorf("csv export: %w", err)
	}
	return &CSVWriter{w: csv.NewWriter(w), cols: cols, hxl: hxl, row: make([]string, len(cols))}, nil
}

func (cw *CSVWriter) writeHeader() error {
	if cw.header {
		return nil
	}
	cw.header = true
	for i, c := range cw.cols {
		cw.row[i] = c.name
	}
	if err := cw.w.Write(cw.row); err != nil {
		return fmt.Errorf("write csv header: %w", err)
	}
	if cw.hxl {
		for i, c := range cw.cols {
			cw.row[i] = hxlTag(c)
		}
		if err := cw.w.Write(cw.row); err != nil {
			return fmt.Errorf("write hxl row: %w", err)
		}
	}
	return nil
}

// Write writes one row per member that is not deleted, or one row with empty
// person columns for a household with no members left. A deleted household
// writes nothing.
func (cw *CSVWriter) Write(household registry.Record, members []registry.Record) error {
	if err := cw.writeHeader(); err != nil {
		return err
	}
	if household.Deleted() {
		return nil
	}
	wrote := false
	for _, m := range members {
		if m.Deleted() {
			continue
		}
		if err := cw.writeRow(household, &m); err != nil {
			return err
		}
		wrote = true
	}
	if !wrote {
		return cw.writeRow(household, nil)
	}
	return nil
}

func (cw *CSVWriter) writeRow(household registry.Record, person *registry.Record) error {
	for i, c := range cw.cols {
		var v string
		switch {
		case c.name == colHouseholdID:
			v = household.ID.String()
		case c.name == colPersonID:
			if person != nil {
				v = person.ID.String()
			}
		case c.name == colHouseholdVersion:
			v = VersionOf(household).String()
		case c.name == colPersonVersion:
			if person != nil {
				v = VersionOf(*person).String()
			}
		case c.kind == registry.KindHousehold:
			v = cellValue(c, household.Value(c.field))
		case person != nil:
			v = cellValue(c, person.Value(c.field))
		}
		cw.row[i] = v
	}
	if err := cw.w.Write(cw.row); err != nil {
		return fmt.Errorf("write csv row of household %s: %w", household.ID, err)
	}
	return nil
}

// cellValue is what a column shows of a field's value.
func cellValue(c column, v string) string {
	if c.geoPart >= 0 {
		return geoSplit(v)[c.geoPart]
	}
	if c.typ == registry.TypeText {
		return defuse(v)
	}
	return v
}

// defuse puts an apostrophe before a value a spreadsheet would run as a
// formula (or before a value that already looks defused, so that uncell
// gives every value back exactly).
func defuse(v string) string {
	if needsGuard(v) {
		return "'" + v
	}
	return v
}

func needsGuard(v string) bool {
	switch {
	case v == "":
		return false
	case strings.ContainsRune("=+-@\t\r", rune(v[0])):
		return true
	case v[0] == '\'':
		return needsGuard(v[1:])
	}
	return false
}

// uncell undoes defuse.
func uncell(typ registry.FieldType, v string) string {
	if typ == registry.TypeText && v != "" && v[0] == '\'' && needsGuard(v[1:]) {
		return v[1:]
	}
	return v
}

// Flush writes the header if no row was written yet, then any buffered rows,
// and reports the first write error.
func (cw *CSVWriter) Flush() error {
	if err := cw.writeHeader(); err != nil {
		return err
	}
	cw.w.Flush()
	if err := cw.w.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

package exchange

import (
	"fmt"
	"io"

	"fieldreg/registry"
)

// CSVWriter writes person-level CSV (or HXL: the same with a hashtag row
// under the header): one row per person, the household's fields repeated on
// each, so a spreadsheet can filter and pivot without joins. Columns:
// household_id, a column per question of the household form, person_id, a
// column per question of the person form, household_version and
// person_version; a geopoint takes four columns (gps_lat, gps_lon, gps_alt,
// gps_accuracy), a note none. ReadCSV reads it back to the same values and
// versions. Assessments, one row each, are RecordCSVWriter's.
//
// Values that a spreadsheet would run as a formula are written under the
// formula rule (csv_guard.go), which ReadCSV undoes.
type CSVWriter struct {
	t *csvTable
}

// NewCSVWriter makes a writer for the forms' household and person fields.
// The header (and with opt.HXL, the hashtag row) is written with the first
// row, or by Flush for an empty export.
func NewCSVWriter(w io.Writer, forms *registry.Forms, opt Options) (*CSVWriter, error) {
	cols, err := personColumns(forms)
	if err != nil {
		return nil, fmt.Errorf("csv export: %w", err)
	}
	t, err := newCSVTable(w, cols, opt)
	if err != nil {
		return nil, fmt.Errorf("csv export: %w", err)
	}
	return &CSVWriter{t: t}, nil
}

// Write writes one row per member that is not deleted, or one row with empty
// person columns for a household with no members left. A deleted household
// writes nothing.
func (cw *CSVWriter) Write(household registry.Record, members []registry.Record) error {
	if err := cw.t.writeHeader(); err != nil {
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
	t := cw.t
	for i, c := range t.cols {
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
		case c.name == colHouseholdForm:
			v = defuse(household.Form)
		case c.name == colPersonForm:
			if person != nil {
				v = defuse(person.Form)
			}
		case c.kind == registry.KindHousehold:
			v = t.cell(c, household.Value(c.field))
		case person != nil:
			v = t.cell(c, person.Value(c.field))
		}
		t.row[i] = v
	}
	if err := t.w.Write(t.row); err != nil {
		return fmt.Errorf("write csv row of household %s: %w", household.ID, err)
	}
	return nil
}

// Flush writes the header if no row was written yet, then any buffered rows,
// and reports the first write error.
func (cw *CSVWriter) Flush() error { return cw.t.flush() }

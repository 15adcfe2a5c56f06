package exchange

import (
	"encoding/csv"
	"fmt"
	"io"

	"fieldreg/registry"
)

// RecordCSVWriter writes records of one kind, one row each: id, then the
// kind's form fields (a geopoint in four columns, as in person-level CSV).
// It is how needs assessments leave for analysis; the HXL row tags the
// household reference #meta+id+hh and coded answers #indicator+<field>.
type RecordCSVWriter struct {
	w      *csv.Writer
	kind   string
	cols   []column
	hxl    bool
	header bool
	row    []string
}

// NewRecordCSVWriter makes a writer for records of kind.
func NewRecordCSVWriter(w io.Writer, forms *registry.Forms, kind string, hxl bool) (*RecordCSVWriter, error) {
	f, ok := forms.Form(kind)
	if !ok {
		return nil, fmt.Errorf("csv export: no %s form", kind)
	}
	cols := []column{{name: "id", geoPart: -1, typ: registry.TypeRef}}
	for _, d := range f.Fields {
		if d.Name == colHouseholdID {
			cols = append(cols, column{name: d.Name, kind: kind, field: d.Name, geoPart: -1, typ: d.Type})
			continue
		}
		cols = appendFormColumns(cols, &registry.Form{Kind: kind, Fields: []registry.FieldDef{d}})
	}
	return &RecordCSVWriter{w: csv.NewWriter(w), kind: kind, cols: cols, hxl: hxl, row: make([]string, len(cols))}, nil
}

func (rw *RecordCSVWriter) writeHeader() error {
	if rw.header {
		return nil
	}
	rw.header = true
	for i, c := range rw.cols {
		rw.row[i] = c.name
	}
	if err := rw.w.Write(rw.row); err != nil {
		return fmt.Errorf("write csv header: %w", err)
	}
	if !rw.hxl {
		return nil
	}
	for i, c := range rw.cols {
		switch c.name {
		case "id":
			rw.row[i] = "#meta+id"
		case colHouseholdID:
			rw.row[i] = "#meta+id+hh"
		default:
			rw.row[i] = hxlTag(c)
		}
	}
	if err := rw.w.Write(rw.row); err != nil {
		return fmt.Errorf("write hxl row: %w", err)
	}
	return nil
}

// Write writes one record; a deleted record, or one of another kind, writes
// nothing.
func (rw *RecordCSVWriter) Write(r registry.Record) error {
	if err := rw.writeHeader(); err != nil {
		return err
	}
	if r.Deleted() || r.Kind != rw.kind {
		return nil
	}
	for i, c := range rw.cols {
		if c.name == "id" {
			rw.row[i] = r.ID.String()
			continue
		}
		rw.row[i] = cellValue(c, r.Value(c.field))
	}
	if err := rw.w.Write(rw.row); err != nil {
		return fmt.Errorf("write csv row of %s %s: %w", rw.kind, r.ID, err)
	}
	return nil
}

// Flush writes the header if no row was written yet, then buffered rows, and
// reports the first write error.
func (rw *RecordCSVWriter) Flush() error {
	if err := rw.writeHeader(); err != nil {
		return err
	}
	rw.w.Flush()
	if err := rw.w.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

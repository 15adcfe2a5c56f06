package exchange

import (
	"fmt"
	"io"

	"fieldreg/registry"
)

// RecordCSVWriter writes records of one kind, one row each: id, then a
// column per question of the kind's form (a geopoint in four columns, a
// note in none, as in person-level CSV), household_id among them, then a
// column per question only older versions of the form have, then _form, the
// ref of the version each record was last written under (#meta+form). It is how
// needs assessments leave for analysis: a file of their own, because HXL
// tools, like spreadsheets, read one table per file, and a table of
// households and of assessments have different columns. The HXL row tags
// the id #meta+id, the household reference #meta+id+hh and coded answers
// #indicator+<field> (or the form's own hxl tags).
type RecordCSVWriter struct {
	kind string
	t    *csvTable
}

// NewRecordCSVWriter makes a writer for records of kind.
func NewRecordCSVWriter(w io.Writer, forms *registry.Forms, kind string, opt Options) (*RecordCSVWriter, error) {
	cols, err := recordColumns(forms, kind)
	if err != nil {
		return nil, fmt.Errorf("csv export: %w", err)
	}
	t, err := newCSVTable(w, cols, opt)
	if err != nil {
		return nil, fmt.Errorf("csv export of %s: %w", kind, err)
	}
	return &RecordCSVWriter{kind: kind, t: t}, nil
}

// Write writes one record; a deleted record, or one of another kind, writes
// nothing.
func (rw *RecordCSVWriter) Write(r registry.Record) error {
	t := rw.t
	if err := t.writeHeader(); err != nil {
		return err
	}
	if r.Deleted() || r.Kind != rw.kind {
		return nil
	}
	for i, c := range t.cols {
		switch {
		case c.name == colForm:
			t.row[i] = defuse(r.Form)
			continue
		case c.field == "":
			t.row[i] = r.ID.String()
			continue
		}
		t.row[i] = t.cell(c, r.Value(c.field))
	}
	if err := t.w.Write(t.row); err != nil {
		return fmt.Errorf("write csv row of %s %s: %w", rw.kind, r.ID, err)
	}
	return nil
}

// Flush writes the header if no row was written yet, then buffered rows, and
// reports the first write error.
func (rw *RecordCSVWriter) Flush() error { return rw.t.flush() }

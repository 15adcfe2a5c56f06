package exchange

import (
	"encoding/csv"
	"fmt"
	"io"
)

// csvTable is what CSV and HXL exports share: the header (after a
// byte-order mark with Options.BOM) and the hashtag row with Options.HXL,
// written with the first row, or by flush for an empty export.
type csvTable struct {
	out    io.Writer
	w      *csv.Writer
	cols   []column
	tags   []string // the hashtag row; nil without Options.HXL
	opt    Options
	header bool
	row    []string
}

func newCSVTable(w io.Writer, cols []column, opt Options) (*csvTable, error) {
	t := &csvTable{out: w, w: csv.NewWriter(w), cols: cols, opt: opt, row: make([]string, len(cols))}
	if opt.HXL {
		t.tags = make([]string, len(cols))
		for i, c := range cols {
			tag, err := hxlTag(c, opt)
			if err != nil {
				return nil, fmt.Errorf("hxl row: %w", err)
			}
			t.tags[i] = tag
		}
	}
	return t, nil
}

func (t *csvTable) writeHeader() error {
	if t.header {
		return nil
	}
	t.header = true
	if t.opt.BOM {
		if _, err := io.WriteString(t.out, utf8BOM); err != nil {
			return fmt.Errorf("write csv byte-order mark: %w", err)
		}
	}
	for i, c := range t.cols {
		t.row[i] = c.name
	}
	if err := t.w.Write(t.row); err != nil {
		return fmt.Errorf("write csv header: %w", err)
	}
	if t.tags != nil {
		// Directly under the header: HXL tools take the first row whose
		// cells are all hashtags (or empty) as the tag row.
		if err := t.w.Write(t.tags); err != nil {
			return fmt.Errorf("write hxl row: %w", err)
		}
	}
	return nil
}

// cell is what a CSV cell holds of a field's value: the value or its label,
// under the formula rule (csv_guard.go).
func (t *csvTable) cell(c column, v string) string {
	return defuse(showValue(c, v, t.opt))
}

func (t *csvTable) flush() error {
	if err := t.writeHeader(); err != nil {
		return err
	}
	t.w.Flush()
	if err := t.w.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

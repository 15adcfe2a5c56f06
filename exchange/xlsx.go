package exchange

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"fieldreg/registry"
)

// XLSXWriter writes an Excel workbook with one sheet per kind: household
// (one row per household), person (one per member, with its household_id),
// then one per further form (assessment, …), each sheet's columns the id
// and a column per question of its form, as in CSV (those only older
// versions have after the current version's), and _form, the ref of the
// form version each record was last written under. It is for people
// reading the data in a spreadsheet; ReadCSV does not read it back, so it
// carries no version columns.
//
// Cells are typed: integers, decimals and geopoint parts are numbers,
// dates are dates (shown yyyy-mm-dd), and everything else — phone numbers,
// ids, codes, labels, names — is a text cell with the text format, so
// Excel keeps "+963 …" and leading zeros and never runs a value as a
// formula. Rows are streamed (excelize's StreamWriter), which spills them
// to temporary files in Options.TmpDir: memory holds 16 MiB of rows per
// sheet at most, not the rows, and at Close the compressed workbook, which
// excelize assembles in memory (tens of MiB for a million rows). A sheet holds at most 1,048,576 rows and a cell 32,767 characters
// (Excel's limits); an export beyond them fails rather than cut data.
type XLSXWriter struct {
	out    io.Writer
	f      *excelize.File
	opt    Options
	sheets map[string]*xlsxSheet // by kind
	order  []*xlsxSheet
	text   int // style ids
	date   int
	closed bool
}

type xlsxSheet struct {
	kind string
	sw   *excelize.StreamWriter
	cols []column
	rows int // rows written, the header included
	row  []any
}

// maxXLSXRows is how many rows a sheet holds (excelize.TotalRows).
const maxXLSXRows = excelize.TotalRows

// ErrTooBigForXLSX is wrapped by the error for an export beyond Excel's
// limits of rows per sheet or characters per cell.
var ErrTooBigForXLSX = errors.New("beyond what an Excel sheet holds (export CSV instead)")

// NewXLSXWriter makes a writer of a sheet per kind of forms. Nothing reaches
// w until Close.
func NewXLSXWriter(w io.Writer, forms *registry.Forms, opt Options) (*XLSXWriter, error) {
	kinds := []string{registry.KindHousehold, registry.KindPerson}
	for _, k := range forms.Kinds() {
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	xw := &XLSXWriter{out: w, f: excelize.NewFile(excelize.Options{TmpDir: opt.TmpDir}), opt: opt, sheets: map[string]*xlsxSheet{}}
	if err := xw.setUp(forms, kinds); err != nil {
		xw.f.Close()
		return nil, fmt.Errorf("xlsx export: %w", err)
	}
	return xw, nil
}

func (xw *XLSXWriter) setUp(forms *registry.Forms, kinds []string) error {
	var err error
	if xw.text, err = xw.f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil { // "@": text
		return err
	}
	dateFormat := "yyyy-mm-dd"
	if xw.date, err = xw.f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat}); err != nil {
		return err
	}
	for i, kind := range kinds {
		cols, err := recordColumns(forms, kind)
		if err != nil {
			return err
		}
		name := sheetName(kind)
		if i == 0 {
			err = xw.f.SetSheetName(xw.f.GetSheetName(0), name)
		} else {
			_, err = xw.f.NewSheet(name)
		}
		if err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
		sw, err := xw.f.NewStreamWriter(name)
		if err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
		// The header stays in view when scrolling a long sheet.
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
		s := &xlsxSheet{kind: kind, sw: sw, cols: cols, row: make([]any, len(cols))}
		for i, c := range cols {
			s.row[i] = excelize.Cell{StyleID: xw.text, Value: c.name}
		}
		if err := xw.add(s); err != nil {
			return err
		}
		xw.sheets[kind] = s
		xw.order = append(xw.order, s)
	}
	return nil
}

// sheetName is a kind's sheet: Excel allows 31 characters.
func sheetName(kind string) string {
	if len(kind) > 31 {
		return kind[:31]
	}
	return kind
}

// Write adds a household, its members and its assessments (any kind but
// household and person), each to its kind's sheet. Deleted records, and
// everything of a deleted household, are left out.
func (xw *XLSXWriter) Write(household registry.Record, members, assessments []registry.Record) error {
	if household.Deleted() {
		return nil
	}
	if err := xw.WriteRecord(household); err != nil {
		return err
	}
	for _, group := range [][]registry.Record{members, assessments} {
		for _, r := range group {
			if err := xw.WriteRecord(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// WriteRecord adds one record to its kind's sheet; a deleted one is left
// out. A kind with no form (so no sheet) is an error.
func (xw *XLSXWriter) WriteRecord(r registry.Record) error {
	if r.Deleted() {
		return nil
	}
	s, ok := xw.sheets[r.Kind]
	if !ok {
		return fmt.Errorf("xlsx export of %s: no %s form", r.ID, r.Kind)
	}
	for i, c := range s.cols {
		switch {
		case c.name == colForm:
			s.row[i] = nil
			if r.Form != "" {
				s.row[i] = excelize.Cell{StyleID: xw.text, Value: r.Form}
			}
			continue
		case c.field == "":
			s.row[i] = excelize.Cell{StyleID: xw.text, Value: r.ID.String()}
			continue
		}
		cell, err := xw.cell(c, r.Value(c.field))
		if err != nil {
			return fmt.Errorf("xlsx export of %s %s: %s: %w", r.Kind, r.ID, c.name, err)
		}
		s.row[i] = cell
	}
	if err := xw.add(s); err != nil {
		return fmt.Errorf("xlsx export of %s %s: %w", r.Kind, r.ID, err)
	}
	return nil
}

func (xw *XLSXWriter) add(s *xlsxSheet) error {
	if s.rows >= maxXLSXRows {
		return fmt.Errorf("sheet %s: more than %d rows: %w", s.sw.Sheet, maxXLSXRows, ErrTooBigForXLSX)
	}
	s.rows++
	ref, err := excelize.CoordinatesToCellName(1, s.rows)
	if err != nil {
		return err
	}
	if err := s.sw.SetRow(ref, s.row); err != nil {
		return fmt.Errorf("sheet %s row %d: %w", s.sw.Sheet, s.rows, err)
	}
	return nil
}

// cell is a value as a typed cell: a number, a date, or text; nil for "".
func (xw *XLSXWriter) cell(c column, v string) (any, error) {
	if v == "" {
		return nil, nil
	}
	shown := showValue(c, v, xw.opt)
	if shown == "" {
		return nil, nil
	}
	switch {
	case c.geoPart >= 0 || c.typ == registry.TypeDecimal:
		if f, ok := excelNumber(shown); ok {
			return f, nil
		}
	case c.typ == registry.TypeInteger:
		if n, err := strconv.ParseInt(shown, 10, 64); err == nil && abs(n) <= maxExactInteger {
			return n, nil
		}
	case c.typ == registry.TypeDate:
		if d, err := time.Parse(time.DateOnly, shown); err == nil && d.Year() >= 1900 {
			return excelize.Cell{StyleID: xw.date, Value: d}, nil
		}
	}
	if utf16Len(shown) > excelize.TotalCellChars {
		return nil, fmt.Errorf("more than %d characters: %w", excelize.TotalCellChars, ErrTooBigForXLSX)
	}
	return excelize.Cell{StyleID: xw.text, Value: shown}, nil
}

// maxExactInteger is the largest integer Excel shows every digit of (it
// keeps 15 significant digits); a larger one is written as text.
const maxExactInteger = 999_999_999_999_999

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// excelNumber is a decimal as a number when Excel keeps all its digits (15
// significant ones); otherwise it stays text, as written.
func excelNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	digits := strings.TrimLeft(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, strings.SplitN(strings.ToLower(s), "e", 2)[0]), "0")
	return f, len(digits) <= 15
}

// utf16Len is how Excel counts a text's characters.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

// Close ends every sheet, writes the workbook to the writer and removes the
// temporary files; after an error the workbook is not complete.
func (xw *XLSXWriter) Close() error {
	if xw.closed {
		return nil
	}
	xw.closed = true
	err := xw.finish()
	if cerr := xw.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("xlsx export: remove temporary files: %w", cerr)
	}
	return err
}

// Abort removes the temporary files and writes nothing: for an export that
// failed or was interrupted halfway.
func (xw *XLSXWriter) Abort() error {
	if xw.closed {
		return nil
	}
	xw.closed = true
	return xw.f.Close()
}

func (xw *XLSXWriter) finish() error {
	for _, s := range xw.order {
		if err := s.sw.Flush(); err != nil {
			return fmt.Errorf("xlsx export: sheet %s: %w", s.sw.Sheet, err)
		}
	}
	if err := xw.f.Write(xw.out); err != nil {
		return fmt.Errorf("xlsx export: write workbook: %w", err)
	}
	return nil
}

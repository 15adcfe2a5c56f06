package exchange

import (
	"bytes"
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"fieldreg/registry"
)

func exportXLSX(t testing.TB, fs *registry.Forms, opt Options, families []family, assessments []registry.Record) []byte {
	t.Helper()
	var buf bytes.Buffer
	xw, err := NewXLSXWriter(&buf, fs, opt)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range families {
		var as []registry.Record
		if i == 0 {
			as = assessments
		}
		if err := xw.Write(f.household, f.members, as); err != nil {
			t.Fatal(err)
		}
	}
	if err := xw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func anAssessment(household registry.Record) registry.Record {
	return rec(registry.KindAssessment, 50, map[string]string{
		"household_id": household.ID.String(), "date": "2026-03-02", "meals_per_day": "2",
		"water_litres_per_person": "12.5", "priority_needs": "food water", "priority_notes": "=1+1\nthen more",
	})
}

// The workbook has a sheet per kind, assessments included; numbers are
// numbers, dates are dates, and phone numbers, ids, codes and formulas are
// text cells holding exactly the value.
func TestXLSXTypedCells(t *testing.T) {
	fs := deploymentForms(t, operationFields)
	families := hardValues()
	deleted := rec(registry.KindAssessment, 51, map[string]string{"household_id": families[0].household.ID.String(), "date": "2026-03-02", "_deleted": "true"})
	data := exportXLSX(t, fs, Options{TmpDir: t.TempDir()}, families, []registry.Record{anAssessment(families[0].household), deleted})

	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := f.GetSheetList(), []string{"household", "person", "assessment"}; !slices.Equal(got, want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	for sheet, want := range map[string]int{"household": 3, "person": 3, "assessment": 2} {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != want {
			t.Errorf("sheet %s has %d rows, want %d (the header and one per record not deleted)", sheet, len(rows), want)
		}
	}
	cell := func(sheet string, row int, col string) string {
		t.Helper()
		header, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.Index(header[0], col)
		if i < 0 {
			t.Fatalf("sheet %s has no column %s: %v", sheet, col, header[0])
		}
		ref, _ := excelize.CoordinatesToCellName(i+1, row)
		return ref
	}
	number := map[excelize.CellType]bool{excelize.CellTypeUnset: true, excelize.CellTypeNumber: true}
	for _, tt := range []struct {
		sheet   string
		row     int
		col     string
		text    bool
		value   string // as excelize shows it
		rawWant string // the stored value, for numbers and dates
	}{
		{"household", 2, "phone", true, "+963 944 123 456", ""},
		{"household", 3, "phone", true, "0044 20 7946 0958", ""},
		{"household", 2, "site", true, "camp_north", ""},
		{"household", 2, "household_id", true, families[0].household.ID.String(), ""},
		{"household", 2, "origin", true, "-needs follow-up", ""},
		{"household", 2, "affected_women", false, "3", "3"},
		{"person", 2, "document_number", true, "0012345", ""},
		{"person", 2, "notes", true, "=1+1\nsecond line, with a comma and \"quotes\"\n-third +line", ""},
		{"person", 2, "birth_date", false, "1988-04-02", "32235"},
		{"person", 2, "household_id", true, families[0].household.ID.String(), ""},
		{"person", 3, "given_name", true, "+CMD|' /C calc'!A0", ""},
		{"assessment", 2, "meals_per_day", false, "2", "2"},
		{"assessment", 2, "water_litres_per_person", false, "12.5", "12.5"},
		{"assessment", 2, "date", false, "2026-03-02", "46083"},
		{"assessment", 2, "priority_needs", true, "food water", ""},
	} {
		ref := cell(tt.sheet, tt.row, tt.col)
		typ, err := f.GetCellType(tt.sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		if tt.text != (typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString) || !tt.text && !number[typ] {
			t.Errorf("%s %s (%s): cell type %v, want text=%v", tt.sheet, tt.col, ref, typ, tt.text)
		}
		if got, _ := f.GetCellValue(tt.sheet, ref); got != tt.value {
			t.Errorf("%s %s: shows %q, want %q", tt.sheet, tt.col, got, tt.value)
		}
		if formula, _ := f.GetCellFormula(tt.sheet, ref); formula != "" {
			t.Errorf("%s %s: holds the formula %q", tt.sheet, tt.col, formula)
		}
		if tt.rawWant != "" {
			if raw, _ := f.GetCellValue(tt.sheet, ref, excelize.Options{RawCellValue: true}); raw != tt.rawWant {
				t.Errorf("%s %s: stored %q, want %q", tt.sheet, tt.col, raw, tt.rawWant)
			}
		}
	}
}

func TestXLSXLabels(t *testing.T) {
	families := hardValues()
	data := exportXLSX(t, deploymentForms(t, operationFields), Options{Labels: true, Lang: "ar"}, families, nil)
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("household")
	if got := rows[1][slices.Index(rows[0], "site")]; got != "المخيم الشمالي" {
		t.Errorf("site shows %q, want its Arabic label", got)
	}
}

// Rows are streamed: memory holds a buffer, not the rows, so a sheet of a
// million rows fits. 60,000 rows of half a kilobyte of note each would be
// some 40 MiB held.
func TestXLSXStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 60,000 rows")
	}
	fs := forms(t)
	var out countingWriter
	xw, err := NewXLSXWriter(&out, fs, Options{TmpDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	h := hardValues()[0].household
	a := anAssessment(h)
	setValue(a.Fields, "priority_notes", strings.Repeat("ملاحظة ", 80)) // 560 bytes
	var peak uint64
	var ms runtime.MemStats
	const rows = 60_000
	for i := range rows {
		a.ID[15], a.ID[14], a.ID[13] = byte(i), byte(i>>8), byte(i>>16)
		if err := xw.WriteRecord(a); err != nil {
			t.Fatal(err)
		}
		if i%5_000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
	if err := xw.Close(); err != nil {
		t.Fatal(err)
	}
	if peak > 32<<20 {
		t.Errorf("heap in use reached %d MiB while streaming %d rows (%d bytes written): rows are kept in memory", peak>>20, rows, out)
	}
	t.Logf("%d rows: %d MiB heap at most, %d KiB workbook", rows, peak>>20, out>>10)
}

type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

func TestXLSXRefusesWhatExcelCannotHold(t *testing.T) {
	fs := deploymentForms(t, operationFields)
	xw, err := NewXLSXWriter(&bytes.Buffer{}, fs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer xw.Close()
	long := make([]byte, excelize.TotalCellChars+1)
	for i := range long {
		long[i] = 'a'
	}
	p := rec(registry.KindPerson, 1, map[string]string{"notes": string(long)})
	if err := xw.WriteRecord(p); !errors.Is(err, ErrTooBigForXLSX) {
		t.Errorf("a note longer than a cell holds: err = %v, want ErrTooBigForXLSX (not a cut note)", err)
	}
	unknown := rec("survey", 2, nil)
	if err := xw.WriteRecord(unknown); err == nil {
		t.Error("a record of a kind with no form was written")
	}
}

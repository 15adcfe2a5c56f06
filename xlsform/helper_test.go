package xlsform

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"fieldreg/registry"
)

// sheet is a sheet's rows, the header first.
type sheet [][]any

// page is a named sheet.
type page struct {
	name string
	rows sheet
}

// book is an XLSForm workbook: its sheets in order.
type book []page

// xlsx writes a workbook with excelize, as a spreadsheet program would.
func (b book) xlsx(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range b {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		for r, cells := range s.rows {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			row := cells
			if err := f.SetSheetRow(s.name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// testdata reads a committed workbook.
func testdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("%v (regenerate with XLSFORM_GENERATE=1 go test -run TestGenerate ./xlsform)", err)
	}
	return data
}

func read(t testing.TB, data []byte) []*registry.Form {
	t.Helper()
	forms, err := Read(bytes.NewReader(data), nil)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return forms
}

func formOf(t testing.TB, forms []*registry.Form, kind string) *registry.Form {
	t.Helper()
	for _, f := range forms {
		if f.Kind == kind {
			return f
		}
	}
	t.Fatalf("no %s form among %d", kind, len(forms))
	return nil
}

func fieldOf(t testing.TB, f *registry.Form, name string) registry.FieldDef {
	t.Helper()
	d, ok := f.Field(name)
	if !ok {
		t.Fatalf("form %s has no field %q", f.Kind, name)
	}
	return d
}

// settings is a settings sheet.
func settings(id, version string, more ...any) page {
	head := []any{"form_id", "version"}
	vals := []any{id, version}
	for i := 0; i+1 < len(more); i += 2 {
		head = append(head, more[i])
		vals = append(vals, more[i+1])
	}
	return page{"settings", sheet{head, vals}}
}

package xlsform

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"fieldreg/registry"
)

// The sentinels every error of Read wraps, so that callers can tell the
// two apart.
var (
	// ErrBadForm: the workbook is wrong — a missing column, a duplicate
	// name, a reference to no question, a file too big.
	ErrBadForm = errors.New("bad XLSForm")
	// ErrUnsupported: the workbook may be right, but uses what Fieldreg
	// does not do (a photo question, a repeat_count, search()).
	ErrUnsupported = errors.New("not supported")
)

// The bounds on a workbook read from outside. A real-sized registration
// form (300 questions, 5,000 sites) is well under each.
const (
	maxFile    = 20 << 20 // bytes of .xlsx
	maxUnzip   = 64 << 20 // bytes its parts unzip to, all together: a zip bomb stops here
	maxXMLPart = 16 << 20 // a sheet bigger than this unzips to a temporary file, not memory
	maxRows    = 20000    // per sheet
	maxColumns = 1000     // per row
	maxCell    = 64 << 10 // bytes per cell
)

// Read reads an XLSForm workbook (.xlsx) and returns the forms it defines:
// the top-level questions' form first, then one form per repeat. core holds
// the forms a registration extension starts from (the built-in household
// and person forms: registry.BuiltinForms); nil means the built-ins.
func Read(r io.Reader, core *registry.Forms) ([]*registry.Form, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("read XLSForm: %w", err)
	}
	if len(data) > maxFile {
		return nil, fmt.Errorf("%w: more than %d MiB", ErrBadForm, maxFile>>20)
	}
	if core == nil {
		if core, err = registry.BuiltinForms(); err != nil {
			return nil, err
		}
	}
	w, err := openWorkbook(data)
	if err != nil {
		return nil, err
	}
	return w.forms(core)
}

// openWorkbook reads the three sheets. excelize decodes bytes from
// outside; a panic in it is turned into an error rather than taking the
// admin's tool or HQ down with it.
func openWorkbook(data []byte) (w *workbook, err error) {
	defer func() {
		if p := recover(); p != nil {
			w, err = nil, fmt.Errorf("%w: the workbook cannot be read (%v)", ErrBadForm, p)
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    maxUnzip,
		UnzipXMLSizeLimit: maxXMLPart,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: not an .xlsx workbook: %w", ErrBadForm, err)
	}
	defer f.Close()
	sheets := map[string]string{}
	for _, s := range f.GetSheetList() {
		sheets[strings.ToLower(strings.TrimSpace(s))] = s
	}
	w = &workbook{}
	for _, s := range []struct {
		name     string
		t        **table
		optional bool
	}{{"survey", &w.survey, false}, {"choices", &w.choices, true}, {"settings", &w.settings, true}} {
		sheet, ok := sheets[s.name]
		if !ok {
			if !s.optional {
				return nil, fmt.Errorf("%w: no %s sheet", ErrBadForm, s.name)
			}
			*s.t = &table{name: s.name}
			continue
		}
		if *s.t, err = readTable(f, sheet, s.name); err != nil {
			return nil, err
		}
	}
	return w, nil
}

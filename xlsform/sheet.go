package xlsform

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// column is one header of a sheet, split into what it is and its language:
// "label::English (en)" is base "label", lang "en".
type column struct {
	header string // as written, trimmed: what errors name
	base   string // lower case, spaces as "_": "label", "list_name", "media"
	lang   string // language code; "" when the header names none
	rest   string // what followed "::" when it is not a language ("media::image::en")
}

// translatable are the columns written once per language.
var translatable = map[string]bool{
	"label": true, "hint": true, "guidance_hint": true,
	"constraint_message": true, "required_message": true,
}

// aliases are other spellings forms use for a column.
var aliases = map[string]string{
	"list name":        "list_name",
	"readonly":         "read_only",
	"jr:constraintmsg": "constraint_message",
	"jr:requiredmsg":   "required_message",
}

// parseHeader reads a column header. Languages are written "label::English
// (en)", "label::English", "label::en", "label:English", "label :: Arabic
// (ar)", in any case and spacing.
func parseHeader(h string) (column, error) {
	h = strings.Join(strings.Fields(h), " ")
	c := column{header: h}
	base, rest, split := strings.Cut(h, "::")
	if !split {
		if b, r, ok := strings.Cut(h, ":"); ok && translatable[normalBase(b)] {
			base, rest, split = b, r, true
		}
	}
	c.base = normalBase(base)
	if !split {
		return c, nil
	}
	rest = strings.TrimSpace(rest)
	if !translatable[c.base] {
		c.rest = rest
		return c, nil
	}
	lang, err := languageCode(rest)
	if err != nil {
		return c, err
	}
	c.lang = lang
	return c, nil
}

func normalBase(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	if a, ok := aliases[s]; ok {
		return a
	}
	return strings.ReplaceAll(s, " ", "_")
}

// table is one sheet read whole: its header and the rows below it, each
// with its row number as Excel shows it.
type table struct {
	name string // the sheet's name in lower case: "survey", "choices", "settings"
	cols []column
	rows []row
	idx  map[string]int // base → column, for the columns with no language
}

type row struct {
	num   int
	cells []string // trimmed, one per column of the header
}

// where names a cell in an error: survey row 14, column "relevant".
func (t *table) where(r row, col int) string {
	return fmt.Sprintf("%s row %d, column %q", t.name, r.num, t.cols[col].header)
}

// readTable reads a sheet, refusing what is too big to be a form.
func readTable(f *excelize.File, sheet, name string) (*table, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("%w: sheet %s: %w", ErrBadForm, name, err)
	}
	defer rows.Close()
	t := &table{name: name}
	num := 0
	for rows.Next() {
		num++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("%w: %s row %d: %w", ErrBadForm, name, num, err)
		}
		for len(cells) > 0 && strings.TrimSpace(cells[len(cells)-1]) == "" {
			cells = cells[:len(cells)-1]
		}
		if len(cells) == 0 {
			continue
		}
		if num > maxRows {
			return nil, fmt.Errorf("%w: %s row %d: more than %d rows", ErrBadForm, name, num, maxRows)
		}
		if len(cells) > maxColumns {
			return nil, fmt.Errorf("%w: %s row %d: more than %d columns", ErrBadForm, name, num, maxColumns)
		}
		for i, c := range cells {
			if len(c) > maxCell {
				return nil, fmt.Errorf("%w: %s row %d, column %s: a cell over %d bytes", ErrBadForm, name, num, columnLetter(i), maxCell)
			}
			cells[i] = strings.TrimSpace(c)
		}
		if t.cols == nil {
			if err := t.setHeader(cells, num); err != nil {
				return nil, err
			}
			continue
		}
		for i := len(t.cols); i < len(cells); i++ {
			if cells[i] != "" {
				return nil, fmt.Errorf("%w: %s row %d, column %s: a value in a column with no header", ErrBadForm, name, num, columnLetter(i))
			}
		}
		if len(cells) > len(t.cols) {
			cells = cells[:len(t.cols)]
		}
		for len(cells) < len(t.cols) {
			cells = append(cells, "")
		}
		t.rows = append(t.rows, row{num: num, cells: cells})
	}
	if err := rows.Error(); err != nil {
		return nil, fmt.Errorf("%w: sheet %s: %w", ErrBadForm, name, err)
	}
	return t, nil
}

func (t *table) setHeader(cells []string, num int) error {
	t.cols = make([]column, len(cells))
	t.idx = make(map[string]int, len(cells))
	seen := make(map[[2]string]bool, len(cells))
	for i, h := range cells {
		if h == "" {
			continue // a column with no header: refused where it has a value
		}
		c, err := parseHeader(h)
		if err != nil {
			return fmt.Errorf("%w: %s row %d, column %q: %w", ErrBadForm, t.name, num, h, err)
		}
		key := [2]string{c.base + "::" + c.rest, c.lang}
		if seen[key] {
			return fmt.Errorf("%w: %s row %d, column %q: the same column twice", ErrBadForm, t.name, num, h)
		}
		seen[key] = true
		t.cols[i] = c
		if c.lang == "" && c.rest == "" {
			t.idx[c.base] = i
		}
	}
	return nil
}

// index returns the column of a base with no language, or -1.
func (t *table) index(base string) int {
	if i, ok := t.idx[base]; ok {
		return i
	}
	return -1
}

// value returns the cell of row r in the column of base, "" when the sheet
// has no such column.
func (t *table) value(r row, base string) string {
	if i := t.index(base); i >= 0 {
		return r.cells[i]
	}
	return ""
}

func columnLetter(i int) string {
	s, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return fmt.Sprint(i + 1)
	}
	return s
}

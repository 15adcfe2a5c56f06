package exchange

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"fieldreg/registry"
)

// Row is one CSV line mapped onto our fields and canonicalized.
type Row struct {
	Line         int               // 1-based line in the file, where the row starts
	Household    map[string]string // household fields
	Person       map[string]string // person fields (not household_id)
	PersonID     string            // a UUID, or ""
	HouseholdKey string            // the household_id column: our UUID or the other agency's key

	// The version tokens of an exported row (see Version), "" when the file
	// has none.
	HouseholdVersion, PersonVersion string
	// The refs of the form versions the exported records were last written
	// under (registry.Record.Form), "" when the file has none.
	HouseholdForm, PersonForm string

	raw string // the row's cells as read, for a household's Origin
}

// RowError is a problem with one line. The line is skipped; the rest of the
// file is still read. It names the line, the field and the rule, never the
// value: the message ends up on screens and in logs.
type RowError struct {
	Line    int
	Field   string // the field (or column) at fault; "" for the whole line
	Message string
}

func (e RowError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Message)
	}
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Message)
}

// progressEvery is how many lines pass between Progress calls.
const progressEvery = 10000

// maxRowErrors bounds the errors a reader keeps: a file with the wrong
// mapping would otherwise make one error per line, a million of them.
const maxRowErrors = 1000

// The special targets of a column, besides plain fields.
const (
	targetField = iota
	targetHouseholdKey
	targetPersonID
	targetAge
	targetHouseholdVersion
	targetPersonVersion
	targetHouseholdForm
	targetPersonForm
)

// target is where a column's cells go.
type target struct {
	special int
	kind    string // household or person, for targetField
	field   string
	typ     registry.FieldType
	geoPart int // index in geoParts, or -1
	def     registry.FieldDef
}

// CSVReader reads a beneficiary list one household at a time: consecutive
// rows with the same household_id (or key) make one household; a row
// without one is a household of its own, its person the head. Memory stays
// that of one household whatever the file's size.
type CSVReader struct {
	// Progress, when set, is called with the number of lines read every
	// 10,000 lines and once at the end.
	Progress func(lines int)

	forms      *registry.Forms
	now        time.Time
	r          *csv.Reader
	targets    []target // by column index; nil entries are ignored columns
	peeked     []string // the first data row, read to look for an HXL row
	peekedLine int
	line       int

	rows       int // data rows read, refused ones included
	pending    *Household
	pendingKey string
	persons    map[uuid.UUID]int // person id given in the file → its line
	errs       []RowError
	dropped    int
	done       bool
	reported   bool // the final Progress call was made
}

// NewCSVReader reads the header (and an HXL hashtag row under it, if any)
// and resolves every column through m (nil m: columns named as our fields).
// A column it cannot place is an error naming it: map it, or map it to "-".
// The file is UTF-8, with or without a byte-order mark, or UTF-16 with one
// (see csv_encoding.go: a byte that is not UTF-8 is an *EncodingError, from
// here or from Next; Transcode reads other encodings); the delimiter, comma,
// semicolon or tab, is taken from the header line.
func NewCSVReader(r io.Reader, m Mapping, forms *registry.Forms, now time.Time) (*CSVReader, error) {
	br := bufio.NewReaderSize(utf8Input(r), 64<<10)
	head, err := br.Peek(64 << 10)
	if _, notUTF8 := err.(*EncodingError); notUTF8 {
		return nil, err
	}
	cr := &CSVReader{forms: forms, now: now, r: csv.NewReader(br), persons: make(map[uuid.UUID]int)}
	cr.r.Comma = detectDelimiter(head)
	cr.r.FieldsPerRecord = -1
	cr.r.LazyQuotes = true
	cr.r.ReuseRecord = true

	header, err := cr.r.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: empty file: no header", ErrInput)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: header: %w", ErrInput, err)
	}
	header = slices.Clone(header)
	if err := cr.resolve(header, m); err != nil {
		return nil, err
	}
	// Skip an HXL hashtag row: every non-empty cell starts with '#'.
	next, err := cr.r.Read()
	var pe *csv.ParseError
	switch {
	case err == io.EOF:
		cr.done = true
	case errors.As(err, &pe):
		cr.rows++
		cr.rowError(pe.StartLine, "", "%v", pe.Err)
	case err != nil:
		return nil, fmt.Errorf("read csv: %w", err)
	case !isHXLRow(next):
		cr.peeked = slices.Clone(next)
		cr.peekedLine, _ = cr.r.FieldPos(0)
	}
	return cr, nil
}

func detectDelimiter(head []byte) rune {
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	best, bestCount := ',', 0
	for _, d := range []rune{',', ';', '\t'} {
		if n := bytes.Count(head, []byte(string(d))); n > bestCount {
			best, bestCount = d, n
		}
	}
	return best
}

func isHXLRow(rec []string) bool {
	tagged := false
	for _, c := range rec {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if c[0] != '#' {
			return false
		}
		tagged = true
	}
	return tagged
}

// resolve finds each column's target, refusing unknown columns and two
// columns feeding the same target.
func (cr *CSVReader) resolve(header []string, m Mapping) error {
	cr.targets = make([]target, len(header))
	used := make(map[string]string)
	var unknown []string
	for i, h := range header {
		if strings.TrimSpace(h) == "" {
			cr.targets[i] = target{special: -1}
			continue
		}
		name := m.target(h)
		if name == IgnoreColumn {
			cr.targets[i] = target{special: -1}
			continue
		}
		t, ok := cr.lookup(name)
		if !ok {
			unknown = append(unknown, h)
			continue
		}
		if prev, dup := used[name]; dup {
			return fmt.Errorf("%w: columns %q and %q both hold %s", ErrInput, prev, h, name)
		}
		used[name] = h
		cr.targets[i] = t
	}
	if len(unknown) > 0 && len(used) == 0 {
		// Not one cell names a field: most likely the file has no header
		// and this line is a person's row. Its cells are names and phone
		// numbers, so the error names the line, never what it holds.
		return fmt.Errorf("%w: line 1: none of its %d cells names a field: the header line is missing (the first line must name the columns), or the columns need a mapping", ErrInput, len(header))
	}
	if len(unknown) > 0 {
		return fmt.Errorf("%w: no field for %s: map them to a field, or to \"-\" to skip them", ErrInput, columnList(unknown))
	}
	return nil
}

// How much of a list of unknown columns an error quotes: a header of 100,000
// made-up columns must not become a megabyte of error text.
const (
	quotedColumns    = 5
	quotedColumnName = 60 // bytes of one name
)

// columnList names the first few columns, each shortened, then how many more.
func columnList(names []string) string {
	var b strings.Builder
	if len(names) == 1 {
		b.WriteString("column ")
	} else {
		fmt.Fprintf(&b, "%d columns: ", len(names))
	}
	for i, n := range names {
		if i == quotedColumns {
			fmt.Fprintf(&b, " and %d more", len(names)-i)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(shorten(n, quotedColumnName)))
	}
	return b.String()
}

// shorten cuts s to at most max bytes on a rune boundary, marking the cut.
func shorten(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func (cr *CSVReader) lookup(name string) (target, bool) {
	switch name {
	case colHouseholdID:
		return target{special: targetHouseholdKey, field: name, geoPart: -1}, true
	case colPersonID:
		return target{special: targetPersonID, field: name, geoPart: -1}, true
	case registry.FieldAge:
		return target{special: targetAge, field: name, geoPart: -1}, true
	case colHouseholdVersion:
		return target{special: targetHouseholdVersion, field: name, geoPart: -1}, true
	case colPersonVersion:
		return target{special: targetPersonVersion, field: name, geoPart: -1}, true
	case colHouseholdForm:
		return target{special: targetHouseholdForm, field: name, geoPart: -1}, true
	case colPersonForm:
		return target{special: targetPersonForm, field: name, geoPart: -1}, true
	}
	// Any version's question: an export has a column for each (columns.go).
	for _, kind := range []string{registry.KindHousehold, registry.KindPerson} {
		if d, ok := fieldDef(cr.forms, kind, name); ok {
			return target{kind: kind, field: name, typ: d.Type, geoPart: -1, def: d}, true
		}
		for i, part := range geoParts {
			base, found := strings.CutSuffix(name, "_"+part)
			if !found {
				continue
			}
			if d, ok := fieldDef(cr.forms, kind, base); ok && d.Type == registry.TypeGeopoint {
				return target{kind: kind, field: base, typ: registry.TypeDecimal, geoPart: i}, true
			}
		}
	}
	return target{}, false
}

// Errors returns the problems found with lines read so far (at most 1,000;
// Dropped counts the rest).
func (cr *CSVReader) Errors() []RowError { return cr.errs }

// Dropped returns how many row errors were found beyond those Errors keeps.
func (cr *CSVReader) Dropped() int { return cr.dropped }

// Lines returns the number of lines read so far.
func (cr *CSVReader) Lines() int { return cr.line }

// Rows returns the number of data rows read so far, refused ones included
// and blank ones not: what an import reports as read.
func (cr *CSVReader) Rows() int { return cr.rows }

func (cr *CSVReader) rowError(line int, field, format string, args ...any) {
	if len(cr.errs) >= maxRowErrors {
		cr.dropped++
		return
	}
	cr.errs = append(cr.errs, RowError{Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

// Next returns the next household, or io.EOF after the last. Lines with
// errors are skipped and reported by Errors; an error from Next itself means
// the file could not be read on. Household fields the form gives a default
// and the rows left empty get it.
func (cr *CSVReader) Next() (Household, error) {
	h, err := cr.next()
	if err == nil {
		applyDefaults(cr.forms, registry.KindHousehold, h.Fields)
	}
	return h, err
}

// next is Next without household defaults, so rows of one household found
// apart can be merged before defaults fill what none of them gave.
func (cr *CSVReader) next() (Household, error) {
	for {
		rec, line, err := cr.read()
		if err == io.EOF {
			if cr.Progress != nil && !cr.reported {
				cr.Progress(cr.line)
			}
			cr.reported, cr.done = true, true
			if cr.pending != nil {
				h := *cr.pending
				cr.pending = nil
				return h, nil
			}
			return Household{}, io.EOF
		}
		if err != nil {
			return Household{}, err
		}
		row, ok := cr.parse(rec, line)
		if !ok {
			continue
		}
		if row.HouseholdKey != "" && cr.pending != nil && row.HouseholdKey == cr.pendingKey {
			cr.addRow(cr.pending, row)
			continue
		}
		next := newHousehold(row)
		if cr.pending == nil {
			cr.pending, cr.pendingKey = &next, row.HouseholdKey
			continue
		}
		h := *cr.pending
		cr.pending, cr.pendingKey = &next, row.HouseholdKey
		return h, nil
	}
}

// read returns the next record and the line it starts on.
func (cr *CSVReader) read() ([]string, int, error) {
	if cr.peeked != nil {
		rec := cr.peeked
		cr.peeked = nil
		return cr.count(rec, cr.peekedLine)
	}
	if cr.done {
		return nil, 0, io.EOF
	}
	rec, err := cr.r.Read()
	if err == io.EOF {
		return nil, 0, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			cr.rows++
			cr.rowError(pe.StartLine, "", "%v", pe.Err)
			return nil, 0, nil // parse errors leave the reader usable: skip the line
		}
		return nil, 0, fmt.Errorf("read csv: %w", err)
	}
	line, _ := cr.r.FieldPos(0)
	return cr.count(rec, line)
}

func (cr *CSVReader) count(rec []string, line int) ([]string, int, error) {
	cr.line = line
	if cr.Progress != nil && line%progressEvery == 0 {
		cr.Progress(line)
	}
	return rec, line, nil
}

// parse maps and canonicalizes one record; false when the line has errors
// or is blank.
func (cr *CSVReader) parse(rec []string, line int) (Row, bool) {
	if rec == nil || blank(rec) {
		return Row{}, false
	}
	cr.rows++
	nerrs := len(cr.errs) + cr.dropped
	row := Row{Line: line, Household: map[string]string{}, Person: map[string]string{}}
	var geo map[string][]string
	age := ""
	for i, cell := range rec {
		cell = strings.TrimSpace(cell)
		if cell == "" {
			continue
		}
		if i >= len(cr.targets) {
			cr.rowError(line, "", "more cells than the header has columns")
			break
		}
		t := cr.targets[i]
		if _, after, ok := strings.Cut(cell, "\n"); ok && t.special != -1 && !(t.special == targetField && t.def.Multiline) && strings.ContainsRune(after, cr.r.Comma) {
			// A quote opened and never closed takes the lines after it into
			// one cell, rows and all: say so, not that the cell is too long.
			last := line + strings.Count(strings.TrimRight(strings.Join(rec, ""), "\n"), "\n")
			cr.rowError(line, t.field, "a quoted cell runs on to line %d: a quote (\") is not closed where the cell ends, and lines %d to %d were read into it; close the quote and import the file again", last, line+1, last)
			break
		}
		switch t.special {
		case -1:
			continue
		case targetHouseholdKey:
			// Kept on the household (registry.FieldExternalKey): one
			// spelling of it, and one the value rule accepts.
			key, err := registry.CanonicalValue(registry.TypeText, cell)
			if err == nil {
				if rule, params := registry.CheckValue(key, false); rule != "" {
					err = errors.New(registry.FieldError{Field: colHouseholdID, Rule: rule, Params: params}.Message("en"))
				}
			}
			if err != nil {
				cr.rowError(line, colHouseholdID, "%v", err)
				continue
			}
			row.HouseholdKey = key
			continue
		case targetPersonID:
			id, err := uuid.Parse(cell)
			if err != nil || id == uuid.Nil {
				cr.rowError(line, colPersonID, "not a record id (UUID)")
				continue
			}
			row.PersonID = id.String()
			continue
		case targetAge:
			age = cell
			continue
		case targetHouseholdVersion, targetPersonVersion:
			if err := checkVersion(cell); err != nil {
				cr.rowError(line, t.field, "%v (leave the cell as the export wrote it)", errors.Unwrap(err))
				continue
			}
			if t.special == targetHouseholdVersion {
				row.HouseholdVersion = cell
			} else {
				row.PersonVersion = cell
			}
			continue
		case targetHouseholdForm, targetPersonForm:
			ref := uncell(cell)
			if err := checkFormRef(ref); err != nil {
				cr.rowError(line, t.field, "%v (leave the cell as the export wrote it)", err)
				continue
			}
			if t.special == targetHouseholdForm {
				row.HouseholdForm = ref
			} else {
				row.PersonForm = ref
			}
			continue
		}
		v, err := registry.CanonicalValue(t.typ, uncell(cell))
		if err != nil {
			cr.rowError(line, t.field, "%v", err)
			continue
		}
		if t.geoPart < 0 {
			v = matchChoices(t.def, v)
			// Rules about one value are checked here, where the line is
			// known; rules about the record (required fields) by Validate.
			if rule, params := t.def.Check(v, cr.now); rule != "" {
				cr.rowError(line, t.field, "%s", ruleText(t.def, t.kind, rule, params))
				continue
			}
		}
		if t.geoPart >= 0 {
			if geo == nil {
				geo = make(map[string][]string)
			}
			key := t.kind + "." + t.field
			if geo[key] == nil {
				geo[key] = make([]string, len(geoParts))
			}
			geo[key][t.geoPart] = v
			continue
		}
		row.fields(t.kind)[t.field] = v
	}
	if row.HouseholdKey == "" {
		row.raw = strings.Join(rec, "\x1f") // a household of its own: its Origin
	}
	for key, parts := range geo {
		kind, field, _ := strings.Cut(key, ".")
		v, err := registry.CanonicalValue(registry.TypeGeopoint, geoJoin(parts))
		if err != nil {
			cr.rowError(line, field, "%v", err)
			continue
		}
		if v != "" {
			row.fields(kind)[field] = v
		}
	}
	if age != "" && row.Person[registry.FieldBirthDate] == "" {
		// The age rule and its bound are the person form's (Form.SetAge).
		person, ok := cr.forms.Form(registry.KindPerson)
		if !ok {
			cr.rowError(line, registry.FieldAge, "no person form")
		} else if err := person.SetAge(row.Person, age, cr.now); err != nil {
			cr.rowError(line, registry.FieldAge, "%v", err)
		}
	}
	if len(row.Person) > 0 || row.PersonID != "" {
		applyDefaults(cr.forms, registry.KindPerson, row.Person)
	}
	if len(cr.errs)+cr.dropped != nerrs {
		return row, false
	}
	return row, cr.firstSight(row)
}

// firstSight refuses a row whose person id an earlier row already gave: the
// two would be two edits of one record, and which is right is for the user
// to say. Only ids given in the file are kept, one entry each; most lists
// from other agencies have none.
func (cr *CSVReader) firstSight(row Row) bool {
	if row.PersonID == "" {
		return true
	}
	id := uuid.MustParse(row.PersonID)
	if first, seen := cr.persons[id]; seen {
		cr.rowError(row.Line, colPersonID, "the same person as on line %d; this row is left out", first)
		return false
	}
	cr.persons[id] = row.Line
	return true
}

// blank tells a row of empty cells, as a spreadsheet leaves below a list.
func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// ruleText words a broken rule for a line of the file. A refused choice is
// explained by the choices there are, not by echoing the cell: a value in
// the wrong column may be a name.
func ruleText(d registry.FieldDef, kind, rule string, params []string) string {
	if rule != registry.RuleChoice {
		fe := registry.FieldError{Kind: kind, Field: d.Name, Rule: rule, Params: params}
		return fe.Message("en")
	}
	if len(d.Choices) == 0 || len(d.Choices) > maxChoicesShown {
		return "not one of the choices"
	}
	codes := make([]string, len(d.Choices))
	for i, c := range d.Choices {
		codes[i] = c.Name
	}
	return "not one of the choices (" + strings.Join(codes, ", ") + ")"
}

// maxChoicesShown bounds the choices a refusal lists: a country list would
// bury the line.
const maxChoicesShown = 12

// matchChoices lets a list use a choice's label in any language, in any
// case ("Female", "féminin", "أنثى"), for its name ("female"). A
// select_multiple holding ";" is a list of labels, as an export --labels
// writes them ("Disability; Woman at risk"), else of codes split by spaces.
func matchChoices(d registry.FieldDef, v string) string {
	if len(d.Choices) == 0 {
		return v
	}
	codes := strings.Fields(v)
	switch {
	case d.Type == registry.TypeSelectOne:
		codes = []string{v}
	case strings.Contains(v, ";"):
		codes = strings.Split(v, ";")
		for i := range codes {
			codes[i] = strings.TrimSpace(codes[i])
		}
		codes = slices.DeleteFunc(codes, func(c string) bool { return c == "" })
	}
	for i, code := range codes {
		if _, ok := d.Choice(code); ok {
			continue
		}
	search:
		for _, c := range d.Choices {
			if strings.EqualFold(c.Name, code) {
				codes[i] = c.Name
				break
			}
			for _, label := range c.Label {
				if strings.EqualFold(label, code) {
					codes[i] = c.Name
					break search
				}
			}
		}
	}
	return strings.Join(codes, " ")
}

func (r *Row) fields(kind string) map[string]string {
	if kind == registry.KindHousehold {
		return r.Household
	}
	return r.Person
}

// newHousehold starts a household from its first row.
func newHousehold(row Row) Household {
	h := Household{Doc: Doc{Fields: row.Household, Version: row.HouseholdVersion, Form: row.HouseholdForm, Line: row.Line}, Key: row.HouseholdKey}
	if id, err := uuid.Parse(row.HouseholdKey); err == nil && id != uuid.Nil {
		h.ID = id.String()
		h.Key = ""
	}
	if row.HouseholdKey == "" {
		h.Origin = row.raw
	}
	if len(row.Person) > 0 || row.PersonID != "" {
		if row.HouseholdKey == "" && row.Person[registry.FieldRelationship] == "" {
			row.Person[registry.FieldRelationship] = registry.RelationshipHead // a row of its own: the person is the household
		}
		h.Members = []Doc{memberDoc(h.ID, row)}
	} else {
		h.Members = []Doc{}
	}
	return h
}

// addRow adds a further row of the same household: its person, and any
// household field the earlier rows left empty. A household field that
// differs from an earlier row's is reported and the first value kept.
func (cr *CSVReader) addRow(h *Household, row Row) {
	for name, v := range row.Household {
		switch prev, ok := h.Fields[name]; {
		case !ok:
			h.Fields[name] = v
		case prev != v:
			cr.rowError(row.Line, name, "differs from the household's first line (line %d); the first is kept", h.Line)
		}
	}
	if len(row.Person) == 0 && row.PersonID == "" {
		return
	}
	if len(h.Members) >= MaxMembers {
		cr.rowError(row.Line, "", "the household of line %d has more than %d members; this row is left out", h.Line, MaxMembers)
		return
	}
	h.Members = append(h.Members, memberDoc(h.ID, row))
}

func memberDoc(householdID string, row Row) Doc {
	if householdID != "" {
		row.Person[colHouseholdID] = householdID
	}
	return Doc{ID: row.PersonID, Fields: row.Person, Version: row.PersonVersion, Form: row.PersonForm, Line: row.Line}
}

// ReadCSV reads a whole beneficiary list: households (rows grouped by the
// household_id or key column, wherever they are in the file), and the
// problems with lines it skipped. Values are canonicalized but not
// validated: Household.Validate does that. An exported CSV reads back to the
// same households, ids kept. For files too large to hold, use CSVReader.
func ReadCSV(r io.Reader, m Mapping, forms *registry.Forms, now time.Time) ([]Household, []RowError, error) {
	cr, err := NewCSVReader(r, m, forms, now)
	if err != nil {
		return nil, nil, err
	}
	var out []Household
	byKey := make(map[string]int)
	for {
		h, err := cr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, cr.Errors(), err
		}
		key := h.ID + "\x00" + h.Key
		if h.ID == "" && h.Key == "" {
			out = append(out, h)
			continue
		}
		if i, seen := byKey[key]; seen {
			merge(&out[i], h, cr)
			continue
		}
		byKey[key] = len(out)
		out = append(out, h)
	}
	for i := range out {
		applyDefaults(forms, registry.KindHousehold, out[i].Fields)
	}
	return out, cr.Errors(), nil
}

// merge adds a later group of rows to the household they belong to.
func merge(h *Household, later Household, cr *CSVReader) {
	row := Row{Line: later.Line, Household: later.Fields, HouseholdKey: later.Key}
	cr.addRow(h, row)
	for _, m := range later.Members {
		if len(h.Members) >= MaxMembers {
			cr.rowError(m.Line, "", "the household of line %d has more than %d members; this row is left out", h.Line, MaxMembers)
			return
		}
		h.Members = append(h.Members, m)
	}
}

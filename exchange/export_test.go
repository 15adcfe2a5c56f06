package exchange

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"fieldreg/registry"
)

// hxlGrammar is the HXL hashtag grammar, written out apart from the
// exporter's own.
var hxlGrammar = regexp.MustCompile(`^#[a-z][a-z0-9_]*(\s*\+[a-z][a-z0-9_]*)*$`)

// deploymentForms are the built-in forms as an operation extends them: a
// person question with its own HXL tag, a multi-line note field on the
// person, and a household question whose hxl cell is written loosely.
func deploymentForms(t testing.TB, extra map[string][]registry.FieldDef) *registry.Forms {
	t.Helper()
	var out []*registry.Form
	for _, kind := range forms(t).Kinds() {
		f, _ := forms(t).Form(kind)
		data, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		c, err := registry.ParseForm(data) // a copy: the built-ins are shared
		if err != nil {
			t.Fatal(err)
		}
		c.Fields = append(c.Fields, extra[kind]...)
		out = append(out, c)
	}
	fs, err := registry.NewForms(out...)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

var operationFields = map[string][]registry.FieldDef{
	registry.KindHousehold: {{Name: "affected_women", Type: registry.TypeInteger, Label: registry.Labels{"en": "Women affected"}, HXL: "#Affected +F"}},
	registry.KindPerson:    {{Name: "notes", Type: registry.TypeText, Multiline: true, Label: registry.Labels{"en": "Notes"}}},
}

// hardValues is a household whose values trip up spreadsheets and CSV
// readers: Arabic, phone numbers with + and with leading zeros, a document
// number with leading zeros, formulas, an apostrophe typed by a person, a
// note over several lines with commas and quotes.
func hardValues() []family {
	h1 := rec(registry.KindHousehold, 1, map[string]string{
		"consent": "true", "consent_by": "فاطمة الزهراء", "site": "camp_north", "admin1": "دمشق",
		"phone": "+963 944 123 456", "origin": "-needs follow-up", "status": "active", "affected_women": "3",
	})
	h2 := rec(registry.KindHousehold, 2, map[string]string{
		"consent": "true", "site": "camp_south", "phone": "0044 20 7946 0958", "origin": "@home", "status": "active",
	})
	m1 := rec(registry.KindPerson, 11, map[string]string{
		"household_id": h1.ID.String(), "relationship": "head", "given_name": "فاطمة", "family_name": "'=quoted",
		"sex": "female", "birth_date": "1988-04-02", "document_number": "0012345", "specific_needs": "single_parent woman_at_risk",
		"notes": "=1+1\nsecond line, with a comma and \"quotes\"\n-third +line",
	})
	m2 := rec(registry.KindPerson, 21, map[string]string{
		"household_id": h2.ID.String(), "relationship": "head", "given_name": "+CMD|' /C calc'!A0", "sex": "male",
		"birth_date": "2001-12-31", "other_names": "-5", "notes": "plain",
	})
	return []family{{h1, []registry.Record{m1}}, {h2, []registry.Record{m2}}}
}

func exportWith(t *testing.T, fs *registry.Forms, opt Options, families []family) []byte {
	t.Helper()
	var buf bytes.Buffer
	cw, err := NewCSVWriter(&buf, fs, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if err := cw.Write(f.household, f.members); err != nil {
			t.Fatal(err)
		}
	}
	if err := cw.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// What a CSV or HXL export holds reads back to the same records, values
// exact, with or without the byte-order mark Excel needs.
func TestCSVRoundTripOfHardValues(t *testing.T) {
	fs := deploymentForms(t, operationFields)
	for _, opt := range []Options{{}, {BOM: true}, {HXL: true, BOM: true}} {
		data := exportWith(t, fs, opt, hardValues())
		if opt.BOM != bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
			t.Errorf("%+v: file starts %q", opt, data[:min(8, len(data))])
		}
		got, rowErrs, err := ReadCSV(bytes.NewReader(data), nil, fs, now)
		if err != nil || len(rowErrs) > 0 {
			t.Fatalf("%+v: import of our own export: %v %v\n%s", opt, err, rowErrs, data)
		}
		var want []Household
		for _, f := range hardValues() {
			want = append(want, FromRecords(f.household, f.members, nil))
		}
		clearLines(got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%+v: round trip changed the data:\ngot  %+v\nwant %+v\n%s", opt, got, want, data)
		}
	}
}

// Another tool reading the CSV (with a plain CSV library, once the
// byte-order mark is dropped) sees phone numbers, leading zeros and numbers
// exactly as typed, and formulas defused by a leading apostrophe.
func TestCSVCellsAsOtherToolsReadThem(t *testing.T) {
	data := exportWith(t, deploymentForms(t, operationFields), Options{BOM: true}, hardValues())
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte(utf8BOM)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := rows[0]
	cell := func(row int, name string) string { return rows[row][slices.Index(header, name)] }
	for _, tt := range []struct {
		row       int
		col, want string
	}{
		{1, "phone", "+963 944 123 456"},
		{2, "phone", "0044 20 7946 0958"},
		{1, "document_number", "0012345"},
		{2, "other_names", "-5"},
		{1, "consent_by", "فاطمة الزهراء"},
		{1, "notes", "'=1+1\nsecond line, with a comma and \"quotes\"\n-third +line"},
		{1, "origin", "'-needs follow-up"},
		{2, "origin", "'@home"},
		{1, "family_name", "''=quoted"},
		{2, "given_name", "'+CMD|' /C calc'!A0"},
		{1, "affected_women", "3"},
	} {
		if got := cell(tt.row, tt.col); got != tt.want {
			t.Errorf("row %d %s = %q, want %q", tt.row, tt.col, got, tt.want)
		}
	}
}

// The formula rule, value by value: what is written, and that the importer
// gives back exactly what was exported.
func TestFormulaRule(t *testing.T) {
	for _, tt := range []struct{ value, cell string }{
		{"=1+1", "'=1+1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"+CMD|' /C calc'!A0", "'+CMD|' /C calc'!A0"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"-needs follow-up", "'-needs follow-up"},
		{"+", "'+"},
		{"--", "'--"},
		{"\tx", "'\tx"},
		{"+963 944 123 456", "+963 944 123 456"},
		{"+1 (555) 010-9999", "+1 (555) 010-9999"},
		{"-5", "-5"},
		{"-1.5", "-1.5"},
		{"0044 20 7946 0958", "0044 20 7946 0958"},
		{"'hello", "'hello"},        // an apostrophe before nothing a sheet runs stays alone
		{"'=x", "''=x"},             // one typed before a formula is kept by one more
		{"'+963 944", "''+963 944"}, // and before a phone number, which the old rule defused
		{"''@x", "'''@x"},
		{"Fatima", "Fatima"},
		{"", ""},
	} {
		if got := defuse(tt.value); got != tt.cell {
			t.Errorf("defuse(%q) = %q, want %q", tt.value, got, tt.cell)
		}
		if got := uncell(tt.cell); got != tt.value {
			t.Errorf("uncell(%q) = %q, want %q", tt.cell, got, tt.value)
		}
		if got := defuse(tt.value); formulaLike(got) {
			t.Errorf("defuse(%q) = %q still runs as a formula", tt.value, got)
		}
	}
	// Exports written by the earlier rule, which put an apostrophe before a
	// phone number too, still read back to the number.
	if got := uncell("'+249 912 345 678"); got != "+249 912 345 678" {
		t.Errorf("an earlier export's phone number reads back as %q", got)
	}
}

// Site and admin columns are tagged by what they hold, form tags win over
// the built-in ones (normalized), every tag is valid HXL, and the tag row
// is directly under the header.
func TestHXLTags(t *testing.T) {
	fs := deploymentForms(t, operationFields)
	for _, labels := range []bool{false, true} {
		data := exportWith(t, fs, Options{HXL: true, Labels: labels}, hardValues())
		rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		header, tags := rows[0], rows[1]
		if !isHXLRow(tags) || isHXLRow(rows[2]) {
			t.Fatalf("labels=%v: row 2 is not the hashtag row, or row 3 is: %q / %q", labels, tags, rows[2])
		}
		site := "#loc+code"
		if labels {
			site = "#loc+name"
		}
		tag := func(col string) string { return tags[slices.Index(header, col)] }
		if got := tag("site"); got != site {
			t.Errorf("labels=%v: site tagged %q, want %q", labels, got, site)
		}
		if got := tag("affected_women"); got != "#affected+f" {
			t.Errorf("the form's own tag is written %q, want #affected+f", got)
		}
		if got := tag("notes") + tag("given_name"); got != "" {
			t.Errorf("free text tagged %q: names and notes stay untagged", got)
		}
		for i, tag := range tags {
			if tag != "" && !hxlGrammar.MatchString(tag) {
				t.Errorf("column %s: %q is not valid HXL", header[i], tag)
			}
		}
	}
	var buf bytes.Buffer
	rw, err := NewRecordCSVWriter(&buf, fs, registry.KindAssessment, Options{HXL: true})
	if err != nil {
		t.Fatal(err)
	}
	rw.Flush()
	rows, _ := csv.NewReader(&buf).ReadAll()
	for i, tag := range rows[1] {
		if tag != "" && !hxlGrammar.MatchString(tag) {
			t.Errorf("assessment column %s: %q is not valid HXL", rows[0][i], tag)
		}
	}
}

func TestFormHXLTagThatIsNotATagIsRefused(t *testing.T) {
	for _, bad := range []string{"affected", "#", "#affected+", "#1st", "#a+b c", "#affected+f!"} {
		fs := deploymentForms(t, map[string][]registry.FieldDef{
			registry.KindPerson: {{Name: "x", Type: registry.TypeInteger, Label: registry.Labels{"en": "X"}, HXL: bad}},
		})
		_, err := NewCSVWriter(&bytes.Buffer{}, fs, Options{HXL: true})
		if !errors.Is(err, ErrBadHXL) || !strings.Contains(err.Error(), `"x"`) {
			t.Errorf("hxl %q: err = %v, want ErrBadHXL naming the field", bad, err)
		}
		if _, err := NewCSVWriter(&bytes.Buffer{}, fs, Options{}); err != nil {
			t.Errorf("hxl %q refused in a plain CSV export, which writes no tags: %v", bad, err)
		}
	}
	for in, want := range map[string]string{"#Affected +F": "#affected+f", " #geo+lat ": "#geo+lat", "#adm1+code": "#adm1+code"} {
		if got, err := ParseHXLTag(in); err != nil || got != want {
			t.Errorf("ParseHXLTag(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// With Labels, choices are written as their labels in the user's language
// (English where the form has none in it), a select_multiple's joined by
// "; "; other values stay as they are.
func TestLabels(t *testing.T) {
	fs := deploymentForms(t, operationFields)
	for _, tt := range []struct {
		lang, site, needs string
	}{
		{"ar", "المخيم الشمالي", "والد وحيد أو معيل وحيد; امرأة معرّضة للخطر"},
		{"en", "North camp", "Single parent or caregiver; Woman at risk"},
		{"sw", "North camp", "Single parent or caregiver; Woman at risk"},
	} {
		rows, err := csv.NewReader(bytes.NewReader(exportWith(t, fs, Options{Labels: true, Lang: tt.lang}, hardValues()))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		cell := func(name string) string { return rows[1][slices.Index(rows[0], name)] }
		if got := cell("site"); got != tt.site {
			t.Errorf("%s: site = %q, want %q", tt.lang, got, tt.site)
		}
		if got := cell("specific_needs"); got != tt.needs {
			t.Errorf("%s: specific_needs = %q, want %q", tt.lang, got, tt.needs)
		}
		if got := cell("phone") + "|" + cell("birth_date"); got != "+963 944 123 456|1988-04-02" {
			t.Errorf("%s: values that are not choices changed: %q", tt.lang, got)
		}
	}
	rows, _ := csv.NewReader(bytes.NewReader(exportWith(t, fs, Options{}, hardValues()))).ReadAll()
	if got := rows[1][slices.Index(rows[0], "specific_needs")]; got != "single_parent woman_at_risk" {
		t.Errorf("without Labels specific_needs = %q, want the codes", got)
	}
}

// A note shows text and stores nothing: it has no column.
func TestNoteHasNoColumn(t *testing.T) {
	note := registry.FieldDef{Name: "read_this", Type: typeNote, Label: registry.Labels{"en": "Read this to the family"}}
	f, _ := forms(t).Form(registry.KindAssessment)
	data, _ := json.Marshal(f)
	c, _ := registry.ParseForm(data)
	c.Fields = append([]registry.FieldDef{note}, c.Fields...)
	fs, err := registry.NewForms(c)
	if err != nil {
		t.Skipf("registry has no note type yet (issue 11 adds it): %v", err)
	}
	cols, err := recordColumns(fs, registry.KindAssessment)
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range cols {
		if col.field == note.Name {
			t.Errorf("the note has a column")
		}
	}
}

// Whatever a person typed, the CSV cell the formula rule makes of it never
// runs as a formula and reads back to exactly what was typed.
func FuzzFormulaRule(f *testing.F) {
	for _, seed := range []string{"=1+1", "+963 944 123 456", "-5", "'=x", "''+1", "@", "+", "-a", "\t=", "0044 20", "فاطمة", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		cell := defuse(v)
		if formulaLike(cell) {
			t.Errorf("defuse(%q) = %q runs as a formula", v, cell)
		}
		if got := uncell(cell); got != v {
			t.Errorf("uncell(defuse(%q)) = %q", v, got)
		}
		if cell != v && cell != "'"+v {
			t.Errorf("defuse(%q) = %q: more than one apostrophe added", v, cell)
		}
	})
}

// An export with labels, in any of the form's languages, imports back to
// the codes.
func TestLabelsImportBack(t *testing.T) {
	fs := deploymentForms(t, operationFields)
	for _, lang := range []string{"en", "ar", "fr"} {
		got, rowErrs, err := ReadCSV(bytes.NewReader(exportWith(t, fs, Options{Labels: true, Lang: lang, BOM: true}, hardValues())), nil, fs, now)
		if err != nil || len(rowErrs) > 0 {
			t.Fatalf("%s: %v %v", lang, err, rowErrs)
		}
		var want []Household
		for _, f := range hardValues() {
			want = append(want, FromRecords(f.household, f.members, nil))
		}
		clearLines(got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the labels did not read back to the codes:\ngot  %+v\nwant %+v", lang, got, want)
		}
	}
}

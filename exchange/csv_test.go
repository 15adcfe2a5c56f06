package exchange

import (
	"bytes"
	"encoding/csv"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"fieldreg/registry"
)

func exportCSV(t *testing.T, hxl bool, families []family) []byte {
	t.Helper()
	var buf bytes.Buffer
	cw, err := NewCSVWriter(&buf, forms(t), Options{HXL: hxl})
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

// An exported CSV (or HXL) imports back to the same households, ids kept.
func TestCSVRoundTrip(t *testing.T) {
	for _, hxl := range []bool{false, true} {
		data := exportCSV(t, hxl, fixture())
		got, rowErrs, err := ReadCSV(bytes.NewReader(data), nil, forms(t), now)
		if err != nil || len(rowErrs) > 0 {
			t.Fatalf("hxl=%v: import of our own export: %v %v\n%s", hxl, err, rowErrs, data)
		}
		var want []Household
		for _, f := range fixture() {
			want = append(want, FromRecords(f.household, f.members, nil))
		}
		clearLines(got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("hxl=%v: round trip changed the data:\ngot  %+v\nwant %+v\n%s", hxl, got, want, data)
		}
	}
}

func TestCSVLayout(t *testing.T) {
	rows, err := csv.NewReader(bytes.NewReader(exportCSV(t, true, fixture()))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header, tags := rows[0], rows[1]
	if header[0] != "household_id" {
		t.Errorf("first column %q, want household_id", header[0])
	}
	hp := slices.Index(header, "person_id")
	if hp < 0 || slices.Index(header, "site") > hp || slices.Index(header, "given_name") < hp {
		t.Errorf("columns not household_id, household fields, person_id, person fields: %v", header)
	}
	if slices.Contains(header[1:], "household_id") || slices.Contains(header, "gps") {
		t.Errorf("household_id repeated or gps not split: %v", header)
	}
	want := map[string]string{
		"household_id": "#meta+id+hh", "person_id": "#meta+id+ind", "admin1": "#adm1+name",
		"admin2": "#adm2+name", "site": "#loc+code", "gps_lat": "#geo+lat", "gps_lon": "#geo+lon",
		"displacement_date": "#date+displaced", "status": "#status", "phone": "#contact+phone",
		"given_name": "", "family_name": "", "document_number": "",
	}
	for col, tag := range want {
		i := slices.Index(header, col)
		if i < 0 {
			t.Errorf("no column %s", col)
			continue
		}
		if tags[i] != tag {
			t.Errorf("HXL tag of %s = %q, want %q", col, tags[i], tag)
		}
	}
	for i, tag := range tags {
		if tag != "" && !hxlPattern(tag) {
			t.Errorf("column %s: %q is not a valid HXL hashtag", header[i], tag)
		}
	}
	// 2 live members of household 1, one empty-person row for household 2.
	if n := len(rows) - 2; n != 3 {
		t.Errorf("%d data rows, want 3", n)
	}
	col := func(row []string, name string) string { return row[slices.Index(header, name)] }
	if got := col(rows[2], "gps_lat") + "|" + col(rows[2], "gps_accuracy"); got != "11.7891|4.5" {
		t.Errorf("gps columns = %s", got)
	}
	if got := col(rows[2], "document_number"); got != "'=SUM(A1)" {
		t.Errorf("a formula-like value is written as %q, want it defused", got)
	}
	if got := col(rows[2], "phone"); got != "+249 912 345 678" {
		t.Errorf("phone written as %q, want it as typed", got)
	}
	if got := col(rows[4], "person_id") + col(rows[4], "given_name"); got != "" {
		t.Errorf("household with no members has person values %q", got)
	}
	plain, _ := csv.NewReader(bytes.NewReader(exportCSV(t, false, nil))).ReadAll()
	if len(plain) != 1 || !slices.Equal(plain[0], header) {
		t.Errorf("empty CSV export = %v, want only the header", plain)
	}
}

func hxlPattern(tag string) bool {
	parts := strings.Split(tag, "+")
	if !strings.HasPrefix(parts[0], "#") || len(parts[0]) < 2 {
		return false
	}
	for i, p := range parts {
		if i == 0 {
			p = p[1:]
		}
		if p == "" || strings.Trim(p, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" || p[0] < 'a' || p[0] > 'z' {
			return false
		}
	}
	return true
}

// Another agency's list: semicolons, a byte-order mark, an HXL row, their
// own column names and household keys, an age instead of a birth date, rows
// of one household apart, a person on a row of their own, bad lines.
func TestReadCSVBeneficiaryList(t *testing.T) {
	sheet := "\xef\xbb\xbf" + `HH ref;Site;First name;Last name;Gender;Age;DOB;Relation;Tel;Remarks
#meta+id;#loc+name;;;#indicator+sex;;;;#contact+phone;
A-1;camp_north;Amina;Haroun;female;34;;head;+235 66 12 34 56;note
A-2;camp_south;Idriss;Mahamat;male;;1979-11-30;head;;
A-1;camp_north;Halime;Haroun;Féminin;4;;Child;;
;camp_south;Achta;Abakar;female;61;;;;
A-2;camp_south;Bad;Row;dragon;;;child;;
A-2;camp_south;Zara;Mahamat;female;;2030-01-01;child;;
`
	m, err := ParseMapping([]byte(`{"HH ref":"household_id","site":"site","First name":"given_name","Last name":"family_name",
	  "gender":"sex","Age":"age","DOB":"birth_date","Relation":"relationship","Tel":"phone","Remarks":"-"}`))
	if err != nil {
		t.Fatal(err)
	}
	var progress []int
	cr, err := NewCSVReader(strings.NewReader(sheet), m, forms(t), now)
	if err != nil {
		t.Fatal(err)
	}
	cr.Progress = func(n int) { progress = append(progress, n) }
	for {
		if _, err := cr.Next(); err != nil {
			break
		}
	}
	if !slices.Equal(progress, []int{8}) {
		t.Errorf("progress reports %v, want the final line count", progress)
	}

	hh, rowErrs, err := ReadCSV(strings.NewReader(sheet), m, forms(t), now)
	if err != nil {
		t.Fatal(err)
	}
	wantErrs := []RowError{
		{Line: 7, Field: "sex", Message: "not one of the choices (female, male, other, unknown)"},
		{Line: 8, Field: "birth_date", Message: "date is in the future"},
	}
	if !slices.Equal(rowErrs, wantErrs) {
		t.Errorf("row errors = %v, want %v", rowErrs, wantErrs)
	}
	if len(hh) != 3 {
		t.Fatalf("%d households, want 3 (A-1, A-2, and the row without a key): %+v", len(hh), hh)
	}
	a1, a2, alone := hh[0], hh[1], hh[2]
	if a1.Key != "A-1" || a1.ID != "" || a1.Line != 3 || len(a1.Members) != 2 {
		t.Errorf("A-1 = %+v", a1)
	}
	if a1.Fields["site"] != "camp_north" || a1.Fields["phone"] != "+235 66 12 34 56" || a1.Fields["status"] != "active" {
		t.Errorf("A-1 household fields = %v", a1.Fields)
	}
	amina := a1.Members[0].Fields
	if amina["birth_date"] != "1991-07-01" || amina["birth_date_estimated"] != "true" || amina["family_name"] != "Haroun" {
		t.Errorf("Amina = %v", amina)
	}
	if len(a2.Members) != 1 || a2.Members[0].Fields["given_name"] != "Idriss" {
		t.Errorf("A-2 members = %+v (rows apart must join; the bad rows must not)", a2.Members)
	}
	if a1.Members[0].Line != 3 || a1.Members[1].Line != 5 {
		t.Errorf("A-1 members come from lines %d and %d, want 3 and 5", a1.Members[0].Line, a1.Members[1].Line)
	}
	if halime := a1.Members[1].Fields; halime["sex"] != "female" || halime["relationship"] != "child" {
		t.Errorf("choice labels not read as choices: %v", halime)
	}
	if alone.Members[0].Fields["relationship"] != "head" || alone.Key != "" {
		t.Errorf("a row without a key must be a household of one, its head: %+v", alone)
	}
	if err := a1.Validate(forms(t), now); err == nil || !strings.Contains(err.Error(), "consent") {
		t.Errorf("Validate(A-1) = %v, want consent (the list does not record it)", err)
	}
}

func TestReadCSVRefusesUnmappedColumns(t *testing.T) {
	sheet := "given_name,Mystery,sex\nA,1,female\n"
	_, _, err := ReadCSV(strings.NewReader(sheet), nil, forms(t), now)
	if err == nil || !strings.Contains(err.Error(), `"Mystery"`) || !errors.Is(err, ErrInput) {
		t.Errorf("unmapped column: %v", err)
	}
	hh, _, err := ReadCSV(strings.NewReader(sheet), Mapping{"mystery": "-"}, forms(t), now)
	if err != nil || len(hh) != 1 || hh[0].Members[0].Fields["given_name"] != "A" {
		t.Errorf("ignored column: %v %+v", err, hh)
	}
	if _, _, err := ReadCSV(strings.NewReader("given_name,first\nA,B\n"), Mapping{"first": "given_name"}, forms(t), now); err == nil {
		t.Error("two columns feeding given_name were accepted")
	}
	if _, _, err := ReadCSV(strings.NewReader(""), nil, forms(t), now); err == nil {
		t.Error("an empty file was accepted")
	}
}

func TestReadCSVGeopointInOneCell(t *testing.T) {
	hh, errs, err := ReadCSV(strings.NewReader("site\tgps\tgiven_name\ncamp_north\t\"11.5, 34.25\"\tA\n"), nil, forms(t), now)
	if err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	if got := hh[0].Fields["gps"]; got != "11.5 34.25" {
		t.Errorf("gps = %q", got)
	}
}

func TestParseMapping(t *testing.T) {
	m, err := ParseMapping([]byte(` {" First Name ": "given_name", "Notes": "", "X": "-"}`))
	if err != nil {
		t.Fatal(err)
	}
	if m.target("first name") != "given_name" || m.target("NOTES") != IgnoreColumn || m.target("sex") != "sex" {
		t.Errorf("mapping = %v", m)
	}
	for _, bad := range []string{`[]`, `{"a":1}`, `{"a":"x","b":"x"}`, `{"A":"x","a ":"y"}`, `{"":"x"}`, `{} {}`} {
		if _, err := ParseMapping([]byte(bad)); err == nil {
			t.Errorf("ParseMapping(%s) accepted", bad)
		}
	}
}

func FuzzParseMapping(f *testing.F) {
	f.Add([]byte(`{"First name":"given_name","Notes":"-"}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseMapping(data)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, field := range m {
			if field != IgnoreColumn && seen[field] {
				t.Fatalf("two columns map to %q", field)
			}
			seen[field] = true
		}
	})
}

func FuzzReadCSV(f *testing.F) {
	fs := forms(f)
	f.Add([]byte("household_id,given_name,sex,age\nk1,A,female,3\nk1,B,male,40\n,C,x,\n"))
	f.Add([]byte("\xef\xbb\xbfsite;gps_lat;gps_lon\n#loc+name;#geo+lat;#geo+lon\ncamp_north;1;2\n"))
	f.Add([]byte("given_name\n\"unterminated\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		hh, _, err := ReadCSV(bytes.NewReader(data), nil, fs, now)
		if err != nil {
			return
		}
		for _, h := range hh {
			if len(h.Members) > MaxMembers {
				t.Fatalf("household with %d members", len(h.Members))
			}
			h.Validate(fs, now) // must not panic
		}
		// What was read exports and reads back the same: the reader's
		// canonical values are the writer's.
		var buf bytes.Buffer
		cw, _ := NewCSVWriter(&buf, fs, Options{HXL: true})
		var want []Household
		for _, h := range hh {
			household, members, _ := h.Records()
			cw.Write(household, members)
			want = append(want, FromRecords(household, members, nil))
		}
		cw.Flush()
		again, rowErrs, err := ReadCSV(bytes.NewReader(buf.Bytes()), nil, fs, now)
		if err != nil || len(rowErrs) > 0 {
			t.Fatalf("re-reading our export: %v %v\n%s", err, rowErrs, buf.String())
		}
		clearLines(again)
		if len(want) > 0 && !reflect.DeepEqual(again, want) {
			t.Fatalf("not stable:\n got %+v\nwant %+v\n%s", again, want, buf.String())
		}
		for _, h := range hh {
			for _, m := range h.Members {
				for name, v := range m.Fields {
					p, _ := fs.Form(registry.KindPerson)
					d, _ := p.Field(name)
					if canon, err := registry.CanonicalValue(d.Type, v); err != nil || canon != v {
						t.Fatalf("field %s holds non-canonical %q", name, v)
					}
				}
			}
		}
	})
}

func TestRecordCSVWriterExportsAssessments(t *testing.T) {
	a := rec(registry.KindAssessment, 50, map[string]string{
		"household_id": "01900000-0000-7000-8000-000000000001", "date": "2026-03-02",
		"priority_needs": "food water", "meals_per_day": "2", "priority_notes": "-needs follow-up",
	})
	deleted := rec(registry.KindAssessment, 51, map[string]string{"date": "2026-03-02", "_deleted": "true"})
	var buf bytes.Buffer
	rw, err := NewRecordCSVWriter(&buf, forms(t), registry.KindAssessment, Options{HXL: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []registry.Record{a, deleted} {
		if err := rw.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := rw.Flush(); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want header, HXL row and one assessment", len(rows))
	}
	col := func(name string) int { return slices.Index(rows[0], name) }
	checks := map[string][2]string{
		"id":             {"#meta+id", a.ID.String()},
		"household_id":   {"#meta+id+hh", "01900000-0000-7000-8000-000000000001"},
		"priority_needs": {"#indicator+priority_needs", "food water"},
		"meals_per_day":  {"#indicator+meals_per_day", "2"},
		"date":           {"#date+assessed", "2026-03-02"},
		"priority_notes": {"", "'-needs follow-up"},
	}
	for name, want := range checks {
		i := col(name)
		if i < 0 {
			t.Errorf("no column %s", name)
			continue
		}
		if rows[1][i] != want[0] || rows[2][i] != want[1] {
			t.Errorf("%s: tag %q value %q, want %q %q", name, rows[1][i], rows[2][i], want[0], want[1])
		}
	}
}

// The same person id on two rows would be two edits of one record: the
// later row is refused, naming the earlier line. Blank rows are neither
// households nor rows.
func TestReadCSVSamePersonTwiceAndBlankRows(t *testing.T) {
	const id = "01900000-0000-7000-8000-0000000000a1"
	sheet := "person_id,given_name,sex\n" +
		id + ",Amina,female\n" +
		",,\n" +
		"\n" +
		",Idriss,male\n" +
		id + ",Amina again,female\n"
	cr, err := NewCSVReader(strings.NewReader(sheet), nil, forms(t), now)
	if err != nil {
		t.Fatal(err)
	}
	var hh []Household
	for {
		h, err := cr.Next()
		if err != nil {
			break
		}
		hh = append(hh, h)
	}
	want := []RowError{{Line: 6, Field: "person_id", Message: "the same person as on line 2; this row is left out"}}
	if !slices.Equal(cr.Errors(), want) {
		t.Errorf("row errors = %v, want %v", cr.Errors(), want)
	}
	if len(hh) != 2 || hh[0].Members[0].ID != id || hh[0].Members[0].Line != 2 || hh[1].Members[0].Line != 5 {
		t.Errorf("households = %+v, want Amina (line 2) and Idriss (line 5)", hh)
	}
	if cr.Rows() != 3 {
		t.Errorf("Rows() = %d, want 3 (blank rows are not rows; the refused one is)", cr.Rows())
	}
}

// An age column is held to the person form's bound, as every other way in.
func TestReadCSVAgeBound(t *testing.T) {
	m, err := ParseMapping([]byte(`{"Name":"given_name","Age":"age"}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		age   string
		birth string // "" when refused
	}{
		{"0", "2025-07-01"},
		{"34", "1991-07-01"},
		{"120", "1905-07-01"},
		{"121", ""},
		{"150", ""},
		{"-1", ""},
		{"thirty", ""},
	}
	for _, tt := range tests {
		t.Run(tt.age, func(t *testing.T) {
			hh, rowErrs, err := ReadCSV(strings.NewReader("Name;Age\nAmina;"+tt.age+"\n"), m, forms(t), now)
			if err != nil {
				t.Fatal(err)
			}
			if tt.birth == "" {
				want := []RowError{{Line: 2, Field: "age", Message: "not an age in years (0 to 120)"}}
				if !slices.Equal(rowErrs, want) {
					t.Errorf("row errors = %v, want %v", rowErrs, want)
				}
				return
			}
			if len(rowErrs) > 0 || len(hh) != 1 {
				t.Fatalf("age %s: %d households, row errors %v", tt.age, len(hh), rowErrs)
			}
			if got := hh[0].Members[0].Fields["birth_date"]; got != tt.birth {
				t.Errorf("age %s gave birth date %s, want %s", tt.age, got, tt.birth)
			}
		})
	}
}

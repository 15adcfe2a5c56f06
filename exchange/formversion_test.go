package exchange

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"fieldreg/registry"
)

// versionTwo returns the built-in form of kind as version 2, without the
// question drop and with add appended: an operation's next version.
func versionTwo(t *testing.T, kind, drop string, add registry.FieldDef) *registry.Form {
	t.Helper()
	f, _ := forms(t).Form(kind)
	data, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	c, err := registry.ParseForm(data) // a copy: the built-ins are shared
	if err != nil {
		t.Fatal(err)
	}
	c.Version = "2"
	c.Fields = slices.DeleteFunc(c.Fields, func(d registry.FieldDef) bool { return d.Name == drop })
	c.Fields = append(c.Fields, add)
	return c
}

// twoVersions is a workspace's forms after version 2 of the household,
// person and assessment forms was published: each drops a question of
// version 1 (shelter_type, languages, priority_notes) and adds one.
func twoVersions(t *testing.T) *registry.Forms {
	t.Helper()
	fs, err := forms(t).Add(
		versionTwo(t, registry.KindHousehold, "shelter_type", registry.FieldDef{Name: "water_point", Type: registry.TypeText, Label: registry.Labels{"en": "Water point"}}),
		versionTwo(t, registry.KindPerson, "languages", registry.FieldDef{Name: "occupation", Type: registry.TypeText, Label: registry.Labels{"en": "Occupation"}}),
		versionTwo(t, registry.KindAssessment, "priority_notes", registry.FieldDef{Name: "cash_preference", Type: registry.TypeBoolean, Label: registry.Labels{"en": "Prefers cash"}}),
	)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// underForm is r as last written under form version ref.
func underForm(r registry.Record, ref string) registry.Record {
	r.Form = ref
	return r
}

// twoVersionRecords are a household, members and assessments written under
// either version, each holding the question only its version has.
func twoVersionRecords() ([]family, []registry.Record) {
	h1 := underForm(rec(registry.KindHousehold, 1, map[string]string{"consent": "true", "site": "camp_north", "shelter_type": "tent", "status": "active"}), "household@1")
	h2 := underForm(rec(registry.KindHousehold, 2, map[string]string{"consent": "true", "site": "camp_north", "water_point": "WP-3", "status": "active"}), "household@2")
	m1 := underForm(rec(registry.KindPerson, 11, map[string]string{"household_id": h1.ID.String(), "relationship": "head", "given_name": "Amina", "sex": "female", "birth_date": "1990-05-01", "languages": "ar en"}), "person@1")
	m2 := underForm(rec(registry.KindPerson, 21, map[string]string{"household_id": h2.ID.String(), "relationship": "head", "given_name": "Yusuf", "sex": "male", "birth_date": "1985-01-01", "occupation": "=teacher"}), "person@2")
	a1 := underForm(rec(registry.KindAssessment, 51, map[string]string{"household_id": h1.ID.String(), "date": "2026-03-02", "meals_per_day": "2", "priority_notes": "roof leaks"}), "assessment@1")
	a2 := underForm(rec(registry.KindAssessment, 52, map[string]string{"household_id": h2.ID.String(), "date": "2026-03-03", "meals_per_day": "3", "cash_preference": "true"}), "assessment@2")
	return []family{{h1, []registry.Record{m1}}, {h2, []registry.Record{m2}}}, []registry.Record{a1, a2}
}

// Columns follow every version: the current version's questions in its
// order, then those only older versions have, then the form column.
func TestColumnsAreTheUnionOfVersions(t *testing.T) {
	cols, err := recordColumns(twoVersions(t), registry.KindAssessment)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cols {
		names = append(names, c.name)
	}
	at := func(name string) int {
		i := slices.Index(names, name)
		if i < 0 {
			t.Fatalf("no column %q in %v", name, names)
		}
		return i
	}
	if !(at("id") == 0 && at("meals_per_day") < at("cash_preference") && at("cash_preference") < at("priority_notes") && at("_form") == len(names)-1) {
		t.Errorf("columns %v: want id, v2's questions (cash_preference last), then v1's priority_notes, then _form", names)
	}
	if n := len(names); n != len(slices.Compact(slices.Sorted(slices.Values(names)))) {
		t.Errorf("a column twice: %v", names)
	}
}

// Households and members written under two versions export to CSV, HXL and
// JSON with the questions of both and each record's version, and read back
// exactly.
func TestExportImportRoundTripTwoVersions(t *testing.T) {
	fs := twoVersions(t)
	families, assessments := twoVersionRecords()
	var want []Household
	for i, f := range families {
		want = append(want, FromRecords(f.household, f.members, assessments[i:i+1]))
	}
	for _, format := range []string{"csv", "hxl", "json"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			var got []Household
			var err error
			if format == "json" {
				if err := EncodeJSON(&buf, want); err != nil {
					t.Fatal(err)
				}
				got, err = DecodeHouseholdsAt(&buf, fs, now)
			} else {
				cw, werr := NewCSVWriter(&buf, fs, Options{HXL: format == "hxl"})
				if werr != nil {
					t.Fatal(werr)
				}
				for _, f := range families {
					if err := cw.Write(f.household, f.members); err != nil {
						t.Fatal(err)
					}
				}
				if err := cw.Flush(); err != nil {
					t.Fatal(err)
				}
				var rowErrs []RowError
				got, rowErrs, err = ReadCSV(bytes.NewReader(buf.Bytes()), nil, fs, now)
				if len(rowErrs) > 0 {
					t.Fatalf("row errors reading our own export: %v\n%s", rowErrs, buf.String())
				}
				clearLines(got)
			}
			if err != nil {
				t.Fatalf("%v\n%s", err, buf.String())
			}
			wantHere := want
			if format != "json" { // person-level rows carry no assessments
				wantHere = slices.Clone(want)
				for i := range wantHere {
					wantHere[i].Assessments = nil
				}
			}
			if !reflect.DeepEqual(got, wantHere) {
				t.Fatalf("round trip:\ngot  %+v\nwant %+v\n%s", got, wantHere, buf.String())
			}
			if got[0].Form != "household@1" || got[1].Members[0].Form != "person@2" || got[0].Fields["shelter_type"] != "tent" || got[1].Fields["water_point"] != "WP-3" {
				t.Errorf("versions or version-only answers lost: %+v", got)
			}
		})
	}
}

// An import refuses a form cell that is not a version ref, naming the line
// and column, as it does a damaged version token.
func TestReadCSVRefusesBadFormCell(t *testing.T) {
	fs := twoVersions(t)
	in := "household_id,site,consent,person_id,given_name,sex,relationship,_person_form\n" +
		"01900000-0000-7000-8000-000000000001,camp_north,true,01900000-0000-7000-8000-000000000011,Amina,female,head,person\n"
	_, rowErrs, err := ReadCSV(bytes.NewReader([]byte(in)), nil, fs, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(rowErrs) != 1 || rowErrs[0].Line != 2 || rowErrs[0].Field != colPersonForm {
		t.Errorf("row errors %v, want one on line 2, %s", rowErrs, colPersonForm)
	}
}

// Assessments of both versions in one table (CSV with HXL tags) and one
// XLSX sheet: each row's version in _form, v1's dropped question kept.
func TestAssessmentTablesHoldBothVersions(t *testing.T) {
	fs := twoVersions(t)
	families, assessments := twoVersionRecords()

	var buf bytes.Buffer
	rw, err := NewRecordCSVWriter(&buf, fs, registry.KindAssessment, Options{HXL: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range assessments {
		if err := rw.Write(a); err != nil {
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
	csvRows := tableByID(t, rows[0], append([][]string{}, rows[2:]...))
	if tags := rows[1]; tags[slices.Index(rows[0], colForm)] != "#meta+form" {
		t.Errorf("hxl row %v: _form not tagged #meta+form", tags)
	}

	data := exportXLSX(t, fs, Options{TmpDir: t.TempDir()}, families, assessments)
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet, err := f.GetRows("assessment")
	if err != nil {
		t.Fatal(err)
	}
	xlsxRows := tableByID(t, sheet[0], sheet[1:])

	for name, table := range map[string]map[string]map[string]string{"csv": csvRows, "xlsx": xlsxRows} {
		a1, a2 := table[assessments[0].ID.String()], table[assessments[1].ID.String()]
		if a1[colForm] != "assessment@1" || a1["priority_notes"] != "roof leaks" || a1["cash_preference"] != "" {
			t.Errorf("%s: v1 assessment %v", name, a1)
		}
		if a2[colForm] != "assessment@2" || a2["cash_preference"] != "true" || a2["priority_notes"] != "" {
			t.Errorf("%s: v2 assessment %v", name, a2)
		}
	}
	hh, err := f.GetRows("household")
	if err != nil {
		t.Fatal(err)
	}
	households := tableByID(t, hh[0], hh[1:])
	if h := households[families[0].household.ID.String()]; h[colForm] != "household@1" || h["shelter_type"] != "tent" {
		t.Errorf("xlsx: v1 household %v", h)
	}
}

// tableByID maps a table's rows by their first cell, each row by header.
func tableByID(t *testing.T, header []string, rows [][]string) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, r := range rows {
		m := map[string]string{}
		for i, h := range header {
			if i < len(r) {
				m[h] = r[i]
			}
		}
		out[r[0]] = m
	}
	return out
}

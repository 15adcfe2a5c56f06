package main

import (
	"bytes"
	"encoding/csv"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The export formats a supervisor picks from: CSV with a byte-order mark by
// default (Excel reads Arabic right), without it on request; assessments as
// a table of their own; labels in the user's language; an XLSX workbook
// with a sheet per kind.
func TestExportFormats(t *testing.T) {
	w := newWorkspace(t)
	w.ok("register", "--file", "testdata/households.json")
	dir := t.TempDir()
	export := func(w *testWorkspace, name string, args ...string) string {
		t.Helper()
		path := filepath.Join(dir, name)
		w.ok(append([]string{"export", "--out", path}, args...)...)
		return readFile(t, path)
	}
	table := func(data string) [][]string {
		t.Helper()
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(data, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	col := func(rows [][]string, name string) int {
		t.Helper()
		i := slices.Index(rows[0], name)
		if i < 0 {
			t.Fatalf("no column %s in %v", name, rows[0])
		}
		return i
	}

	persons := export(w, "persons.csv", "--format", "csv")
	if !strings.HasPrefix(persons, "\ufeffhousehold_id,") {
		t.Errorf("CSV starts %q, want the byte-order mark then the header", persons[:min(20, len(persons))])
	}
	if plain := export(w, "plain.csv", "--format", "csv", "--bom=false"); !strings.HasPrefix(plain, "household_id,") {
		t.Errorf("--bom=false CSV starts %q", plain[:min(20, len(plain))])
	}
	rows := table(persons)
	if got := rows[1][col(rows, "phone")]; got != "+226 70 11 22 33" {
		t.Errorf("phone exported as %q, want it as typed", got)
	}

	assessments := table(export(w, "assessments.csv", "--format", "hxl", "--kind", "assessment"))
	if len(assessments) != 2+1 || assessments[1][col(assessments, "household_id")] != "#meta+id+hh" {
		t.Fatalf("assessment HXL export: want a header, a hashtag row and the one assessment:\n%v", assessments)
	}
	if got := assessments[2][col(assessments, "priority_needs")]; got != "food water shelter" {
		t.Errorf("priority_needs = %q, want the codes", got)
	}

	arabic := table(export(w.withEnv("LANG", "ar_SY.UTF-8"), "labels.csv", "--format", "hxl", "--labels"))
	if got := arabic[2][col(arabic, "site")]; got != "المخيم الشمالي" {
		t.Errorf("--labels in Arabic: site = %q", got)
	}
	if got := arabic[1][col(arabic, "site")]; got != "#loc+name" {
		t.Errorf("--labels: site tagged %q, want #loc+name", got)
	}

	data := export(w, "all.xlsx", "--format", "xlsx")
	f, err := excelize.OpenReader(bytes.NewReader([]byte(data)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"household", "person", "assessment"}) {
		t.Errorf("sheets %v", got)
	}
	sheet, _ := f.GetRows("assessment")
	if len(sheet) != 2 {
		t.Errorf("assessment sheet: %d rows, want the header and one", len(sheet))
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, "excelize-*")); len(matches) > 0 {
		t.Errorf("temporary files left beside the export: %v", matches)
	}

	w.fails(exitUsage, []string{"--kind"}, "export", "--format", "json", "--kind", "assessment", "--out", filepath.Join(dir, "x"))
	w.fails(exitUsage, []string{"unknown --kind", "assessment"}, "export", "--format", "csv", "--kind", "survey", "--out", filepath.Join(dir, "x"))
}

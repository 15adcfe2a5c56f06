package hq_test

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
)

// An operator's export choices reach HQ over the admin socket: the
// assessments as a table of their own, labels in the operator's language,
// the byte-order mark, an XLSX workbook with a sheet per kind.
func TestExportOptionsOverTheSocket(t *testing.T) {
	s, dir := serveAdmin(t)
	addr := serve(t, s)
	d := newDevice(t)
	enroll(t, s, addr, d, "camp_north")
	h, _ := household(t, d, "camp_north", 2)
	if _, err := d.Commit(store.Edit{Record: registry.NewID(), Kind: registry.KindAssessment, Set: map[string]string{
		"household_id": h.ID.String(), "date": "2026-03-02", "meals_per_day": "2", "priority_needs": "food water"}}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, d)
	ctx := context.Background()
	admin := hq.NewAdminClient(dir)
	files := t.TempDir()
	read := func(name string, opt hq.ExportOptions) string {
		t.Helper()
		path := filepath.Join(files, name)
		if n, err := admin.ExportFileWith(ctx, path, opt); err != nil || n != 1 {
			t.Fatalf("%s: %d households, %v", name, n, err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	table := func(data string) [][]string {
		t.Helper()
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(data, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}

	data := read("assessments.csv", hq.ExportOptions{Format: hq.FormatHXL, Kind: registry.KindAssessment, Labels: true, Lang: "ar", BOM: true})
	if !strings.HasPrefix(data, "\ufeffid,") {
		t.Errorf("assessment export starts %q, want the byte-order mark and the id column", data[:min(len(data), 12)])
	}
	rows := table(data)
	if len(rows) != 3 {
		t.Fatalf("want a header, a hashtag row and one assessment:\n%s", data)
	}
	needs := rows[2][slices.Index(rows[0], "priority_needs")]
	if needs == "" || needs == "food water" || !strings.Contains(needs, "; ") {
		t.Errorf("priority_needs with Arabic labels = %q", needs)
	}

	persons := table(read("persons.csv", hq.ExportOptions{Format: hq.FormatHXL}))
	if got := persons[1][slices.Index(persons[0], "site")]; got != "#loc+code" {
		t.Errorf("site (a code) tagged %q", got)
	}

	f, err := excelize.OpenReader(strings.NewReader(read("all.xlsx", hq.ExportOptions{Format: hq.FormatXLSX})))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for sheet, want := range map[string]int{"household": 2, "person": 3, "assessment": 2} {
		if rows, err := f.GetRows(sheet); err != nil || len(rows) != want {
			t.Errorf("sheet %s: %d rows (%v), want %d", sheet, len(rows), err, want)
		}
	}

	// The small-cell rule still holds, and the aggregate gets the mark too.
	agg := read("aggregate.csv", hq.ExportOptions{Format: hq.FormatAggregate, MinCell: 10, BOM: true})
	if !strings.HasPrefix(agg, "\ufeff") || !strings.Contains(agg, "<10") {
		t.Errorf("aggregate over the socket, threshold 10, with the mark:\n%s", agg)
	}

	for _, bad := range []hq.ExportOptions{
		{Format: hq.FormatJSON, Kind: registry.KindAssessment},
		{Format: hq.FormatCSV, Kind: "survey"},
		{Format: hq.FormatAggregate, Labels: true},
		{Format: "pdf"},
	} {
		if _, err := admin.ExportFileWith(ctx, filepath.Join(files, "bad"), bad); !errors.Is(err, hq.ErrInvalidRequest) {
			t.Errorf("%+v: err = %v, want ErrInvalidRequest", bad, err)
		}
	}
}

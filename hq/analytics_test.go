package hq_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fieldreg/hq"
	"fieldreg/internal/pgtest"
	"fieldreg/registry"
	"fieldreg/store"
)

// TestAnalyticsSchema: with analytics on, HQ publishes in its database the
// same figures as the aggregate export, suppressed cells as NULL, rebuilt
// when changes come in; personal values stay sealed until person-level
// analytics is turned on, and then are in clear only in analytics.persons.
func TestAnalyticsSchema(t *testing.T) {
	c := pgtest.Need(t, cluster)
	db := c.NewDBName(t)
	forms, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	cfg := hq.Config{Dir: t.TempDir(), Passphrase: testPass, KDF: cheapKDF, Validate: forms.Validator(time.Now), Database: c.URL(db),
		Analytics: hq.AnalyticsConfig{On: true, Every: -1}}
	if err := hq.Init(cfg, "127.0.0.1:1", nil); err != nil {
		t.Fatal(err)
	}
	s, err := hq.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	addr := serve(t, s)
	w := newDevice(t)
	enroll(t, s, addr, w, "camp_north", "camp_south")
	household(t, w, "camp_north", 6)
	household(t, w, "camp_south", 2) // below the small-cell threshold
	const marker = "Quelvandra"
	hid, _ := household(t, w, "camp_north", 1)
	if _, err := w.Commit(store.Edit{Record: w.Members(hid.ID)[0], Kind: registry.KindPerson, Set: map[string]string{"given_name": marker}}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, w)

	psql := func(sql string) string {
		t.Helper()
		out, err := c.Command("psql", "-XAtqd", db, "-F", ",", "-c", sql)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	ctx := context.Background()
	res, err := s.RefreshAnalytics(ctx)
	if err != nil || !res.Refreshed || res.Rows != 2 || res.Persons != 0 {
		t.Fatalf("refresh: %+v, %v", res, err)
	}
	// The same figures as the export, a suppressed "<5" as NULL (empty).
	path := filepath.Join(t.TempDir(), "agg.csv")
	if _, err := s.ExportAggregateFile(ctx, path, 0); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, rec := range recs[2:] {
		for i, cell := range rec {
			if strings.HasPrefix(cell, "<") {
				rec[i] = ""
			}
		}
		want = append(want, strings.Join(rec, ","))
	}
	got := psql(`SELECT * FROM analytics.aggregate ORDER BY admin1, admin2, site`)
	if got != strings.Join(want, "\n") {
		t.Fatalf("analytics.aggregate:\n%s\nthe aggregate export:\n%s", got, strings.Join(want, "\n"))
	}
	if !strings.Contains(got, "camp_south,,") {
		t.Errorf("camp_south's 2 persons are not suppressed: %s", got)
	}

	// Nothing new: nothing rebuilt. A new household: rebuilt.
	if res, err := s.RefreshAnalytics(ctx); err != nil || res.Refreshed {
		t.Fatalf("refresh without changes: %+v, %v", res, err)
	}
	household(t, w, "camp_north", 3)
	mustSync(t, w)
	if res, err := s.RefreshAnalytics(ctx); err != nil || !res.Refreshed {
		t.Fatalf("refresh after a sync: %+v, %v", res, err)
	}
	if n := psql(`SELECT persons FROM analytics.aggregate WHERE site = 'camp_north'`); n != "10" {
		t.Errorf("camp_north persons after the sync: %s, want 10", n)
	}

	dump := func(args ...string) []byte {
		t.Helper()
		out, err := c.Command("pg_dump", append(args, db)...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	holds := func(b []byte) bool {
		return bytes.Contains(b, []byte(marker)) || bytes.Contains(b, []byte(hex.EncodeToString([]byte(marker))))
	}
	if psql(`SELECT to_regclass('analytics.persons')`) != "" || holds(dump("--data-only")) {
		t.Fatal("a person's name is in the database with person-level analytics off")
	}

	// Person-level on: the name is in analytics.persons, and nowhere else.
	s.Close()
	cfg.Analytics.PersonLevel = true
	if s, err = hq.Open(cfg); err != nil {
		t.Fatal(err)
	}
	if res, err := s.RefreshAnalytics(ctx); err != nil || res.Persons != 12 {
		t.Fatalf("person-level refresh: %+v, %v", res, err)
	}
	if n := psql(`SELECT count(*) FROM analytics.persons WHERE given_name = '` + marker + `'`); n != "1" {
		t.Errorf("analytics.persons holds the renamed person %s times", n)
	}
	if !holds(dump("--data-only", "--schema=analytics")) || holds(dump("--data-only", "--exclude-schema=analytics")) {
		t.Error("with person-level on, the name must be in the analytics schema and only there")
	}
	// Off again: the table goes.
	s.Close()
	cfg.Analytics.PersonLevel = false
	if s, err = hq.Open(cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RefreshAnalytics(ctx); err != nil {
		t.Fatal(err)
	}
	if psql(`SELECT to_regclass('analytics.persons')`) != "" {
		t.Error("analytics.persons is still there with person-level off")
	}
}

func TestAnalyticsNeedsPostgres(t *testing.T) {
	cfg := hq.Config{Dir: t.TempDir(), Passphrase: testPass, KDF: cheapKDF}
	if err := hq.Init(cfg, "127.0.0.1:1", nil); err != nil {
		t.Fatal(err)
	}
	cfg.Analytics.On = true
	if _, err := hq.Open(cfg); !errors.Is(err, hq.ErrAnalyticsNeedsPostgres) {
		t.Fatalf("analytics on a bbolt HQ: %v", err)
	}
}

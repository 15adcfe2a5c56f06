package hq_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"io/fs"
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

// TestPostgresHoldsNoPersonalValue plants markers in the names, phone and
// document number of a household synced, edited and exported through HQ on
// PostgreSQL, and looks for them where a database administrator could: in
// every file of the cluster's data directory (the write-ahead log too,
// after a checkpoint), in pg_dump's output, and in the rows by SQL (which
// sees through TOAST compression). Control values written in clear by SQL
// beside HQ's tables show each search finds what is there.
func TestPostgresHoldsNoPersonalValue(t *testing.T) {
	c := pgtest.Need(t, cluster)
	db := c.NewDBName(t)
	forms, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	cfg := hq.Config{Dir: t.TempDir(), Passphrase: testPass, KDF: cheapKDF, Validate: forms.Validator(time.Now), Database: c.URL(db)}
	if err := hq.Init(cfg, "127.0.0.1:1", nil); err != nil {
		t.Fatal(err)
	}
	s, err := hq.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	addr := serve(t, s)
	w := newDevice(t)
	enroll(t, s, addr, w, "camp_north")

	markers := []string{"Qwyzandria", "Brixleworth", "+249 917 463 528", "ZK-48215-CANARY", "Vendelmoor"}
	h := registry.NewID()
	if _, err := w.Commit(
		store.Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{
			"site": "camp_north", "consent": "true", "status": "active", registry.FieldPhone: markers[2]}},
		store.Edit{Record: registry.NewID(), Kind: registry.KindPerson, Set: map[string]string{
			"household_id": h.String(), "relationship": "head", "given_name": markers[0], "family_name": markers[1],
			"sex": "female", "birth_date": "1990-01-02",
			registry.FieldDocumentType: "national_id", registry.FieldDocumentNumber: markers[3]}},
	); err != nil {
		t.Fatal(err)
	}
	mustSync(t, w)
	// A later name: the old value stays in HQ's history, sealed as well.
	head := w.Members(h)[0]
	if _, err := w.Commit(store.Edit{Record: head, Kind: registry.KindPerson, Set: map[string]string{"given_name": markers[4]}}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, w)
	if got, err := s.Workspace().Get(head); err != nil || got.Value("given_name") != markers[4] {
		t.Fatalf("HQ holds %v, %v for the head", got, err)
	}
	if _, err := s.ExportFile(context.Background(), hq.FormatCSV, filepath.Join(t.TempDir(), "all.csv")); err != nil {
		t.Fatal(err)
	}

	// Controls: a text column and a bytea column in the same database.
	const inText, inBytea = "Control-Text-7731", "Control-Bytea-9052"
	psql := func(sql string) string {
		t.Helper()
		out, err := c.Command("psql", "-XAtqd", db, "-c", sql)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	psql(`CREATE TABLE canary_control (t text, b bytea); INSERT INTO canary_control VALUES ('` + inText + `', convert_to('` + inBytea + `', 'UTF8'))`)
	psql(`CHECKPOINT`)

	dump, err := c.Command("pg_dump", "--data-only", db)
	if err != nil {
		t.Fatal(err)
	}
	var files [][]byte
	err = filepath.WalkDir(c.DataDir(), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err == nil {
			files = append(files, b)
		}
		return nil // a file gone since the walk listed it (a recycled WAL segment)
	})
	if err != nil {
		t.Fatal(err)
	}
	// pg_dump writes bytea as hex: look for both spellings.
	inDump := func(m string) bool {
		return bytes.Contains(dump, []byte(m)) || bytes.Contains(dump, []byte(hex.EncodeToString([]byte(m))))
	}
	inFiles := func(m string) bool {
		for _, f := range files {
			if bytes.Contains(f, []byte(m)) {
				return true
			}
		}
		return false
	}
	inRows := func(m string) bool {
		q := `SELECT count(*) FROM kv WHERE position(convert_to('` + m + `', 'UTF8') IN value) > 0 OR position(convert_to('` + m + `', 'UTF8') IN key) > 0`
		return psql(q) != "0"
	}
	for _, m := range []string{inText, inBytea} {
		if !inDump(m) || !inFiles(m) {
			t.Fatalf("control %q not found (dump %v, files %v): the search is blind", m, inDump(m), inFiles(m))
		}
	}
	if psql(`SELECT count(*) FROM kv`) == "0" {
		t.Fatal("HQ's rows are not in this database")
	}
	for _, m := range markers {
		if inDump(m) {
			t.Errorf("pg_dump holds %q", m)
		}
		if inFiles(m) {
			t.Errorf("the data directory holds %q", m)
		}
		if inRows(m) {
			t.Errorf("a row of kv holds %q", m)
		}
	}
}

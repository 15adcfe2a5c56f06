package store_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"fieldreg/internal/pgtest"
	"fieldreg/store"
	"fieldreg/store/storetest"
)

// postgresOpener is bboltOpener with the buckets in a fresh PostgreSQL
// database per workspace: the key file stays in the directory.
func postgresOpener(c *pgtest.Cluster) storetest.Opener[*store.Workspace] {
	o := bboltOpener()
	o.New = func(t *testing.T, cfg storetest.Config) *store.Workspace {
		opts := contractOptions(cfg)
		opts.Database = c.URL(dbName(c.NewDB(t)))
		w, err := store.Create(t.TempDir(), "admin", contractPass, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if rep, err := w.Verify(); err != nil && !errors.Is(err, store.ErrLocked) {
				t.Errorf("verify on cleanup: %v (%v)", err, rep.Problems)
			}
			w.Close()
		})
		return w
	}
	return o
}

// dbName takes the dbname out of a pgtest DSN.
func dbName(dsn string) string {
	for _, f := range strings.Fields(dsn) {
		if name, ok := strings.CutPrefix(f, "dbname="); ok {
			return name
		}
	}
	return ""
}

// The same contract suite the bbolt workspace passes, on PostgreSQL.
func TestContractPostgres(t *testing.T) {
	storetest.RunDevice(t, postgresOpener(pgtest.Need(t, store.PGCluster)))
}

// On PostgreSQL the workspace directory keeps the key file and the name of
// the database; the database holds no plaintext of what was written, and a
// wipe leaves it empty.
func TestPostgresHoldsOnlySealedValues(t *testing.T) {
	c := pgtest.Need(t, store.PGCluster)
	dsn := c.NewDB(t)
	dir := t.TempDir()
	opts := contractOptions(storetest.Config{})
	opts.Database = c.URL(dbName(dsn))
	w, err := store.Create(dir, "admin", contractPass, opts)
	if err != nil {
		t.Fatal(err)
	}
	const marker = "Zubaydah-Canary-4711"
	if _, err := w.Commit(store.Edit{Record: uuid.Must(uuid.NewV7()), Kind: "person", Set: map[string]string{"given_name": marker}}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if _, err := os.Stat(filepath.Join(dir, store.DBFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a bbolt file was made beside the key file: %v", err)
	}
	// Reopened without saying where: the directory remembers.
	w, err = store.Open(dir, "admin", contractPass, contractOptions(storetest.Config{}))
	if err != nil {
		t.Fatal(err)
	}
	if n := w.Count("person"); n != 1 {
		t.Errorf("reopened: %d persons", n)
	}
	w.Close()
	dump, err := c.Command("pg_dump", "--data-only", dbName(dsn))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(dump, []byte(marker)) || len(dump) < 1000 {
		t.Fatalf("pg_dump (%d bytes) holds the marker, or nothing", len(dump))
	}
	if _, err := store.Wipe(dir); err != nil {
		t.Fatal(err)
	}
	rows, err := c.Command("psql", "-XAtd", dbName(dsn), "-c", "select count(*) from kv")
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(rows)) != "0" {
		t.Errorf("after wipe the database holds %s rows", rows)
	}
}

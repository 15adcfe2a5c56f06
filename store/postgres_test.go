package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// A bbolt workspace moves to PostgreSQL whole: the same records, history
// and audit chain open with the same key file, the bbolt file is kept under
// another name, and a database that holds a workspace is never merged into.
func TestMoveToPostgres(t *testing.T) {
	c := pgtest.Need(t, store.PGCluster)
	dir := t.TempDir()
	opts := contractOptions(storetest.Config{})
	w, err := store.Create(dir, "admin", contractPass, opts)
	if err != nil {
		t.Fatal(err)
	}
	var ids []uuid.UUID
	for i := range 300 { // more than one COPY's worth of rows
		id := uuid.Must(uuid.NewV7())
		ids = append(ids, id)
		if _, err := w.Commit(store.Edit{Record: id, Kind: "person", Set: map[string]string{"given_name": fmt.Sprint("Amina ", i)}}); err != nil {
			t.Fatal(err)
		}
	}
	lastSeq := w.LastLogSeq()

	url := c.URL(dbName(c.NewDB(t)))
	if _, err := store.MoveToPostgres(dir, url, 100*time.Millisecond); !errors.Is(err, store.ErrInUse) {
		t.Fatalf("move of an open workspace: %v, want ErrInUse", err)
	}
	w.Close()
	rep, err := store.MoveToPostgres(dir, url, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]int{}
	for _, b := range rep.Buckets {
		keys[b.Name] = b.Keys
	}
	if keys["records"] != 300 || keys["changes"] != 300 || len(rep.Buckets) < 8 {
		t.Errorf("moved %+v", rep.Buckets)
	}
	if _, err := os.Stat(filepath.Join(dir, store.DBFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the bbolt file is still the workspace's: %v", err)
	}
	if _, err := os.Stat(rep.Backup); err != nil {
		t.Errorf("the bbolt file was not kept: %v", err)
	}

	w, err = store.Open(dir, "admin", contractPass, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := w.Get(ids[299]); err != nil || got.Value("given_name") != "Amina 299" {
		t.Errorf("after the move: %v, %v", got, err)
	}
	if w.Count("person") != 300 || w.LastLogSeq() != lastSeq {
		t.Errorf("after the move: %d persons, log seq %d; want 300, %d", w.Count("person"), w.LastLogSeq(), lastSeq)
	}
	if rep, err := w.Verify(); err != nil || len(rep.Problems) > 0 {
		t.Errorf("verify after the move: %v %v", err, rep.Problems)
	}
	if _, err := w.Commit(store.Edit{Record: ids[0], Kind: "person", Set: map[string]string{"given_name": "Halima"}}); err != nil {
		t.Errorf("write after the move: %v", err)
	}
	w.Close()
	if _, err := store.MoveToPostgres(dir, url, time.Second); err == nil {
		t.Error("a workspace on PostgreSQL moved again")
	}

	// Another bbolt workspace cannot be moved into the same database.
	other := t.TempDir()
	w2, err := store.Create(other, "admin", contractPass, opts)
	if err != nil {
		t.Fatal(err)
	}
	w2.Close()
	if _, err := store.MoveToPostgres(other, url, time.Second); !errors.Is(err, store.ErrNotEmpty) {
		t.Fatalf("move into a database in use: %v, want ErrNotEmpty", err)
	}
	if _, err := os.Stat(filepath.Join(other, store.DBFile)); err != nil {
		t.Errorf("a refused move touched the bbolt file: %v", err)
	}
	if w2, err = store.Open(other, "admin", contractPass, opts); err != nil {
		t.Fatalf("the workspace whose move was refused does not open: %v", err)
	}
	w2.Close()
}

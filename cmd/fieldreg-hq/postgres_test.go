package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"fieldreg/hq"
	"fieldreg/internal/pgtest"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/client"
)

// cluster is this package's throwaway PostgreSQL (nil with FIELDREG_NO_PG=1).
var cluster *pgtest.Cluster

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, &cluster)) }

// TestHQOnPostgres: an operator creates HQ with --db and then runs it as
// any other: serve and the admin commands open the data directory, the
// store finds the database. Two tablets enroll and sync, edit the same
// field, the conflict is listed, and a bundle is imported.
func TestHQOnPostgres(t *testing.T) {
	pg := pgtest.Need(t, cluster)
	c := newCLI(t)
	addr := freeAddr(t)
	dbName := pg.NewDBName(t)
	db := pg.URL(dbName)
	out := c.must("init", "--addr", addr, "--db", db)
	if !strings.Contains(out, "PostgreSQL") || !strings.Contains(out, "key file") {
		t.Fatalf("init does not say where the store is, and what to back up: %q", out)
	}
	ws := filepath.Join(c.dir, hq.WorkspaceDir)
	if _, err := os.Stat(filepath.Join(ws, store.DBFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("init --db made a bbolt file too: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(ws, store.DatabaseFile)); err != nil || strings.TrimSpace(string(b)) != db {
		t.Fatalf("the workspace does not name its database: %q, %v", b, err)
	}
	c.startServerStoppable("--analytics")
	// serve publishes the analytics schema as it starts.
	waitFor(t, func() bool {
		out, err := pg.Command("psql", "-XAtqd", dbName, "-c", "SELECT count(*) FROM analytics.refreshed")
		return err == nil && strings.TrimSpace(string(out)) == "1"
	})
	a, b := pgTablet(t, c, "tablet-a", "Amina"), pgTablet(t, c, "tablet-b", "Halima")
	if _, err := tabletSync(a); err != nil { // a receives b's household
		t.Fatal(err)
	}
	if a.Count(registry.KindPerson) != 4 || b.Count(registry.KindPerson) != 4 {
		t.Fatalf("persons after syncs: a %d, b %d; want 4 each", a.Count(registry.KindPerson), b.Count(registry.KindPerson))
	}
	if devs := c.must("devices"); !strings.Contains(devs, "tablet-a") || !strings.Contains(devs, "tablet-b") {
		t.Fatalf("devices: %s", devs)
	}

	// Both tablets change the same household's status before seeing the other's.
	h := a.IDs(registry.KindHousehold)[0]
	for w, status := range map[*store.Workspace]string{a: "moved", b: "returned"} {
		if _, err := w.Commit(store.Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"status": status}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range []*store.Workspace{a, b, a} {
		if _, err := tabletSync(w); err != nil {
			t.Fatal(err)
		}
	}
	ra, _ := a.Get(h)
	rb, _ := b.Get(h)
	if ra.Value("status") != rb.Value("status") || len(ra.Conflicts()["status"]) != 1 {
		t.Fatalf("tablets did not converge on one status with a conflict: a %q %v, b %q", ra.Value("status"), ra.Conflicts(), rb.Value("status"))
	}
	if out := c.must("conflicts"); !strings.Contains(out, h.String()) || !strings.Contains(out, "status") {
		t.Fatalf("conflicts does not list the household's status:\n%s", out)
	}

	// A household carried by hand: exported by a, imported at HQ, received by b.
	if _, err := a.Commit(householdEdits(registry.NewID(), "Zainab")...); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "a.bundle")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := client.ExportBundle(a, f); err != nil || n != 3 {
		t.Fatalf("export bundle: %d, %v", n, err)
	}
	f.Close()
	if out := c.must("bundle", "import", path); !strings.Contains(out, "3 new") {
		t.Fatalf("bundle import: %q", out)
	}
	if _, err := tabletSync(b); err != nil {
		t.Fatal(err)
	}
	if n := b.Count(registry.KindPerson); n != 6 {
		t.Fatalf("b holds %d persons after the bundle, want 6", n)
	}
	if out := c.must("stats"); !strings.Contains(out, "devices: 2") {
		t.Fatalf("stats: %s", out)
	}
}

// pgTablet is a device enrolled at the CLI's server with one valid
// household (its head named head) it has synced.
func pgTablet(t *testing.T, c *hqCLI, name, head string) *store.Workspace {
	t.Helper()
	code := strings.TrimSpace(c.must("enroll", "--device", name, "--sites", "camp_north"))
	w, err := store.Create(t.TempDir(), "enumerator", []byte("device passphrase"), store.Options{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if _, err := client.Enroll(context.Background(), w, code); err != nil {
		t.Fatalf("enroll: %v", err)
	}
	if _, err := w.Commit(householdEdits(registry.NewID(), head)...); err != nil {
		t.Fatal(err)
	}
	if sum, err := tabletSync(w); err != nil || sum.Sent != 3 {
		t.Fatalf("first sync: %+v, %v", sum, err)
	}
	return w
}

// TestInitPostgresFromEnvironment: --db postgres: takes the server from the
// PG* variables, as psql does, and records only "postgres:" — the
// environment of each later command says where.
func TestInitPostgresFromEnvironment(t *testing.T) {
	pg := pgtest.Need(t, cluster)
	for k, v := range pg.Env(pg.NewDBName(t)) {
		t.Setenv(k, v)
	}
	c := newCLI(t)
	c.must("init", "--addr", freeAddr(t), "--db", "postgres:")
	code := strings.TrimSpace(c.must("enroll", "--device", "tablet-1", "--sites", "camp_north"))
	if !strings.HasPrefix(code, "FR1-") {
		t.Fatalf("enroll: %q", code)
	}
	if out := c.must("stats"); !strings.Contains(out, "pending enrollments: 1") {
		t.Fatalf("stats: %s", out)
	}
	// A second HQ cannot be made in a database that holds one, and the
	// first is left as it was.
	other := newCLI(t)
	if code, _, errs := other.run("init", "--addr", freeAddr(t), "--db", "postgres:"); code == exitOK || !strings.Contains(errs, "database already holds") || strings.Contains(errs, "bucket") {
		t.Fatalf("a second init in the same database: exit %d, %q; want a failure saying the database already holds an HQ", code, errs)
	}
	if out := c.must("stats"); !strings.Contains(out, "pending enrollments: 1") {
		t.Fatalf("stats after the refused init: %s", out)
	}
	if code, _, errs := c.run("init", "--db", "mysql://x"); code != exitUsage || !strings.Contains(errs, "--db") {
		t.Fatalf("init --db mysql://: exit %d, %q; want 2 naming --db", code, errs)
	}
}

// TestMigrateToPostgres: a bbolt HQ with devices and records moves to
// PostgreSQL with migrate; a running server stops it first, the counts
// are checked, the file is kept, and afterwards HQ serves the same devices
// from the database.
func TestMigrateToPostgres(t *testing.T) {
	pg := pgtest.Need(t, cluster)
	c := newCLI(t)
	c.must("init", "--addr", freeAddr(t))
	stop := c.startServerStoppable()
	a := pgTablet(t, c, "tablet-a", "Amina")
	b := pgTablet(t, c, "tablet-b", "Halima")
	db := pg.NewURL(t)
	if code, _, errs := c.run("migrate", "--to", db); code != exitInUse {
		t.Fatalf("migrate while serving: exit %d, %q; want %d", code, errs, exitInUse)
	}
	stop()

	out := c.must("migrate", "--to", db)
	for _, want := range []string{"records", "changes", "2 households, 4 persons", "kept as", "key file"} {
		if !strings.Contains(out, want) {
			t.Errorf("migrate output does not say %q:\n%s", want, out)
		}
	}
	ws := filepath.Join(c.dir, hq.WorkspaceDir)
	if _, err := os.Stat(filepath.Join(ws, store.DBFile+store.BoltBackupSuffix)); err != nil {
		t.Errorf("the bbolt file was not kept: %v", err)
	}
	if code, _, errs := c.run("migrate", "--to", db); code == exitOK {
		t.Errorf("a second migrate succeeded: %s", errs)
	}

	c.startServer()
	if devs := c.must("devices"); !strings.Contains(devs, "tablet-a") || !strings.Contains(devs, "tablet-b") {
		t.Fatalf("devices after the move: %s", devs)
	}
	if _, err := a.Commit(householdEdits(registry.NewID(), "Zainab")...); err != nil {
		t.Fatal(err)
	}
	for _, w := range []*store.Workspace{a, b} {
		if _, err := tabletSync(w); err != nil {
			t.Fatalf("sync after the move: %v", err)
		}
	}
	if n := b.Count(registry.KindPerson); n != 6 {
		t.Errorf("b holds %d persons after syncing with HQ on PostgreSQL, want 6", n)
	}
}

// startServerStoppable is startServer with more flags, for a test that
// may stop the server itself: stop returns once serve has exited.
func (c *hqCLI) startServerStoppable(flags ...string) (stop func()) {
	t := c.t
	ctx, cancel := context.WithCancel(context.Background())
	var sout, serr bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, c.env(&sout, &serr), append([]string{"--data", c.dir, "serve"}, flags...)) }()
	waitFor(t, func() bool { _, err := os.Stat(filepath.Join(c.dir, hq.SocketName)); return err == nil })
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if code := <-done; code != 0 {
				t.Errorf("serve exited %d: %s", code, serr.String())
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

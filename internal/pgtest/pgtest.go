// Package pgtest starts a throwaway PostgreSQL cluster for tests: initdb in a
// temporary directory, a random port, a unix socket only, stopped when the
// tests are done. `make test` installs PostgreSQL 15 from Debian's packages
// (scripts/deps.sh), so a test that needs PostgreSQL never skips silently:
// without the server binaries it fails with the line to run, unless
// FIELDREG_NO_PG=1 says the machine has none on purpose.
//
// initdb refuses to run as root; as root the cluster runs as the `postgres`
// user the Debian package creates.
package pgtest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Cluster is a running throwaway cluster.
type Cluster struct {
	Dir    string // the cluster's base directory: data/ and the socket live here
	Socket string // the directory of the unix socket (PGHOST)
	Port   int
	User   string // the database superuser
	bin    string
	runAs  string // "" or the user the server runs as

	mu  sync.Mutex
	dbs int
}

// ErrNoServer is returned by Start when no PostgreSQL server binaries are found.
var ErrNoServer = errors.New("no PostgreSQL server found (install postgresql-15: apt-get install -y postgresql-15)")

// Disabled reports whether FIELDREG_NO_PG=1 asks tests to run without PostgreSQL.
func Disabled() bool { return os.Getenv("FIELDREG_NO_PG") == "1" }

// BinDir finds the server binaries: $PG_BIN, else the newest
// /usr/lib/postgresql/N/bin, else initdb on PATH.
func BinDir() (string, error) {
	if d := os.Getenv("PG_BIN"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", ErrNoServer
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// Start makes a cluster under a new directory in parent (a test's TempDir,
// or os.MkdirTemp for a package's TestMain) and starts it.
func Start(parent string) (*Cluster, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(parent, "pg")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	c := &Cluster{Dir: dir, Socket: dir, bin: bin, User: "fieldreg"}
	if os.Geteuid() == 0 {
		c.runAs = "postgres"
		if _, err := user.Lookup(c.runAs); err != nil {
			return nil, fmt.Errorf("pgtest: running as root needs the postgres user: %w", err)
		}
		// The server user must reach the directory through every parent.
		for d := dir; d != "/" && d != "."; d = filepath.Dir(d) {
			if st, err := os.Stat(d); err == nil && st.Mode().Perm()&0o001 == 0 {
				if err := os.Chmod(d, st.Mode().Perm()|0o011); err != nil {
					return nil, fmt.Errorf("pgtest: %w", err)
				}
			}
		}
		if out, err := exec.Command("chown", c.runAs+":", dir).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("pgtest: chown %s: %v: %s", dir, err, out)
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := c.run("initdb", "-D", data, "-U", c.User, "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"); err != nil {
		return nil, fmt.Errorf("pgtest: initdb: %v\n%s", err, out)
	}
	for attempt := 0; ; attempt++ {
		c.Port, err = freePort()
		if err != nil {
			return nil, err
		}
		out, err := c.run("pg_ctl", "-D", data, "-w", "-t", "60", "-l", filepath.Join(dir, "server.log"),
			"-o", fmt.Sprintf("-p %d -k %s -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", c.Port, dir),
			"start")
		if err == nil {
			break
		}
		if attempt == 3 {
			return nil, fmt.Errorf("pgtest: pg_ctl start: %v\n%s\n%s", err, out, c.Log())
		}
	}
	return c, nil
}

// DSN is a connection string for database db (created with CreateDB, or
// "postgres").
func (c *Cluster) DSN(db string) string {
	return fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=disable", c.Socket, c.Port, c.User, db)
}

// URL is the same as DSN, as a postgres:// URL.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://%s@/%s?host=%s&port=%d&sslmode=disable", c.User, db, c.Socket, c.Port)
}

// CreateDB creates a new empty database.
func (c *Cluster) CreateDB(name string) error {
	out, err := c.run("createdb", "-h", c.Socket, "-p", strconv.Itoa(c.Port), "-U", c.User, name)
	if err != nil {
		return fmt.Errorf("pgtest: createdb %s: %v: %s", name, err, out)
	}
	return nil
}

// Command runs one of the cluster's client programs (pg_dump, psql…) against
// it, as the server user, and returns its standard output.
func (c *Cluster) Command(name string, args ...string) ([]byte, error) {
	args = append([]string{"-h", c.Socket, "-p", strconv.Itoa(c.Port), "-U", c.User}, args...)
	cmd := c.cmd(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("pgtest: %s: %v: %s", name, err, stderr.String())
	}
	return out, nil
}

// DataDir is the cluster's data directory, for tests that read its files.
func (c *Cluster) DataDir() string { return filepath.Join(c.Dir, "data") }

// Log returns the server log so far.
func (c *Cluster) Log() string {
	b, _ := os.ReadFile(filepath.Join(c.Dir, "server.log"))
	return string(b)
}

// Stop stops the server immediately and removes its files.
func (c *Cluster) Stop() error {
	out, err := c.run("pg_ctl", "-D", c.DataDir(), "-m", "immediate", "-w", "stop")
	os.RemoveAll(c.Dir)
	if err != nil {
		return fmt.Errorf("pgtest: pg_ctl stop: %v: %s", err, out)
	}
	return nil
}

func (c *Cluster) run(name string, args ...string) ([]byte, error) {
	return c.cmd(name, args...).CombinedOutput()
}

func (c *Cluster) cmd(name string, args ...string) *exec.Cmd {
	path := filepath.Join(c.bin, name)
	if c.runAs == "" {
		return exec.Command(path, args...)
	}
	return exec.Command("runuser", append([]string{"-u", c.runAs, "--", path}, args...)...)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Quote is a helper for tests building SQL with identifiers.
func Quote(ident string) string { return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"` }

// Main is a package's TestMain with one cluster for all its tests:
//
//	var cluster *pgtest.Cluster
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, &cluster)) }
//
// Tests call Need(t, cluster). With FIELDREG_NO_PG=1 no cluster starts and
// Need skips; otherwise a cluster that cannot start fails the package.
func Main(m *testing.M, cluster **Cluster) int {
	if Disabled() {
		return m.Run()
	}
	parent, err := os.MkdirTemp("", "fieldreg-pgtest")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(parent)
	c, err := Start(parent)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	*cluster = c
	code := m.Run()
	if err := c.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	return code
}

// Need skips the test when PostgreSQL is turned off with FIELDREG_NO_PG=1.
func Need(t testing.TB, c *Cluster) *Cluster {
	t.Helper()
	if c == nil {
		t.Skip("FIELDREG_NO_PG=1: no PostgreSQL for this run")
	}
	return c
}

// NewDB creates a fresh database with a unique name for one test and
// returns its connection string.
func (c *Cluster) NewDB(t testing.TB) string {
	t.Helper()
	return c.DSN(c.NewDBName(t))
}

// NewURL is NewDB as a postgres:// URL, what `fieldreg-hq init --db` takes.
func (c *Cluster) NewURL(t testing.TB) string {
	t.Helper()
	return c.URL(c.NewDBName(t))
}

// NewDBName creates a fresh database with a unique name and returns the name.
func (c *Cluster) NewDBName(t testing.TB) string {
	t.Helper()
	c.mu.Lock()
	c.dbs++
	name := fmt.Sprintf("t%d", c.dbs)
	c.mu.Unlock()
	if err := c.CreateDB(name); err != nil {
		t.Fatal(err)
	}
	return name
}

// Env is the PG* environment variables that reach database db, for what
// connects with "postgres:" (libpq's defaults).
func (c *Cluster) Env(db string) map[string]string {
	return map[string]string{"PGHOST": c.Socket, "PGPORT": strconv.Itoa(c.Port), "PGUSER": c.User, "PGDATABASE": db, "PGSSLMODE": "disable"}
}

// Rerun runs a package's existing tests again with their HQ on PostgreSQL:
// Database is what the package's HQ helper gives as its Config.Database.
// Its zero value is ready to use.
type Rerun struct{ on sync.Map } // testing.TB → bool

// Database is a fresh PostgreSQL database's URL for a test Run runs, or for
// every test when FIELDREG_HQ_ENGINE=postgres; else "" (the bbolt file).
func (r *Rerun) Database(t testing.TB, c *Cluster) string {
	t.Helper()
	_, pg := r.on.Load(t)
	if !pg && os.Getenv("FIELDREG_HQ_ENGINE") != "postgres" {
		return ""
	}
	return Need(t, c).NewURL(t)
}

// Run runs tests as subtests of t, each with its HQ on PostgreSQL.
func (r *Rerun) Run(t *testing.T, c *Cluster, tests map[string]func(*testing.T)) {
	Need(t, c)
	for name, test := range tests {
		t.Run(name, func(t *testing.T) {
			defer r.On(t)()
			test(t)
		})
	}
}

// On puts t's HQ on PostgreSQL until the returned func is called.
func (r *Rerun) On(t testing.TB) (off func()) {
	r.on.Store(t, true)
	return func() { r.on.Delete(t) }
}

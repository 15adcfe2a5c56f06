package pgtest_test

import (
	"os"
	"strings"
	"testing"

	"fieldreg/internal/pgtest"
)

var cluster *pgtest.Cluster

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, &cluster)) }

// A throwaway cluster answers SQL on its socket, and each test gets a
// database of its own.
func TestClusterAnswers(t *testing.T) {
	c := pgtest.Need(t, cluster)
	c.NewDB(t)
	c.NewDB(t)
	out, err := c.Command("psql", "-d", "t2", "-XAtc", "select current_database(), current_setting('listen_addresses')")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != "t2|" {
		t.Fatalf("psql answered %q, want database t2 listening on no TCP address", got)
	}
}

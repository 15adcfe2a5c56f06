package store_test

import (
	"errors"
	"testing"

	"fieldreg/internal/pgtest"
	"fieldreg/store"
	"fieldreg/store/storetest"
)

// On PostgreSQL the store does not rewrite the database under a new key, so
// RemoveUser refuses, saying so, and changes nothing.
func TestRemoveUserOnPostgresRefuses(t *testing.T) {
	c := pgtest.Need(t, store.PGCluster)
	opts := contractOptions(storetest.Config{})
	opts.Database = c.URL(dbName(c.NewDB(t)))
	dir := t.TempDir()
	w, err := store.Create(dir, "admin", contractPass, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.AddUser("bob", store.RoleEnumerator, []byte("the passphrase of bob")); err != nil {
		t.Fatal(err)
	}
	if err := w.RemoveUser("bob"); !errors.Is(err, store.ErrNoRotation) {
		t.Fatalf("remove a user on PostgreSQL: %v, want ErrNoRotation", err)
	}
	if len(w.Users()) != 2 {
		t.Errorf("users after the refusal: %v", w.Users())
	}
}

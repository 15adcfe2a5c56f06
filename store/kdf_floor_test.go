package store

import (
	"errors"
	"testing"
)

// New key slots are refused below MinKDF (OWASP's m=19 MiB, t=2): at
// create, add user and set passphrase. Tests' cheap parameters pass only
// through InsecureTestKDF.
func TestKDFFloor(t *testing.T) {
	weak := KDFParams{Time: 1, MemoryKiB: 1024, Threads: 1}
	for _, tc := range []struct {
		name string
		p    KDFParams
		err  error
	}{
		{"default", DefaultKDF, nil},
		{"the floor itself", MinKDF, nil},
		{"1 MiB", weak, ErrWeakKDF},
		{"one pass at 64 MiB", KDFParams{Time: 1, MemoryKiB: 64 << 10, Threads: 4}, ErrWeakKDF},
		{"18 MiB", KDFParams{Time: 3, MemoryKiB: 18 << 10, Threads: 1}, ErrWeakKDF},
		{"marked for tests", InsecureTestKDF(weak), nil},
	} {
		if err := tc.p.checkNew(); !errors.Is(err, tc.err) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.err)
		}
	}
	if _, err := Create(t.TempDir(), "admin", testPass, Options{KDF: weak}); !errors.Is(err, ErrWeakKDF) {
		t.Errorf("create with 1 MiB: %v", err)
	}
	w := newTestWorkspace(t)
	w.opts.KDF = weak
	if err := w.AddUser("eve", RoleEnumerator, []byte("eve passphrase")); !errors.Is(err, ErrWeakKDF) {
		t.Errorf("add user with 1 MiB: %v", err)
	}
}

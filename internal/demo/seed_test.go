package demo

import (
	"testing"
	"time"

	"fieldreg/registry"
	"fieldreg/store"
)

// Seeded households pass the form validation the app applies, so the demo
// workspace behaves like a real one.
func TestSeedPassesValidation(t *testing.T) {
	forms, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC) }
	ws, err := store.Create(t.TempDir(), "demo", []byte("demo passphrase"), store.Options{
		KDF: store.InsecureTestKDF(store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}), Now: now, Validate: forms.Validator(now),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	persons, err := Seed(ws, forms, 1, 120)
	if err != nil {
		t.Fatal(err)
	}
	if got := ws.Count(registry.KindHousehold); got != 120 {
		t.Errorf("households = %d, want 120", got)
	}
	if got := ws.Count(registry.KindPerson); got != persons || persons < 120 {
		t.Errorf("persons = %d, Seed said %d", got, persons)
	}
}

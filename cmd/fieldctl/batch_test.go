package main

import (
	"path/filepath"
	"testing"

	"fieldreg/registry"
	"fieldreg/store"
)

// A household the store refuses inside a batch costs only itself: the batch
// is retried household by household and the others are stored.
func TestBatcherRefusesOnlyTheBadHousehold(t *testing.T) {
	ws, err := store.Create(filepath.Join(t.TempDir(), "ws"), "admin", []byte(adminPass), store.Options{
		KDF: store.InsecureTestKDF(store.KDFParams{Time: 1, MemoryKiB: 1024, Threads: 1}),
		Validate: func(r registry.Record) error {
			if r.Value("site") == "bad" {
				return &registry.ValidationError{Errors: []registry.FieldError{{Record: r.ID, Kind: r.Kind, Field: "site", Rule: registry.RuleChoice}}}
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()

	household := func(site string) planned {
		return planned{label: site, edits: []store.Edit{{Record: registry.NewID(), Kind: registry.KindHousehold, Set: map[string]string{"site": site}}}}
	}
	var stored, refused []string
	b := &batcher{
		ws:      ws,
		stored:  func(p planned) { stored = append(stored, p.label) },
		refused: func(p planned, err error) { refused = append(refused, p.label) },
	}
	for _, site := range []string{"a", "bad", "c"} {
		if err := b.add(household(site)); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.flush(); err != nil {
		t.Fatal(err)
	}
	if len(stored) != 2 || stored[0] != "a" || stored[1] != "c" || len(refused) != 1 || refused[0] != "bad" {
		t.Errorf("stored %v, refused %v", stored, refused)
	}
	if n := ws.Count(registry.KindHousehold); n != 2 {
		t.Errorf("%d households in the store, want 2", n)
	}
}

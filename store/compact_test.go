package store

import (
	"fmt"
	"testing"

	"github.com/google/uuid"

	"fieldreg/registry"
)

func TestCompactShrinksAndKeepsEverything(t *testing.T) {
	w := newTestWorkspace(t)
	var households []uuid.UUID
	var all []Edit
	for range 300 {
		h, edits := household("camp-a", "Amina", "Yusuf", "Omar", "Leila")
		all = append(all, edits...)
		households = append(households, h)
	}
	if _, err := w.Commit(all...); err != nil {
		t.Fatal(err)
	}
	// Large drafts, saved and then dropped, leave freed pages behind that
	// only compaction hands back.
	big := make([]byte, 64<<10)
	for i := range 40 {
		if err := w.SaveDraft(fmt.Sprint("photo-", i), big); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 40 {
		if err := w.DeleteDraft(fmt.Sprint("photo-", i)); err != nil {
			t.Fatal(err)
		}
	}
	grown := w.FileSize()
	keep := households[250]
	before, _ := w.Get(keep)
	if err := w.Compact(); err != nil {
		t.Fatal(err)
	}
	if got := w.FileSize(); got > grown/2 {
		t.Errorf("file %d bytes after compaction, %d before", got, grown)
	}
	after, err := w.Get(keep)
	if err != nil || !sameRecord(before, after) {
		t.Fatalf("record after compaction: %v", err)
	}
	if rep, err := w.Verify(); err != nil || rep.Records != 1500 {
		t.Fatalf("verify after compaction: %+v %v", rep, err)
	}
	// Still writable.
	_, edits := household("camp-c", "Sami")
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
}

// countingIndexer records what the store tells an outside index.
type countingIndexer struct{ seen map[uuid.UUID]registry.Record }

func (c *countingIndexer) Index(rec registry.Record) { c.seen[rec.ID] = rec }

func TestIndexersSeeEveryRecord(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	h, edits := household("camp-a", "Amina", "Yusuf")
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Delete(edits[2].Record); err != nil {
		t.Fatal(err)
	}
	w.Close()

	ix := &countingIndexer{seen: map[uuid.UUID]registry.Record{}}
	opts := testOptions()
	opts.Indexes = []Indexer{ix}
	w, err = Open(dir, "admin", testPass, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if len(ix.seen) != 3 || !ix.seen[edits[2].Record].Deleted() || ix.seen[edits[1].Record].Value("given_name") != "Amina" {
		t.Fatalf("indexer saw %d records at unlock", len(ix.seen))
	}
	if _, err := w.Commit(Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp-z"}}); err != nil {
		t.Fatal(err)
	}
	if ix.seen[h].Value("site") != "camp-z" {
		t.Error("indexer did not see the edit")
	}
}

package store

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fieldreg/registry"
)

// TestCanary plants unique names, phones and document numbers, edits and
// deletes some, keeps drafts, compacts, and then looks for the markers in
// every byte the workspace left on disk.
func TestCanary(t *testing.T) {
	tmpBefore := listDir(os.TempDir())
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	var markers []string
	mark := func(kind string, i int) string {
		m := fmt.Sprintf("Canary%sQx%dZv", kind, i)
		markers = append(markers, m)
		return m
	}
	for i := range 20 {
		h, edits := household("camp-a", mark("Given", i))
		edits[0].Set["phone"] = "+9997" + fmt.Sprint(1000000+i) // digits only: a phone marker
		markers = append(markers, edits[0].Set["phone"])
		edits[1].Set["family_name"] = mark("Family", i)
		edits[1].Set["document_number"] = mark("Doc", i)
		if _, err := w.Commit(edits...); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			if _, err := w.Commit(Edit{Record: edits[1].Record, Kind: registry.KindPerson, Set: map[string]string{"given_name": mark("Renamed", i)}}); err != nil {
				t.Fatal(err)
			}
		}
		if i%4 == 0 {
			if _, err := w.Delete(h); err != nil {
				t.Fatal(err)
			}
		}
		if i%5 == 0 {
			if err := w.SaveDraft(mark("DraftName", i), []byte(mark("DraftBody", i))); err != nil {
				t.Fatal(err)
			}
		}
		if i%7 == 0 {
			if err := w.PutMeta(mark("MetaName", i), []byte(mark("MetaValue", i))); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.DeleteDraft(fmt.Sprintf("CanaryDraftNameQx%dZv", 0)); err != nil {
		t.Fatal(err)
	}
	if hits := w.Search(markers[0], 5); len(hits) == 0 {
		t.Fatal("markers not even searchable: test is broken")
	}
	if err := w.Compact(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	files := []string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	for name := range listDir(os.TempDir()) {
		if !tmpBefore[name] && !strings.HasPrefix(filepath.Join(os.TempDir(), name), filepath.Dir(dir)) {
			filepath.WalkDir(filepath.Join(os.TempDir(), name), func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					files = append(files, p)
				}
				return nil
			})
		}
	}
	if len(files) < 2 {
		t.Fatalf("only %d files to check", len(files))
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // another process's temp file, gone already
		}
		lower := bytes.ToLower(b)
		for _, m := range markers {
			if bytes.Contains(b, []byte(m)) || bytes.Contains(lower, []byte(strings.ToLower(m))) {
				t.Errorf("%s holds the marker %q in plaintext", p, m)
			}
		}
	}
}

func listDir(dir string) map[string]bool {
	out := map[string]bool{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		out[e.Name()] = true
	}
	return out
}

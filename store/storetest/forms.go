package storetest

import (
	"errors"
	"testing"

	"fieldreg/store"
)

func testForms[S Store](t *testing.T, o Opener[S]) {
	s := o.New(t, newConfig())
	wash := store.FormDoc{Ref: "wash@1", Kind: "wash", JSON: []byte(`{"kind":"wash"}`)}
	hh := store.FormDoc{Ref: "site@2", Kind: "household", JSON: []byte(`{"kind":"household"}`)}
	if err := s.PutForms([]store.FormDoc{wash, hh}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutForms([]store.FormDoc{hh}); err != nil {
		t.Fatalf("storing a held version again: %v", err)
	}
	changed := wash
	changed.JSON = []byte(`{"kind":"wash","other":1}`)
	if err := s.PutForms([]store.FormDoc{changed}); !errors.Is(err, store.ErrFormChanged) {
		t.Errorf("changing a held version: %v, want store.ErrFormChanged", err)
	}
	s = o.Reopen(t, s, newConfig())
	docs, err := s.FormDocs()
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || docs[0].Ref != "wash@1" || docs[1].Ref != "site@2" || docs[1].Kind != "household" ||
		docs[0].Seq >= docs[1].Seq || string(docs[0].JSON) != `{"kind":"wash"}` {
		t.Errorf("forms after reopen: %+v", docs)
	}
}

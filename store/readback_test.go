package store

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"fieldreg/change"
	"fieldreg/registry"
)

// An edit holding a byte that is not UTF-8, through a front end that does
// not validate: the store refuses it, and the workspace still opens with
// everything that was there.
func TestCommitRefusesWhatWouldNotReadBack(t *testing.T) {
	opts := testOptions()
	opts.Validate = nil // a front end that skipped the value rule
	w, err := Create(t.TempDir(), "admin", testPass, opts)
	if err != nil {
		t.Fatal(err)
	}
	h, edits := household("camp-a", "Amina")
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	person := edits[1].Record
	for _, set := range []map[string]string{
		{"given_name": "Ren\xe9"},
		{"giv\xe9n_name": "Rene"},
	} {
		_, err = w.Commit(Edit{Record: person, Kind: registry.KindPerson, Set: set})
		if !errors.Is(err, ErrUnstorable) {
			t.Errorf("commit %q: %v, want ErrUnstorable", set, err)
		}
		if err != nil && !utf8.ValidString(err.Error()) {
			t.Errorf("the error message carries the bad byte: %q", err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w, err = Open(w.Dir(), "admin", testPass, opts)
	if err != nil {
		t.Fatalf("the workspace no longer opens: %v", err)
	}
	defer w.Close()
	if rec, err := w.Get(person); err != nil || rec.Value("given_name") != "Amina" {
		t.Errorf("person after the refused edit: %v, %v", rec.Values(), err)
	}
	if w.Count(registry.KindHousehold) != 1 || siteOf(t, w, h) != "camp-a" {
		t.Error("the household is not there")
	}
	if rep, err := w.Verify(); err != nil {
		t.Errorf("verify: %v %v", err, rep.Problems)
	}
}

// A change from another replica holding bytes that are not UTF-8 is
// quarantined, readable; the rest of the batch goes in and the workspace
// still opens.
func TestApplyRemoteQuarantinesWhatWouldNotReadBack(t *testing.T) {
	opts := testOptions()
	opts.Validate = nil
	w, err := Create(t.TempDir(), "admin", testPass, opts)
	if err != nil {
		t.Fatal(err)
	}
	dev := newRemoteDevice(nil)
	good := dev.change(registry.NewID(), registry.KindHousehold, nil, map[string]string{"site": "camp-r"})
	badValue := dev.change(registry.NewID(), registry.KindPerson, nil, map[string]string{"given_name": "Ren\xe9"})
	badField := dev.change(registry.NewID(), registry.KindPerson, nil, map[string]string{"giv\xe9n": "x"})
	badAuthor := dev.change(registry.NewID(), registry.KindPerson, nil, map[string]string{"given_name": "x"})
	badAuthor.Author = "\xff\xfe"
	res, err := w.ApplyRemote([]change.Change{good, badValue, badField, badAuthor}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Outcome{Applied, Quarantined, Quarantined, Quarantined}
	for i, r := range res {
		if r.Outcome != want[i] {
			t.Errorf("change %d: %s (%s), want %s", i, r.Outcome, r.Reason, want[i])
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w, err = Open(w.Dir(), "admin", testPass, opts)
	if err != nil {
		t.Fatalf("the workspace no longer opens: %v", err)
	}
	defer w.Close()
	q, err := w.Quarantined()
	if err != nil || len(q) != 3 {
		t.Fatalf("quarantine: %d entries, %v", len(q), err)
	}
	if !strings.Contains(q[0].Reason, "given_name") || !strings.Contains(q[0].Change.Writes[0].Value, "\uFFFD") {
		t.Errorf("quarantined change reads %+v, reason %q", q[0].Change.Writes, q[0].Reason)
	}
	if w.Count(registry.KindHousehold) != 1 {
		t.Error("the good change of the batch is not there")
	}
	if rep, err := w.Verify(); err != nil {
		t.Errorf("verify: %v %v", err, rep.Problems)
	}
}

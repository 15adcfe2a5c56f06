package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fieldreg/registry"
	"fieldreg/store/kv"
)

func formDoc(ref, kind, body string) FormDoc {
	return FormDoc{Ref: ref, Kind: kind, JSON: []byte(body)}
}

func refsOf(docs []FormDoc) []string {
	var out []string
	for _, d := range docs {
		out = append(out, d.Ref+"/"+d.Kind)
	}
	return out
}

func TestFormsRoundTripInPublishOrderAcrossReopen(t *testing.T) {
	w := newTestWorkspace(t)
	if docs, err := w.FormDocs(); err != nil || len(docs) != 0 {
		t.Fatalf("a new workspace holds forms %v (%v)", docs, err)
	}
	first := []FormDoc{formDoc("household@2", "household", `{"kind":"household","v":2}`), formDoc("household@2", "person", `{"kind":"person"}`)}
	if err := w.PutForms(first); err != nil {
		t.Fatal(err)
	}
	// The same versions again (importing the same file twice) and one new one.
	if err := w.PutForms(append(slices.Clone(first), formDoc("wash@1", "wash", `{"kind":"wash"}`))); err != nil {
		t.Fatalf("storing the same versions again: %v", err)
	}
	w = reopen(t, w, nil)
	docs, err := w.FormDocs()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"household@2/household", "household@2/person", "wash@1/wash"}
	if got := refsOf(docs); !slices.Equal(got, want) {
		t.Fatalf("forms after reopen = %v, want %v", got, want)
	}
	for i, d := range docs {
		if d.Seq != uint64(i+1) {
			t.Errorf("%s has seq %d, want %d", d.Ref, d.Seq, i+1)
		}
	}
	if string(docs[0].JSON) != `{"kind":"household","v":2}` {
		t.Errorf("household@2 reads back as %s", docs[0].JSON)
	}
	var imports int
	w.Audit(func(e AuditEntry) error {
		if e.Action == "form-import" {
			imports++
		}
		return nil
	})
	if imports != 3 {
		t.Errorf("%d form imports audited, want 3 (one per version stored, none for a repeat)", imports)
	}
	w.Close()
}

func TestFormVersionsAreImmutable(t *testing.T) {
	w := newTestWorkspace(t)
	if err := w.PutForms([]FormDoc{formDoc("wash@1", "wash", `{"a":1}`)}); err != nil {
		t.Fatal(err)
	}
	err := w.PutForms([]FormDoc{formDoc("wash@2", "wash", `{"a":2}`), formDoc("wash@1", "wash", `{"a":3}`)})
	if !errors.Is(err, ErrFormChanged) || !strings.Contains(err.Error(), "wash@1") {
		t.Fatalf("changing a stored version: %v, want ErrFormChanged naming wash@1", err)
	}
	docs, _ := w.FormDocs()
	if got := refsOf(docs); !slices.Equal(got, []string{"wash@1/wash"}) {
		t.Errorf("a refused call stored %v", got)
	}
	if err := w.ReceiveForms([]FormDoc{formDoc("wash@1", "wash", `{"a":3}`)}, nil); !errors.Is(err, ErrFormChanged) {
		t.Errorf("receiving a changed version: %v, want ErrFormChanged", err)
	}
}

func TestOnlyAnAdminImportsFormsButSyncReceivesThem(t *testing.T) {
	w := newTestWorkspace(t)
	if err := w.AddUser("ena", RoleEnumerator, testPass); err != nil {
		t.Fatal(err)
	}
	if err := w.AddUser("sup", RoleSupervisor, testPass); err != nil {
		t.Fatal(err)
	}
	dir := w.Dir()
	w.Close()
	for _, user := range []string{"ena", "sup"} {
		u, err := Open(dir, user, testPass, testOptions())
		if err != nil {
			t.Fatal(err)
		}
		if err := u.PutForms([]FormDoc{formDoc("wash@1", "wash", `{}`)}); !errors.Is(err, ErrForbidden) {
			t.Errorf("%s importing a form: %v, want ErrForbidden", user, err)
		}
		u.Close()
	}
	u, err := Open(dir, "ena", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	if err := u.ReceiveForms([]FormDoc{formDoc("wash@1", "wash", `{}`)}, map[string][]byte{"sync/forms": []byte("7")}); err != nil {
		t.Fatalf("an enumerator's sync receiving a form: %v", err)
	}
	if v, err := u.Meta("sync/forms"); err != nil || string(v) != "7" {
		t.Errorf("form cursor = %q (%v), want 7 stored with the forms", v, err)
	}
	docs, _ := u.FormDocs()
	if got := refsOf(docs); !slices.Equal(got, []string{"wash@1/wash"}) {
		t.Errorf("after receiving: %v", got)
	}
}

func TestTamperedFormIsCorrupt(t *testing.T) {
	w := newTestWorkspace(t)
	if err := w.PutForms([]FormDoc{formDoc("wash@1", "wash", `{"label":"Water"}`)}); err != nil {
		t.Fatal(err)
	}
	dir := w.Dir()
	w.Close()
	tamper(t, filepath.Join(dir, DBFile), func(tx kv.Tx) error {
		b := tx.Bucket(bucketForms)
		k := seqKey(1)
		v := bytes.Clone(b.Get(k))
		v[len(v)/2] ^= 0x01
		return b.Put(k, v)
	})
	w, err := Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatalf("a damaged form must not stop unlock: %v", err)
	}
	defer w.Close()
	if docs, err := w.FormDocs(); !errors.Is(err, ErrCorrupt) {
		t.Errorf("reading a tampered form: %v %v, want ErrCorrupt", refsOf(docs), err)
	}
	if rep, err := w.Verify(); err == nil && len(rep.Problems) == 0 {
		t.Error("verify found nothing wrong with a tampered form")
	}
}

func TestFormsRefusesEmptyDocs(t *testing.T) {
	w := newTestWorkspace(t)
	for _, d := range []FormDoc{formDoc("", "wash", "{}"), formDoc("wash@1", "", "{}"), formDoc("wash@1", "wash", "")} {
		if err := w.PutForms([]FormDoc{d}); err == nil {
			t.Errorf("stored %+v", d)
		}
	}
}

// assessmentV2 is the built-in assessment form as version 2 with one more
// question, as HQ would publish it.
func assessmentV2(t *testing.T) FormDoc {
	t.Helper()
	base, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	f, _ := base.Form(registry.KindAssessment)
	v2 := *f
	v2.Version = "2"
	v2.Fields = append(slices.Clone(f.Fields), registry.FieldDef{Name: "water_litres", Type: registry.TypeInteger, Label: registry.Labels{"en": "Water (litres a day)"}})
	data, err := json.Marshal(&v2)
	if err != nil {
		t.Fatal(err)
	}
	return FormDoc{Ref: v2.Ref(), Kind: v2.Kind, JSON: data}
}

func TestFormSetFollowsStoredForms(t *testing.T) {
	base, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	set := NewFormSet(base)
	opts := testOptions()
	opts.Forms = set
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.PutForms([]FormDoc{{Ref: "wash@1", Kind: "wash", JSON: []byte(`{"kind":"wash","fields":[]}`)}}); err == nil {
		t.Fatal("stored a form that does not parse")
	}
	if docs, _ := w.FormDocs(); len(docs) != 0 {
		t.Fatalf("a refused form was stored: %v", refsOf(docs))
	}
	doc := assessmentV2(t)
	mislabelled := doc
	mislabelled.Ref = "assessment@3"
	if err := w.PutForms([]FormDoc{mislabelled}); err == nil || !strings.Contains(err.Error(), "assessment@3") {
		t.Fatalf("stored a form under another version than its own: %v", err)
	}
	if err := w.PutForms([]FormDoc{doc}); err != nil {
		t.Fatal(err)
	}
	if f, ok := set.Forms().Form(registry.KindAssessment); !ok || f.Version != "2" {
		t.Fatalf("current assessment after storing v2: %+v", f)
	}
	if _, ok := set.Forms().Version("assessment@1", registry.KindAssessment); !ok {
		t.Error("version 1 is no longer held")
	}
	w.Close()
	set = NewFormSet(base)
	opts.Forms = set
	if w, err = Open(dir, "admin", testPass, opts); err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if f, _ := set.Forms().Form(registry.KindAssessment); f.Version != "2" || set.Err() != nil {
		t.Fatalf("after reopen the current assessment is version %s (%v)", f.Version, set.Err())
	}
}

package store

import (
	"testing"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
)

// A record keeps the form of its latest change that names one, and two
// replicas that receive the same changes in different orders agree on it,
// also after reopening.
func TestRecordFormFollowsLatestNamedChange(t *testing.T) {
	a, b := newTestWorkspace(t), newTestWorkspace(t)
	dev1, dev2 := newRemoteDevice(nil), newRemoteDevice(nil)
	h := registry.NewID()
	first := dev1.change(h, registry.KindHousehold, nil, map[string]string{"site": "camp_east"})
	first.Form = "household@1"
	second := dev2.change(h, registry.KindHousehold, nil, map[string]string{"phone": "+111"})
	second.Stamp.HLC = first.Stamp.HLC + 10
	second.Form = "household@2"
	// The latest change names no form (written before forms had versions):
	// the record stays under the latest one that does.
	third := dev1.change(h, registry.KindHousehold, nil, map[string]string{"phone": "+222"})
	third.Stamp.HLC = second.Stamp.HLC + 10
	third.Form = ""

	// The household needs its site first (testValidate); after that, the
	// later changes arrive in either order.
	apply := func(w *Workspace, cs ...change.Change) {
		t.Helper()
		for _, c := range cs {
			res, err := w.ApplyRemote([]change.Change{c}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res[0].Outcome != Applied {
				t.Fatalf("change %d: %v %s", c.DeviceSeq, res[0].Outcome, res[0].Reason)
			}
		}
	}
	apply(a, first, second, third)
	apply(b, first, third, second)
	for name, w := range map[string]*Workspace{"in order": a, "reordered": b} {
		rec, err := w.Get(h)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if rec.Form != "household@2" || rec.FormStamp != second.Stamp {
			t.Errorf("%s: record under %q (%v), want household@2 (%v)", name, rec.Form, rec.FormStamp, second.Stamp)
		}
	}

	// The form is stored: it survives a reopen.
	dir := a.dir
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	re, err := Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	a.db = nil // newTestWorkspace's cleanup: verify re instead
	defer re.Close()
	rec, err := re.Get(h)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Form != "household@2" {
		t.Errorf("after reopen: record under %q, want household@2", rec.Form)
	}
	if rep, err := re.Verify(); err != nil {
		t.Errorf("verify: %v (%v)", err, rep.Problems)
	}
}

// A local edit stamps the record with the form it was checked against.
func TestRecordFormOfLocalEdit(t *testing.T) {
	w := newTestWorkspace(t)
	h, edits := household("camp_east")
	edits[0].Form = "household@3"
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	rec, err := w.Get(h)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Form != "household@3" {
		t.Errorf("record under %q, want household@3", rec.Form)
	}
}

// A record stored before records kept their form (no keys 4 and 5) reads
// back with Form "", and a record without a form stores neither key.
func TestStoredRecordBeforeFormsDecodes(t *testing.T) {
	type legacyRecord struct {
		Kind   string                     `cbor:"1,keyasint"`
		Fields map[string][]storedVersion `cbor:"2,keyasint"`
		Log    []uint64                   `cbor:"3,keyasint,omitempty"`
	}
	dev := uuid.MustParse("0190a000-0000-7000-8000-00000000000a")
	st := storedStamp{HLC: 1 << 20, Device: dev}
	old := legacyRecord{Kind: "household", Fields: map[string][]storedVersion{"site": {{Value: "camp_east", Stamp: st}}}, Log: []uint64{1}}
	var s storedRecord
	if err := decode(encode(old), &s); err != nil {
		t.Fatal(err)
	}
	id := uuid.MustParse("0190a000-0000-7000-8000-0000000000f1")
	rec := s.record(id)
	if rec.Form != "" || !rec.FormStamp.IsZero() || rec.Value("site") != "camp_east" {
		t.Errorf("legacy record reads back as %+v", rec)
	}
	var m map[int]any
	if err := decode(encode(toStoredRecord(rec, s.Log)), &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m[4]; ok {
		t.Error("a record with no form stores key 4")
	}
	if _, ok := m[5]; ok {
		t.Error("a record with no form stores key 5")
	}

	rec.Form, rec.FormStamp = "household@2", st.stamp()
	var back storedRecord
	if err := decode(encode(toStoredRecord(rec, s.Log)), &back); err != nil {
		t.Fatal(err)
	}
	if got := back.record(id); got.Form != rec.Form || got.FormStamp != rec.FormStamp {
		t.Errorf("round trip: form %q %v, want %q %v", got.Form, got.FormStamp, rec.Form, rec.FormStamp)
	}
}

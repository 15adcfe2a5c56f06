package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store/kv"
)

const eraseMarker = "Zqxmarker"

// leaks lists where a workspace still shows text through its read API:
// records, history, search, the change log, the outgoing queue, the
// quarantine and the drafts; and, opening every value of every bucket, the
// file's live data.
func leaks(t *testing.T, w *Workspace, text string, ids ...uuid.UUID) []string {
	t.Helper()
	var found []string
	has := func(where string, v any) {
		if strings.Contains(fmt.Sprintf("%+v", v), text) {
			found = append(found, where)
		}
	}
	for _, id := range ids {
		rec, err := w.Get(id)
		if err != nil {
			t.Fatalf("get %s: %v", id, err)
		}
		has("record", rec)
		hist, err := w.History(id)
		if err != nil {
			t.Fatalf("history of %s: %v", id, err)
		}
		has("history", hist)
	}
	has("search", w.Search(text, 10))
	for _, kind := range []string{registry.KindHousehold, registry.KindPerson} {
		for _, id := range w.IDs(kind) {
			rec, _ := w.Get(id)
			has("list", rec)
		}
	}
	log, err := w.ChangesAfter(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	has("change log", log)
	own, err := w.OwnChangesAfter(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	has("outgoing queue", own)
	q, err := w.Quarantined()
	if err != nil {
		t.Fatal(err)
	}
	has("quarantine", q)
	for _, name := range w.Drafts() {
		d, _ := w.Draft(name)
		has("draft", string(d))
	}
	err = w.view(func(tx kv.Tx) error {
		for _, name := range allBuckets {
			err := tx.Bucket(name).ForEach(func(k, v []byte) error {
				plain, err := w.seal[string(name)].open(k, v)
				if err != nil {
					return err
				}
				if bytes.Contains(plain, []byte(text)) {
					found = append(found, "bucket "+string(name))
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// recordCiphertexts returns the sealed bytes the file holds for a record and
// its change-log entries.
func recordCiphertexts(t *testing.T, w *Workspace, id uuid.UUID) [][]byte {
	t.Helper()
	var out [][]byte
	err := w.view(func(tx kv.Tx) error {
		_, log, _, err := w.readRecord(tx, id)
		if err != nil {
			return err
		}
		out = append(out, bytes.Clone(tx.Bucket(bucketRecords).Get(w.recordKey(id))))
		for _, seq := range log {
			out = append(out, bytes.Clone(tx.Bucket(bucketChanges).Get(seqKey(seq))))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestEraseLeavesNoValueAnywhere(t *testing.T) {
	a, b := newTestWorkspace(t), newTestWorkspace(t)
	h, edits := household("camp-a", eraseMarker+"Amina", eraseMarker+"Yusuf")
	person := edits[1].Record
	edits[1].Set["phone"] = eraseMarker + "-555"
	if _, err := a.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Commit(Edit{Record: person, Kind: registry.KindPerson, Set: map[string]string{"given_name": eraseMarker + "Second"}}); err != nil {
		t.Fatal(err)
	}
	// Another household stays as it was.
	other, otherEdits := household("camp-a", "Leila")
	if _, err := a.Commit(otherEdits...); err != nil {
		t.Fatal(err)
	}
	if err := a.SaveDraft("household-"+h.String(), []byte(`{"id":"`+h.String()+`","given_name":"`+eraseMarker+`"}`)); err != nil {
		t.Fatal(err)
	}
	if err := a.SaveDraft("unrelated", []byte("Leila")); err != nil {
		t.Fatal(err)
	}
	// A received change that is refused keeps its values in the quarantine.
	remote := newRemoteDevice(time.Now)
	bad := remote.change(person, registry.KindPerson, nil, map[string]string{"sex": eraseMarker + "Quarantined"})
	if r, err := a.ApplyRemote([]change.Change{bad}, nil); err != nil || r[0].Outcome != Quarantined {
		t.Fatalf("bad change: %+v %v", r, err)
	}
	// Device b has synced everything a made.
	mine, err := a.OwnChangesAfter(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.ApplyRemote(mine, nil); err != nil {
		t.Fatal(err)
	}
	if got := leaks(t, b, eraseMarker, h, person); len(got) == 0 {
		t.Fatal("the marker is nowhere on b before the erasure: the test proves nothing")
	}
	old := recordCiphertexts(t, a, person)

	erased, err := a.Erase(h)
	if err != nil {
		t.Fatal(err)
	}
	if len(erased) != 3 {
		t.Fatalf("%d erasures, want the household and its two members", len(erased))
	}
	if got := leaks(t, a, eraseMarker, h, person); len(got) > 0 {
		t.Errorf("after erase, a shows the marker in: %v", got)
	}
	if names := a.Drafts(); len(names) != 1 || names[0] != "unrelated" {
		t.Errorf("drafts after erase: %v, want only the unrelated one", names)
	}
	if rec, err := a.Get(other); err != nil || rec.Value("site") != "camp-a" {
		t.Errorf("the other household after erase: %+v %v", rec, err)
	}
	rec, err := a.Get(person)
	if err != nil || !rec.Erased() || !rec.Deleted() || rec.Value("household_id") != h.String() {
		t.Errorf("tombstone: %+v %v", rec, err)
	}
	// Compaction left no old copy of the person's values in the file.
	raw, err := os.ReadFile(dbPath(a.Dir()))
	if err != nil {
		t.Fatal(err)
	}
	for i, sealed := range old {
		if bytes.Contains(raw, sealed[:32]) {
			t.Errorf("sealed value %d of the person's record or log is still in the file", i)
		}
	}

	// The erasure syncs: b ends like a.
	log, err := a.ChangesAfter(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var changes []change.Change
	for _, l := range log {
		changes = append(changes, l.Change)
	}
	if _, err := b.ApplyRemote(changes, nil); err != nil {
		t.Fatal(err)
	}
	if got := leaks(t, b, eraseMarker, h, person); len(got) > 0 {
		t.Errorf("after syncing the erasure, b shows the marker in: %v", got)
	}

	// Nothing brings the values back: old changes again, an old change a
	// never received, a late edit, an edit here.
	late := remote.change(person, registry.KindPerson, nil, map[string]string{"given_name": eraseMarker + "Late"})
	for _, w := range []*Workspace{a, b} {
		rs, err := w.ApplyRemote(append(mine, late), nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rs {
			if r.Outcome == Quarantined {
				t.Errorf("change %d quarantined: %s", i, r.Reason)
			}
		}
		if got := leaks(t, w, eraseMarker, h, person); len(got) > 0 {
			t.Errorf("after old changes came again, the marker is in: %v", got)
		}
	}
	if _, err := a.Commit(Edit{Record: person, Kind: registry.KindPerson, Set: map[string]string{"given_name": "Back"}}); !errors.Is(err, ErrErased) {
		t.Errorf("editing an erased record: %v, want ErrErased", err)
	}
	if again, err := a.Erase(h); err != nil || len(again) != 0 {
		t.Errorf("erasing again: %d changes, %v", len(again), err)
	}
}

func TestEraseIsForSupervisors(t *testing.T) {
	w := newTestWorkspace(t)
	h, edits := household("camp-a", "Amina")
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	if err := w.AddUser("enum", RoleEnumerator, []byte("enum passphrase")); err != nil {
		t.Fatal(err)
	}
	dir := w.Dir()
	w.Close()
	e, err := Open(dir, "enum", []byte("enum passphrase"), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, err := e.Erase(h); !errors.Is(err, ErrForbidden) {
		t.Errorf("an enumerator's erase: %v, want ErrForbidden", err)
	}
	if _, err := e.Commit(Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{registry.FieldErased: "true"}}); !errors.Is(err, ErrForbidden) {
		t.Errorf("an enumerator's erasure by commit: %v, want ErrForbidden", err)
	}
}

// TestEraseDeletedHousehold: a deleted household is erased with its
// members, which deletion deleted and the index no longer lists.
func TestEraseDeletedHousehold(t *testing.T) {
	w := newTestWorkspace(t)
	h, edits := household("camp-a", eraseMarker+"Amina", eraseMarker+"Yusuf")
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Delete(h); err != nil {
		t.Fatal(err)
	}
	erased, err := w.Erase(h)
	if err != nil || len(erased) != 3 {
		t.Fatalf("erase a deleted household: %d erasures, %v; want it and its 2 members", len(erased), err)
	}
	if got := leaks(t, w, eraseMarker, h, edits[1].Record, edits[2].Record); len(got) > 0 {
		t.Errorf("after erase, the marker is in: %v", got)
	}
}

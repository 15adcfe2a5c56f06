package store

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"fieldreg/change"
	"fieldreg/registry"
)

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	h, edits := household("camp-a", "Amina", "Yusuf")
	made, err := w.Commit(edits...)
	if err != nil {
		t.Fatal(err)
	}
	if len(made) != 3 {
		t.Fatalf("made %d changes, want 3", len(made))
	}
	for i, c := range made {
		if c.DeviceSeq != uint64(i+1) || c.Device != w.Device() || c.Author != "admin" {
			t.Errorf("change %d: seq %d device %s author %q", i, c.DeviceSeq, c.Device, c.Author)
		}
	}
	if err := w.SaveDraft("hh-1", []byte("half done")); err != nil {
		t.Fatal(err)
	}
	if err := w.PutMeta("cursor", []byte{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Get(h); !errors.Is(err, ErrLocked) {
		t.Errorf("Get after Close: %v, want ErrLocked", err)
	}

	w, err = Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	rec, err := w.Get(h)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Kind != registry.KindHousehold || rec.Value("site") != "camp-a" {
		t.Errorf("household came back as %s %v", rec.Kind, rec.Values())
	}
	if got := w.Members(h); len(got) != 2 || got[0] != edits[1].Record || got[1] != edits[2].Record {
		t.Errorf("members %v", got)
	}
	if w.Count(registry.KindPerson) != 2 || w.Count(registry.KindHousehold) != 1 {
		t.Errorf("counts %d persons %d households", w.Count(registry.KindPerson), w.Count(registry.KindHousehold))
	}
	if w.DeviceSeq() != 3 || w.LastLogSeq() != 3 {
		t.Errorf("device seq %d, log seq %d; want 3, 3", w.DeviceSeq(), w.LastLogSeq())
	}
	if d, err := w.Draft("hh-1"); err != nil || string(d) != "half done" {
		t.Errorf("draft %q, %v", d, err)
	}
	if got := w.Drafts(); len(got) != 1 || got[0] != "hh-1" {
		t.Errorf("drafts %v", got)
	}
	if m, err := w.Meta("cursor"); err != nil || string(m) != "\x01\x02\x03" {
		t.Errorf("meta %v, %v", m, err)
	}
	if _, err := w.Meta("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing meta: %v", err)
	}
	// An edit after reopening continues the device sequence.
	made, err = w.Commit(Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp-b", "phone": "+000"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(made) != 1 || made[0].DeviceSeq != 4 || len(made[0].Writes) != 1 || made[0].Writes[0].Field != "site" {
		t.Fatalf("edit made %+v; want one change, seq 4, writing only site", made)
	}
	if made[0].Writes[0].Base.IsZero() {
		t.Error("edit's base is zero; want the stamp of the value it replaced")
	}
	if made, err := w.Commit(Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp-b"}}); err != nil || len(made) != 0 {
		t.Errorf("no-op edit made %v, %v", made, err)
	}
	hist, err := w.History(h)
	if err != nil || len(hist) != 2 {
		t.Errorf("history: %d changes, %v", len(hist), err)
	}
	if rep, err := w.Verify(); err != nil || rep.Records != 3 || rep.Changes != 4 {
		t.Errorf("verify %+v, %v", rep, err)
	}
	own, err := w.OwnChangesAfter(2, 0)
	if err != nil || len(own) != 2 || own[0].DeviceSeq != 3 || own[1].DeviceSeq != 4 {
		t.Errorf("own changes after 2: %v, %v", own, err)
	}
	logged, err := w.ChangesAfter(1, 2)
	if err != nil || len(logged) != 2 || logged[0].LogSeq != 2 {
		t.Errorf("changes after 1: %v, %v", logged, err)
	}
}

func TestCommitValidationAllOrNothing(t *testing.T) {
	w := newTestWorkspace(t)
	h, edits := household("camp-a", "Amina", "Yusuf")
	edits[2].Set["sex"] = "x"
	_, err := w.Commit(edits...)
	if err == nil {
		t.Fatal("commit with an invalid person succeeded")
	}
	if !strings.Contains(err.Error(), edits[2].Record.String()) || !strings.Contains(err.Error(), "sex") {
		t.Errorf("error %q does not name the record and field", err)
	}
	if _, err := w.Get(h); !errors.Is(err, ErrNotFound) {
		t.Errorf("household stored despite failed commit: %v", err)
	}
	if w.DeviceSeq() != 0 || w.LastLogSeq() != 0 || w.Count(registry.KindPerson) != 0 {
		t.Errorf("state moved: seq %d log %d persons %d", w.DeviceSeq(), w.LastLogSeq(), w.Count(registry.KindPerson))
	}
	edits[2].Set["sex"] = "male"
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	if w.DeviceSeq() != 3 {
		t.Errorf("device seq %d after retry, want 3 (no gap from the failed commit)", w.DeviceSeq())
	}
}

func TestRoles(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddUser("enum", RoleEnumerator, []byte("enum passphrase")); err != nil {
		t.Fatal(err)
	}
	if err := w.AddUser("enum", RoleEnumerator, []byte("another passphrase")); !errors.Is(err, ErrExists) {
		t.Errorf("adding a user twice: %v", err)
	}
	h, edits := household("camp-a", "Amina")
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	if err := w.RemoveUser("admin"); !errors.Is(err, ErrForbidden) {
		t.Errorf("removing the last admin: %v", err)
	}
	w.Close()

	e, err := Open(dir, "enum", []byte("enum passphrase"), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if e.Role() != RoleEnumerator {
		t.Errorf("role %s", e.Role())
	}
	if _, err := e.Commit(Edit{Record: edits[1].Record, Kind: registry.KindPerson, Set: map[string]string{"given_name": "Aminah"}}); err != nil {
		t.Errorf("enumerator edit: %v", err)
	}
	forbidden := map[string]error{}
	_, forbidden["delete"] = e.Delete(h)
	_, forbidden["resolve"] = e.Commit(Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": "x"}, Resolve: true})
	_, forbidden["_deleted"] = e.Commit(Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{change.DeletedField: "true"}})
	forbidden["add user"] = e.AddUser("x", RoleAdmin, []byte("x"))
	forbidden["remove user"] = e.RemoveUser("admin")
	forbidden["passwd other"] = e.SetPassphrase("admin", []byte("x"))
	for op, err := range forbidden {
		if !errors.Is(err, ErrForbidden) {
			t.Errorf("enumerator %s: %v, want ErrForbidden", op, err)
		}
	}
	if err := e.SetPassphrase("enum", []byte("new passphrase")); err != nil {
		t.Errorf("own passphrase: %v", err)
	}
	e.Close()
	if _, err := Open(dir, "enum", []byte("enum passphrase"), testOptions()); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("old passphrase after change: %v", err)
	}
	a, err := Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := a.RemoveUser("enum"); err != nil {
		t.Fatal(err)
	}
	if got := a.Users(); len(got) != 1 || got[0] != (User{Name: "admin", Role: RoleAdmin}) {
		t.Errorf("users %v", got)
	}
	a.Close()
	if _, err := Open(dir, "enum", []byte("new passphrase"), testOptions()); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("removed user opens: %v", err)
	}
}

func TestDeleteHousehold(t *testing.T) {
	w := newTestWorkspace(t)
	h, edits := household("camp-a", "Amina", "Yusuf")
	a := registry.NewID()
	edits = append(edits, Edit{Record: a, Kind: registry.KindAssessment, Set: map[string]string{"household_id": h.String(), "date": "2026-01-02"}})
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	if got := w.Assessments(h); len(got) != 1 || got[0] != a {
		t.Errorf("assessments %v", got)
	}
	c, err := w.Delete(h)
	if err != nil {
		t.Fatal(err)
	}
	if c.Record != h || c.Writes[0].Field != change.DeletedField {
		t.Errorf("delete change %+v", c)
	}
	for _, kind := range []string{registry.KindHousehold, registry.KindPerson, registry.KindAssessment} {
		if n := w.Count(kind); n != 0 {
			t.Errorf("%d live %s after deleting the household", n, kind)
		}
	}
	rec, err := w.Get(edits[1].Record)
	if err != nil || !rec.Deleted() {
		t.Errorf("member after household delete: deleted=%v, %v", rec.Deleted(), err)
	}
	if len(w.Members(h)) != 0 || len(w.Search("Amina", 10)) != 0 {
		t.Error("deleted members still listed or found")
	}
}

func TestCreateOpenErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(dir, "admin", testPass, testOptions()); !errors.Is(err, ErrNoWorkspace) {
		t.Errorf("open empty dir: %v", err)
	}
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	if _, err := Create(dir, "admin", testPass, testOptions()); !errors.Is(err, ErrExists) {
		t.Errorf("create twice: %v", err)
	}
	if _, err := Open(dir, "nobody", testPass, testOptions()); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("unknown user: %v", err)
	}
}

func TestEachAllowsCallsBack(t *testing.T) {
	w := newTestWorkspace(t)
	var all []Edit
	for range 300 {
		_, edits := household("camp-a", "Amina")
		all = append(all, edits...)
	}
	if _, err := w.Commit(all...); err != nil {
		t.Fatal(err)
	}
	n := 0
	err := w.Each(registry.KindPerson, func(rec registry.Record) error {
		n++
		if n == 1 {
			// An export audits itself while it reads: must not deadlock.
			return w.AuditEvent("export", "person-level csv")
		}
		if rec.Value("given_name") != "Amina" {
			t.Errorf("record %s: %v", rec.ID, rec.Values())
		}
		return nil
	})
	if err != nil || n != 300 {
		t.Fatalf("Each visited %d records: %v", n, err)
	}
	var last AuditEntry
	w.Audit(func(e AuditEntry) error { last = e; return nil })
	if last.Action != "export" || last.User != "admin" || last.Detail != "person-level csv" {
		t.Errorf("last audit entry %+v", last)
	}
}

// TestConcurrentUse reads (search, get, list, iterate) while another
// goroutine commits; run with -race it checks the locking.
func TestConcurrentUse(t *testing.T) {
	w := newTestWorkspace(t)
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				for _, id := range w.IDs(registry.KindPerson) {
					if _, err := w.Get(id); err != nil {
						t.Error(err)
						return
					}
					break
				}
				w.Search("amina", 5)
				w.Each(registry.KindHousehold, func(registry.Record) error { return nil })
			}
		}()
	}
	for range 50 {
		h, edits := household("camp-a", "Amina")
		if _, err := w.Commit(edits...); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Commit(Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp-b"}}); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	if n := w.Count(registry.KindPerson); n != 50 {
		t.Errorf("%d persons", n)
	}
}

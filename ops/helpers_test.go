package ops

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/registry"
	"fieldreg/store"
)

var today = time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)

var testPass = []byte("correct horse battery staple")

func testForms(t testing.TB) *registry.Forms {
	t.Helper()
	forms, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	return forms
}

func testOptions(t testing.TB) store.Options {
	now := func() time.Time { return today }
	return store.Options{KDF: store.InsecureTestKDF(store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}), Now: now,
		Validate: testForms(t).Validator(now), Timeout: 200 * time.Millisecond}
}

// newWorkspace creates a workspace whose admin is "sam"; it checks on
// cleanup that the workspace still verifies.
func newWorkspace(t *testing.T) *store.Workspace {
	t.Helper()
	dir := t.TempDir()
	ws, err := store.Create(dir, "sam", testPass, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		rep, err := ws.Verify()
		if errors.Is(err, store.ErrLocked) {
			return // closed by the test, to be reopened as another user
		}
		if err != nil || len(rep.Problems) > 0 {
			t.Errorf("verify: %v %v", err, rep.Problems)
		}
		ws.Close()
	})
	return ws
}

// as reopens the workspace as a new user of role.
func as(t *testing.T, ws *store.Workspace, name string, role store.Role) *store.Workspace {
	t.Helper()
	if err := ws.AddUser(name, role, testPass); err != nil {
		t.Fatal(err)
	}
	dir := ws.Dir()
	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}
	other, err := store.Open(dir, name, testPass, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	return other
}

func householdFields() map[string]string {
	return map[string]string{registry.FieldConsent: "true", registry.FieldSite: "camp_north"}
}

func person(rel, given, family string, extra ...string) Entry {
	f := map[string]string{registry.FieldRelationship: rel, registry.FieldGivenName: given,
		registry.FieldFamilyName: family, registry.FieldSex: "female", registry.FieldBirthDate: "1990-05-01"}
	for i := 0; i+1 < len(extra); i += 2 {
		f[extra[i]] = extra[i+1]
	}
	return Entry{ID: registry.NewID(), Fields: f}
}

// register stores a household and returns its id and its members' ids.
func register(t *testing.T, ws Workspace, members ...Entry) (uuid.UUID, []uuid.UUID) {
	t.Helper()
	h := Household{Entry: Entry{ID: registry.NewID(), Fields: householdFields()}, Members: members}
	if _, err := Register(ws, testForms(t), today, h); err != nil {
		t.Fatalf("register: %v", err)
	}
	ids := make([]uuid.UUID, len(members))
	for i, m := range members {
		ids[i] = m.ID
	}
	return h.ID, ids
}

func get(t *testing.T, ws Workspace, id uuid.UUID) registry.Record {
	t.Helper()
	rec, err := ws.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

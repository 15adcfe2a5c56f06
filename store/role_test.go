package store

import (
	"crypto/rand"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store/kv"
)

var enumPass = []byte("enumerator passphrase")

// workspaceWithEnumerator makes a workspace with an admin and the enumerator
// "eve", and closes it.
func workspaceWithEnumerator(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddUser("eve", RoleEnumerator, enumPass); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return dir
}

// rewriteOwnSlot is the attack: a user who knows only their own passphrase
// unwraps their slot, gives it another role (and, if makeSecret, a secret of
// their own making with a matching tag), and wraps it again.
func rewriteOwnSlot(t *testing.T, dir, user string, pass []byte, role Role, makeSecret bool) {
	t.Helper()
	path := filepath.Join(dir, KeyFile)
	k, err := readKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := k.find(user)
	keys, err := k.unlockSlot(&k.slots[i], pass)
	if err != nil || len(keys) != 1 {
		t.Fatalf("unlock %s: %v", user, err)
	}
	s := &k.slots[i]
	secret, tag := keys[0].secret, s.seals[keys[0].copy].tag
	s.role = role
	if makeSecret {
		secret = make([]byte, roleSecretSize)
		rand.Read(secret)
		tag = roleTag(secret, k.device, s)
		secret = secretFor(role, secret)
	}
	if err := k.wrapPrivate(s, pass); err != nil {
		t.Fatal(err)
	}
	s.seals = [2]keySeal{{epoch: keys[0].epoch, tag: tag}}
	if err := k.seal(s, &s.seals[0], keys[0].master, secret); err != nil {
		t.Fatal(err)
	}
	if err := writeKeyBytes(path, slotPart(k, i), sealPart(k, i, 0), sealPart(k, i, 1)); err != nil {
		t.Fatal(err)
	}
}

func TestRewrittenRoleIsNotGranted(t *testing.T) {
	for _, tc := range []struct {
		name       string
		role       Role
		makeSecret bool
	}{
		{"role byte to admin, rewrapped", RoleAdmin, false},
		{"role byte to supervisor, rewrapped", RoleSupervisor, false},
		{"admin with a secret of one's own", RoleAdmin, true},
		{"supervisor with a secret of one's own", RoleSupervisor, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := workspaceWithEnumerator(t)
			rewriteOwnSlot(t, dir, "eve", enumPass, tc.role, tc.makeSecret)

			w, err := Open(dir, "eve", enumPass, testOptions())
			if err != nil {
				t.Fatal(err)
			}
			if w.Role() != RoleEnumerator {
				t.Errorf("opened as %s, want enumerator", w.Role())
			}
			if err := w.AddUser("mallory", RoleAdmin, enumPass); !errors.Is(err, ErrForbidden) {
				t.Errorf("add user after the rewrite: %v, want ErrForbidden", err)
			}
			if err := w.RemoveUser("admin"); !errors.Is(err, ErrForbidden) {
				t.Errorf("remove admin after the rewrite: %v, want ErrForbidden", err)
			}
			rep, err := w.Verify()
			if !errors.Is(err, ErrCorrupt) || !mentions(rep.Problems, `"eve"`) {
				t.Errorf("eve's verify: %v %v, want the rewritten slot reported", err, rep.Problems)
			}
			w.Close()

			a, err := Open(dir, "admin", testPass, testOptions())
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			if a.Role() != RoleAdmin {
				t.Errorf("the real admin opened as %s", a.Role())
			}
			rep, err = a.Verify()
			if !errors.Is(err, ErrCorrupt) || !mentions(rep.Problems, `"eve"`) {
				t.Errorf("admin's verify: %v %v, want eve's slot reported", err, rep.Problems)
			}
		})
	}
}

func TestFlippedRoleByteIsRefused(t *testing.T) {
	dir := workspaceWithEnumerator(t)
	path := filepath.Join(dir, KeyFile)
	k, _ := readKeyFile(path)
	i := k.find("eve")
	k.slots[i].role = RoleAdmin // the byte alone, without the passphrase's wrap
	if err := writeSlot(path, k, i); err != nil {
		t.Fatal(err)
	}
	if w, err := Open(dir, "eve", enumPass, testOptions()); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("open after flipping the role byte: %v, want ErrWrongPassphrase", err)
		if err == nil {
			w.Close()
		}
	}
}

func mentions(problems []string, s string) bool {
	for _, p := range problems {
		if strings.Contains(p, s) {
			return true
		}
	}
	return false
}

// TestEnumeratorRefusedByStore calls the store as an enumerator would through
// any front end: everything a supervisor or admin decides is refused.
func TestEnumeratorRefusedByStore(t *testing.T) {
	dir := workspaceWithEnumerator(t)
	a, err := Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	h, edits := household("camp_north", "Amina", "Bako")
	if _, err := a.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	if err := a.AddUser("sam", RoleSupervisor, []byte("supervisor passphrase")); err != nil {
		t.Fatal(err)
	}
	person := edits[1].Record
	a.Close()

	w, err := Open(dir, "eve", enumPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	set := func(field, value string) func() error {
		return func() error {
			_, err := w.Commit(Edit{Record: person, Kind: registry.KindPerson, Set: map[string]string{field: value}})
			return err
		}
	}
	for _, tc := range []struct {
		what string
		call func() error
	}{
		{"add user", func() error { return w.AddUser("mallory", RoleEnumerator, enumPass) }},
		{"remove user", func() error { return w.RemoveUser("sam") }},
		{"set another's passphrase", func() error { return w.SetPassphrase("sam", enumPass) }},
		{"wipe", func() error { _, err := w.Wipe(); return err }},
		{"delete", func() error { _, err := w.Delete(h); return err }},
		{"set _deleted", set(change.DeletedField, "true")},
		{"set _merged_into", set(registry.FieldMergedInto, edits[2].Record.String())},
		{"set _not_duplicate", set(registry.FieldNotDuplicate, edits[2].Record.String())},
		{"resolve", func() error {
			_, err := w.Commit(Edit{Record: person, Kind: registry.KindPerson, Set: map[string]string{"given_name": "Amina"}, Resolve: true})
			return err
		}},
		{"free audit text", func() error { return w.AuditEvent("export", "nothing to see") }},
		{"person-level export", func() error { return w.BeginExport(true, "person-level csv") }},
	} {
		if err := tc.call(); !errors.Is(err, ErrForbidden) {
			t.Errorf("%s: %v, want ErrForbidden", tc.what, err)
		}
	}
	// What an enumerator does do still works.
	if _, err := w.Commit(Edit{Record: person, Kind: registry.KindPerson, Set: map[string]string{"given_name": "Aminata"}}); err != nil {
		t.Errorf("plain edit: %v", err)
	}
	if err := w.BeginExport(false, "aggregate csv"); err != nil {
		t.Errorf("aggregate export: %v", err)
	}
	if err := w.SetPassphrase("eve", []byte("a new enumerator passphrase")); err != nil {
		t.Errorf("own passphrase: %v", err)
	}
	if rep, err := w.Verify(); err != nil {
		t.Errorf("verify: %v %v", err, rep.Problems)
	}
}

func TestEnumeratorReadsAudited(t *testing.T) {
	dir := workspaceWithEnumerator(t)
	a, _ := Open(dir, "admin", testPass, testOptions())
	_, edits := household("camp_north", "Amina")
	if _, err := a.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	person := edits[1].Record
	if err := a.AuditRead("show", []uuid.UUID{person}); err != nil {
		t.Fatal(err)
	}
	a.Close()
	w, _ := Open(dir, "eve", enumPass, testOptions())
	defer w.Close()
	if err := w.AuditRead("show", []uuid.UUID{person}); err != nil {
		t.Fatal(err)
	}
	var reads []AuditEntry
	w.Audit(func(e AuditEntry) error {
		if e.Action == "read" {
			reads = append(reads, e)
		}
		return nil
	})
	if len(reads) != 1 || reads[0].User != "eve" || reads[0].Record != person {
		t.Fatalf("read entries: %+v, want one by eve of %s", reads, person)
	}
	if strings.Contains(reads[0].Detail, "Amina") {
		t.Errorf("read entry holds a value: %q", reads[0].Detail)
	}
}

// TestRolesMigrate turns a new workspace back into one from before role
// secrets (v1 slots, no anchor) and checks the next admin unlock binds it.
func TestRolesMigrate(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	samPass := []byte("supervisor passphrase")
	for _, u := range []struct {
		name string
		role Role
		pass []byte
	}{{"sam", RoleSupervisor, samPass}, {"eve", RoleEnumerator, enumPass}} {
		if err := w.AddUser(u.name, u.role, u.pass); err != nil {
			t.Fatal(err)
		}
	}
	err = w.db.Update(func(tx kv.Tx) error { return tx.Bucket(bucketState).Delete(stateRoleAnchor) })
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	path := filepath.Join(dir, KeyFile)
	for name, pass := range map[string][]byte{"admin": testPass, "sam": samPass, "eve": enumPass} {
		toOldFormat(t, dir, name, pass, false)
	}

	// Before an admin unlocks, the old rule holds.
	s, err := Open(dir, "sam", samPass, testOptions())
	if err != nil || s.Role() != RoleSupervisor {
		t.Fatalf("old workspace, sam: %v %v", s.Role(), err)
	}
	s.Close()

	a, err := Open(dir, "admin", testPass, testOptions())
	if err != nil || a.Role() != RoleAdmin {
		t.Fatalf("migrating admin: %v %v", a, err)
	}
	rep, _ := a.Verify()
	if !mentions(rep.Problems, `"sam" is in the old format`) {
		t.Errorf("admin's verify after migration: %v, want sam's old slot listed", rep.Problems)
	}
	a.Close()
	if k, _ := readKeyFile(path); !k.slots[k.find("admin")].bound {
		t.Error("admin's slot not moved to v2")
	}

	// An old-format supervisor slot no longer proves its role...
	s, _ = Open(dir, "sam", samPass, testOptions())
	if s.Role() != RoleEnumerator {
		t.Errorf("sam before the admin resets: %s, want enumerator", s.Role())
	}
	s.Close()
	// ...until an admin sets its passphrase again.
	a, _ = Open(dir, "admin", testPass, testOptions())
	if err := a.SetPassphrase("sam", samPass); err != nil {
		t.Fatal(err)
	}
	a.Close()
	s, _ = Open(dir, "sam", samPass, testOptions())
	defer s.Close()
	if s.Role() != RoleSupervisor {
		t.Errorf("sam after the reset: %s, want supervisor", s.Role())
	}
	if rep, err := s.Verify(); err != nil {
		t.Errorf("sam's verify: %v %v", err, rep.Problems)
	}
}

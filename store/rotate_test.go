package store

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"fieldreg/store/kv"
)

var (
	samPass = []byte("supervisor passphrase")
	bobPass = []byte("the passphrase of bob")
)

// A child process for the rotation crash test: it removes bob and exits
// (as a kill would: no cleanup) at the step FIELDREG_ROTATE_CRASH names.
func init() {
	if os.Getenv(childEnv) != "rotate" {
		return
	}
	step := os.Getenv("FIELDREG_ROTATE_CRASH")
	rotateCrash = func(s string) {
		if s == step {
			os.Exit(7)
		}
	}
	w, err := Open(os.Getenv("FIELDREG_STORE_DIR"), "admin", testPass, testOptions())
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	if err := w.RemoveUser("bob"); err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println("removed")
	os.Exit(0)
}

// rotationSetup makes a workspace with an admin, the supervisor sam, the
// enumerators eve and bob, three households, a draft and a meta entry.
// It returns the directory and the households' records.
func rotationSetup(t *testing.T) (string, []uuid.UUID) {
	t.Helper()
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, u := range []struct {
		name string
		role Role
		pass []byte
	}{{"sam", RoleSupervisor, samPass}, {"eve", RoleEnumerator, enumPass}, {"bob", RoleEnumerator, bobPass}} {
		if err := w.AddUser(u.name, u.role, u.pass); err != nil {
			t.Fatal(err)
		}
	}
	var ids []uuid.UUID
	for i := range 3 {
		_, edits := household(fmt.Sprintf("camp-%d", i), "Amina", "Yusuf")
		if _, err := w.Commit(edits...); err != nil {
			t.Fatal(err)
		}
		for _, e := range edits {
			ids = append(ids, e.Record)
		}
	}
	if err := w.SaveDraft("household of Amina", []byte("half typed")); err != nil {
		t.Fatal(err)
	}
	if err := w.PutMeta("sync/cursor", []byte("42")); err != nil {
		t.Fatal(err)
	}
	return dir, ids
}

// masterOf returns the master key user's slot holds in the key file at path.
func masterOf(t *testing.T, path, user string, pass []byte) []byte {
	t.Helper()
	k, err := readKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := k.unlockSlot(&k.slots[k.find(user)], pass)
	if err != nil || len(keys) != 1 {
		t.Fatalf("unlock %s: %v (%d keys)", user, err, len(keys))
	}
	return keys[0].master
}

// opensWithMaster counts the values of the database file at path that open
// under master's subkeys, of all the values there are.
func opensWithMaster(t *testing.T, path string, master []byte) (opened, total int) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	nonces := newNonceSource()
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			s, err := newSealer(master, string(name), nonces)
			if err != nil {
				return err
			}
			return b.ForEach(func(k, v []byte) error {
				total++
				if _, err := s.open(k, v); err == nil {
					opened++
				}
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return opened, total
}

// checkRemaining opens the workspace as each remaining user and checks that
// everything is there, roles hold, and it verifies.
func checkRemaining(t *testing.T, dir string, ids []uuid.UUID, digest string) {
	t.Helper()
	for _, u := range []struct {
		name string
		pass []byte
		role Role
	}{{"admin", testPass, RoleAdmin}, {"sam", samPass, RoleSupervisor}, {"eve", enumPass, RoleEnumerator}} {
		w, err := Open(dir, u.name, u.pass, testOptions())
		if err != nil {
			t.Fatalf("%s after the removal: %v", u.name, err)
		}
		if w.Role() != u.role {
			t.Errorf("%s opened as %s, want %s (%v)", u.name, w.Role(), u.role, w.RoleProblems())
		}
		for _, id := range ids {
			if _, err := w.Get(id); err != nil {
				t.Errorf("%s: record %s: %v", u.name, id, err)
			}
		}
		if d, err := w.Draft("household of Amina"); err != nil || string(d) != "half typed" {
			t.Errorf("%s: draft %q %v", u.name, d, err)
		}
		if m, err := w.Meta("sync/cursor"); err != nil || string(m) != "42" {
			t.Errorf("%s: meta %q %v", u.name, m, err)
		}
		if d, _ := w.KeyedDigest("row 7 of the import"); d != digest {
			t.Errorf("%s: keyed digest changed with the key: %s, was %s", u.name, d, digest)
		}
		if rep, err := w.Verify(); err != nil {
			t.Errorf("%s: verify: %v %v", u.name, err, rep.Problems)
		}
		w.Close()
	}
}

// checkCutOff checks that nothing bob kept opens the workspace: neither his
// passphrase, nor his copy of the key file, nor the master key it held.
func checkCutOff(t *testing.T, dir, oldKeys string, oldMaster []byte) {
	t.Helper()
	if _, err := Open(dir, "bob", bobPass, testOptions()); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("bob's passphrase after removal: %v, want ErrWrongPassphrase", err)
	}
	stolen := t.TempDir()
	copyFile(t, oldKeys, keyPath(stolen))
	copyFile(t, dbPath(dir), dbPath(stolen))
	for _, u := range []struct {
		name string
		pass []byte
	}{{"bob", bobPass}, {"admin", testPass}} {
		if _, err := Open(stolen, u.name, u.pass, testOptions()); !errors.Is(err, ErrKeyRotated) {
			t.Errorf("the old key file with %s's passphrase: %v, want ErrKeyRotated", u.name, err)
		}
	}
	if opened, total := opensWithMaster(t, dbPath(dir), oldMaster); opened > 0 || total == 0 {
		t.Errorf("the old master key opens %d of the %d values in the database", opened, total)
	}
	if _, err := os.Stat(dbPath(dir) + rotateSuffix); err == nil {
		t.Error("the rewritten database's temporary file is left")
	}
}

func TestRemoveUserRotatesTheMasterKey(t *testing.T) {
	dir, ids := rotationSetup(t)
	oldKeys := filepath.Join(t.TempDir(), "bob-kept-this.key")
	copyFile(t, keyPath(dir), oldKeys)
	oldMaster := masterOf(t, oldKeys, "bob", bobPass)
	if opened, total := opensWithMaster(t, dbPath(dir), oldMaster); opened != total {
		t.Fatalf("before the removal the master key opens %d of %d values", opened, total)
	}

	w, err := Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	digest, _ := w.KeyedDigest("row 7 of the import")
	var calls, last, total int
	err = w.RemoveUserProgress("bob", func(done, all int) { calls, last, total = calls+1, done, all })
	if err != nil {
		t.Fatal(err)
	}
	if calls == 0 || last != total || total < len(ids) {
		t.Errorf("progress: %d calls, last %d of %d", calls, last, total)
	}
	newMaster, adminSecret := slices.Clone(w.master), slices.Clone(w.adminSecret)
	var removals []AuditEntry
	w.Audit(func(e AuditEntry) error {
		if e.Action == "user-remove" {
			removals = append(removals, e)
		}
		return nil
	})
	w.Close()
	if len(removals) != 1 || !strings.Contains(removals[0].Detail, "bob") || !strings.Contains(removals[0].Detail, "rotated") {
		t.Errorf("audit of the removal: %+v", removals)
	}
	for _, e := range removals {
		for _, secret := range [][]byte{oldMaster, newMaster, adminSecret} {
			if strings.Contains(e.Detail, hex.EncodeToString(secret)) || bytes.Contains([]byte(e.Detail), secret) {
				t.Error("the audit holds a key")
			}
		}
	}
	checkCutOff(t, dir, oldKeys, oldMaster)
	checkRemaining(t, dir, ids, digest)
}

// TestRemoveSupervisorRotatesRoleSecrets: a removed supervisor knew the
// supervisor secret, so the role secrets are new too, and the remaining
// roles still hold.
func TestRemoveSupervisorRotatesRoleSecrets(t *testing.T) {
	dir, ids := rotationSetup(t)
	w, err := Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	digest, _ := w.KeyedDigest("row 7 of the import")
	oldAdmin := slices.Clone(w.adminSecret)
	if err := w.AddUser("sue", RoleSupervisor, []byte("another supervisor")); err != nil {
		t.Fatal(err)
	}
	if err := w.RemoveUser("sam"); err != nil {
		t.Fatal(err)
	}
	newAdmin := slices.Clone(w.adminSecret)
	if bytes.Equal(newAdmin, oldAdmin) {
		t.Error("the admin secret stayed the same after removing a supervisor")
	}
	w.Close()
	s, err := Open(dir, "sue", []byte("another supervisor"), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if s.Role() != RoleSupervisor {
		t.Errorf("sue opened as %s: %v", s.Role(), s.RoleProblems())
	}
	if !bytes.Equal(s.ownSecret, supervisorSecret(newAdmin)) {
		t.Error("sue holds another supervisor secret than the new one")
	}
	s.Close()
	// eve and admin still open, with everything.
	a, err := Open(dir, "admin", testPass, testOptions())
	if err != nil || a.Role() != RoleAdmin {
		t.Fatalf("admin after the removal: %v", err)
	}
	if rep, err := a.Verify(); err != nil {
		t.Errorf("verify: %v %v", err, rep.Problems)
	}
	if d, _ := a.KeyedDigest("row 7 of the import"); d != digest {
		t.Error("keyed digest changed")
	}
	for _, id := range ids {
		if _, err := a.Get(id); err != nil {
			t.Errorf("record %s: %v", id, err)
		}
	}
	a.Close()
}

func TestRemoveUserRefusesSlotsWithoutKeyPairs(t *testing.T) {
	dir, _ := rotationSetup(t)
	toOldFormat(t, dir, "eve", enumPass, true)
	w, err := Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	err = w.RemoveUser("bob")
	if !errors.Is(err, ErrSlotsNotUpgraded) || !strings.Contains(err.Error(), "eve") {
		t.Errorf("remove bob with eve's slot of the old format: %v, want ErrSlotsNotUpgraded naming eve", err)
	}
	w.Close()
	// bob is untouched; eve's next unlock upgrades her slot, and then the
	// removal goes through.
	for _, u := range []struct {
		name string
		pass []byte
	}{{"bob", bobPass}, {"eve", enumPass}} {
		w, err := Open(dir, u.name, u.pass, testOptions())
		if err != nil {
			t.Fatalf("%s after the refusal: %v", u.name, err)
		}
		w.Close()
	}
	w, err = Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.RemoveUser("bob"); err != nil {
		t.Errorf("remove bob once eve's slot has a key pair: %v", err)
	}
}

func TestRemoveUserRules(t *testing.T) {
	dir, _ := rotationSetup(t)
	w, err := Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.RemoveUser("admin"); !errors.Is(err, ErrForbidden) {
		t.Errorf("remove the last admin: %v, want ErrForbidden", err)
	}
	if err := w.RemoveUser("nobody"); !errors.Is(err, ErrNotFound) {
		t.Errorf("remove an unknown user: %v, want ErrNotFound", err)
	}
}

// TestRemoveUserCrash kills the removing process after each step of the
// rotation: every remaining user's passphrase still opens everything, and
// once the removal is done (by the next unlock or by trying again), nothing
// bob kept opens anything.
func TestRemoveUserCrash(t *testing.T) {
	for _, step := range []string{"sealed", "rewritten", "marked", "switched", "audited", ""} {
		t.Run("after "+step, func(t *testing.T) {
			dir, ids := rotationSetup(t)
			oldKeys := filepath.Join(t.TempDir(), "bob-kept-this.key")
			copyFile(t, keyPath(dir), oldKeys)
			oldMaster := masterOf(t, oldKeys, "bob", bobPass)
			w, err := Open(dir, "admin", testPass, testOptions())
			if err != nil {
				t.Fatal(err)
			}
			digest, _ := w.KeyedDigest("row 7 of the import")
			w.Close()

			cmd := childCmd(t, "rotate", dir)
			cmd.Env = append(cmd.Env, "FIELDREG_ROTATE_CRASH="+step)
			out, err := cmd.Output()
			var exit *exec.ExitError
			switch {
			case step == "" && err != nil:
				t.Fatalf("removal: %v %s", err, out)
			case step != "" && (!errors.As(err, &exit) || exit.ExitCode() != 7):
				t.Fatalf("child did not stop after %s: %v %s", step, err, out)
			}

			checkRemaining(t, dir, ids, digest)
			switched := step == "switched" || step == "audited" || step == ""
			b, err := Open(dir, "bob", bobPass, testOptions())
			if !switched {
				// Not switched yet: the removal did not happen; bob is still
				// a user and trying again completes it.
				if err != nil {
					t.Fatalf("bob before the switch: %v", err)
				}
				b.Close()
				a, err := Open(dir, "admin", testPass, testOptions())
				if err != nil {
					t.Fatal(err)
				}
				if err := a.RemoveUser("bob"); err != nil {
					t.Fatalf("remove bob again: %v", err)
				}
				a.Close()
				checkRemaining(t, dir, ids, digest)
			} else if err == nil {
				b.Close()
				t.Fatal("bob opened after the switch")
			}
			checkCutOff(t, dir, oldKeys, oldMaster)
			// The key file holds one seal per remaining user, of the one epoch.
			k, err := readKeyFile(keyPath(dir))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range k.slots {
				if !s.used {
					continue
				}
				if n := btoi(s.seals[0].used) + btoi(s.seals[1].used); n != 1 {
					t.Errorf("%s's slot holds %d seals after the rotation settled", s.name, n)
				}
			}
			if k.find("bob") >= 0 {
				t.Error("bob's slot is still there")
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// BenchmarkRemoveUser: removing a user from a workspace of 10k and 100k
// persons, which re-seals every value under the new master key.
func BenchmarkRemoveUser(b *testing.B) {
	for _, persons := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("persons=%d", persons), func(b *testing.B) {
			src := Fixture(b, persons)
			var values int
			for range b.N {
				b.StopTimer()
				dir := filepath.Join(b.TempDir(), "ws")
				copyWorkspace(b, src, dir)
				opts := testOptions()
				opts.Validate = nil
				w, err := Open(dir, "admin", testPass, opts)
				if err != nil {
					b.Fatal(err)
				}
				if err := w.AddUser("bob", RoleEnumerator, bobPass); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if err := w.RemoveUserProgress("bob", func(_, total int) { values = total }); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				w.Close()
			}
			b.ReportMetric(float64(values), "values")
		})
	}
}

// TestRemoveUserLeavesOutDamagedValues: a value that no longer opens cannot
// be sealed again; the removal goes through, says which it left out, and
// the workspace verifies afterwards.
func TestRemoveUserLeavesOutDamagedValues(t *testing.T) {
	dir, ids := rotationSetup(t)
	w, err := Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.SaveDraft("to be damaged", []byte("x")); err != nil {
		t.Fatal(err)
	}
	key := w.names.key16(bucketDrafts + "\x00to be damaged")
	err = w.db.Update(func(tx kv.Tx) error {
		b := tx.Bucket(bucketDrafts)
		v := slices.Clone(b.Get(key))
		v[len(v)-1] ^= 1
		return b.Put(key, v)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.RemoveUser("bob"); err != nil {
		t.Fatal(err)
	}
	var detail string
	w.Audit(func(e AuditEntry) error {
		if e.Action == "user-remove" {
			detail = e.Detail
		}
		return nil
	})
	if !strings.Contains(detail, "1 damaged values left out: drafts/"+hex.EncodeToString(key)) {
		t.Errorf("audit of the removal: %q, want the damaged draft named", detail)
	}
	w.Close()
	digest := ""
	if w, err := Open(dir, "admin", testPass, testOptions()); err == nil {
		digest, _ = w.KeyedDigest("row 7 of the import")
		w.Close()
	}
	checkRemaining(t, dir, ids, digest)
}

// TestRemoveUserMakesRecordAndSeenKeysAnew: record and seen keys come from
// the master key (keys.go), so a rotation makes every one of them again
// under the new key: records still found, received changes still known
// as received (a resend is not applied twice), and the old master key's
// keyer finds none of them in the new file.
func TestRemoveUserMakesRecordAndSeenKeysAnew(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	f := fill(t, w, 6)
	if err := w.AddUser("bob", RoleEnumerator, bobPass); err != nil {
		t.Fatal(err)
	}
	oldKeyer := w.keyer
	if err := w.RemoveUser("bob"); err != nil {
		t.Fatal(err)
	}
	checkKeysTellNothing(t, w, f)
	checkReadsBack(t, w, f)
	res, err := w.ApplyRemote(f.remote, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Outcome == Applied {
			t.Errorf("remote change %d applied again after the rotation: %+v", i, r)
		}
	}
	keys := allKeys(t, w.db)
	for _, id := range f.ids() {
		old := oldKeyer.recordKey(id)
		if slices.ContainsFunc(keys[bucketRecords], func(k []byte) bool { return bytes.Equal(k, old) }) {
			t.Errorf("record %s is still under its key of the old master key", id)
		}
	}
	w.Close()
	w, err = Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	checkReadsBack(t, w, f)
}

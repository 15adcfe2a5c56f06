package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"fieldreg/hq"
	"fieldreg/store"
)

// damageRecord flips a byte of one record's sealed value in the closed
// workspace (bucket and key as store/doc.go describes them: the key comes
// from the unlocked workspace).
func damageRecord(t *testing.T, dir, id string) {
	t.Helper()
	ws, err := store.Open(dir, "admin", []byte(adminPass), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	key := ws.RecordKey(uuid.MustParse(id))
	ws.Close()
	db, err := bolt.Open(filepath.Join(dir, "workspace.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("records"))
		v := bytes.Clone(b.Get(key))
		v[len(v)/2] ^= 0x20
		return b.Put(key, v)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// One damaged record used to make every command fail ("open workspace: …
// corrupt"). Now verify names it, and every other command warns on one
// line and works with the rest.
func TestOneDamagedRecordLeavesTheRestWorking(t *testing.T) {
	w := newWorkspace(t)
	ids := parseRegistered(t, w.ok("register", "--file", "testdata/households.json"))
	damaged, other := ids["person"][1], ids["person"][0]
	damageRecord(t, w.dir, damaged)

	res := w.run("list", "--kind", "person")
	if res.code != 0 {
		t.Fatalf("list: exit %d: %s", res.code, res.stderr)
	}
	if n := len(lines(res.stdout)); n != 4 {
		t.Errorf("list shows %d persons, want the 4 undamaged", n)
	}
	if warn := lines(res.stderr); len(warn) != 1 || !strings.Contains(warn[0], "1 damaged record is left out") {
		t.Errorf("list warns %q, want one line about 1 damaged record", res.stderr)
	}
	if !strings.Contains(w.ok("show", other), "Aminata") {
		t.Error("show of an undamaged person does not show her")
	}
	w.fails(exitFailure, []string{"corrupt"}, "show", damaged)
	if hits := lines(w.ok("search", "Aminata Ouedraogo")); len(hits) == 0 {
		t.Error("search finds nothing")
	}
	out := filepath.Join(t.TempDir(), "persons.csv")
	w.ok("export", "--format", "csv", "--out", out)
	if csv := readFile(t, out); !strings.Contains(csv, "Aminata") {
		t.Errorf("export lacks the undamaged records:\n%s", csv)
	}

	res = w.fails(exitFailure, []string{"verify found 1 problem"}, "verify")
	if !strings.Contains(res.stdout, "problem: record "+damaged) {
		t.Errorf("verify does not name the damaged record %s:\n%s", damaged, res.stdout)
	}
	if strings.Contains(res.stderr, "warning") {
		t.Errorf("verify warns as well as reporting: %s", res.stderr)
	}
}

// damageChange flips a byte of the change at log seq in the closed workspace.
func damageChange(t *testing.T, dir string, logSeq uint64) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, "workspace.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	key := binary.BigEndian.AppendUint64(nil, logSeq)
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("changes"))
		v := bytes.Clone(b.Get(key))
		v[len(v)-1] ^= 1
		return b.Put(key, v)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// One damaged change of this device used to stop every sync ("sent 0 of
// 8 … Nothing is lost; try again later", for ever) and every bundle
// export. It is set aside, said so, and the rest goes.
func TestDamagedChangeIsSetAsideBySyncAndBundle(t *testing.T) {
	s, _ := startHQ(t)
	w := newWorkspace(t)
	code, err := s.NewEnrollment(context.Background(), hq.Enrollment{Name: "tablet", Team: "north", Sites: []string{"camp_north", "camp_south"}})
	if err != nil {
		t.Fatal(err)
	}
	w.ok("enroll", code.String())
	w.ok("register", "--file", "testdata/households.json") // 8 changes, log seqs 1..8
	damageChange(t, w.dir, 2)

	out := w.ok("sync")
	if !strings.Contains(out, "change 2") || !strings.Contains(out, "set aside") || !strings.Contains(out, "sent 7,") {
		t.Errorf("sync said:\n%s", out)
	}
	if strings.Contains(out, "try again") {
		t.Errorf("sync suggests retrying what retrying cannot fix:\n%s", out)
	}
	if out := w.ok("sync"); !strings.Contains(out, "sent 0,") || strings.Contains(out, "set aside") {
		t.Errorf("second sync said:\n%s", out)
	}
	res := w.fails(exitFailure, []string{"verify found"}, "verify")
	if !strings.Contains(res.stdout, "set aside: change 2") {
		t.Errorf("verify does not list the set-aside change:\n%s", res.stdout)
	}

	// The same households again would be nothing new: other ones, log seqs 9..16.
	more := filepath.Join(t.TempDir(), "more.json")
	if err := os.WriteFile(more, []byte(strings.ReplaceAll(readFile(t, filepath.Join("testdata", "households.json")), `"admin1": "Nord"`, `"admin1": "Centre-Nord"`)), 0o600); err != nil {
		t.Fatal(err)
	}
	w.ok("register", "--file", more)
	damageChange(t, w.dir, 10)
	bundle := filepath.Join(t.TempDir(), "out.bundle")
	out = w.ok("bundle", "export", "--out", bundle)
	if !strings.Contains(out, "change 10") || !strings.Contains(out, "7 changes written") {
		t.Errorf("bundle export said:\n%s", out)
	}
}

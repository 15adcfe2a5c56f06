package app

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldreg/registry"
	"fieldreg/store"
)

// A tablet with one damaged record still unlocks, shows the rest, and
// tells the enumerator on the home screen not to wipe it but to tell a
// supervisor.
func TestHomeSaysWhenARecordIsDamaged(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.registerHousehold(testHousehold, testHead, testSpouse)
	u.registerHousehold(testHousehold, testHead)
	if u.home.damage.Visible() {
		t.Fatalf("a sound workspace shows %q", u.home.damage.Text)
	}
	var person [16]byte
	err := u.ws.Each(registry.KindPerson, func(rec registry.Record) error {
		person = rec.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	key := u.ws.RecordKey(person)
	u.lock()

	db, err := bolt.Open(filepath.Join(u.cfg.Dir, store.DBFile), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("records"))
		v := bytes.Clone(b.Get(key))
		v[len(v)/2] ^= 0x20
		return b.Put(key, v)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	u.unlockWith(testAdmin, testPass)
	if u.ws == nil {
		t.Fatal("a workspace with one damaged record does not unlock")
	}
	if !u.home.damage.Visible() || !strings.Contains(u.home.damage.Text, "Damaged records left out: 1.") {
		t.Errorf("home shows %v %q", u.home.damage.Visible(), u.home.damage.Text)
	}
	if got := u.home.households.Text; !strings.HasSuffix(got, "2 in all") {
		t.Errorf("the other records are not all counted: %q", got)
	}
}

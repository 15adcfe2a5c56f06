package store

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store/kv"
)

// damagedWorkspace registers two households, closes the workspace and
// damages one person's stored record with damage; it returns the directory,
// the damaged person and the households' edits.
func damagedWorkspace(t *testing.T, damage func(t *testing.T, dir string, id uuid.UUID)) (string, uuid.UUID, []Edit) {
	t.Helper()
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	_, a := household("camp-a", "Amina", "Yusuf")
	_, b := household("camp-b", "Omar")
	if _, err := w.Commit(append(a, b...)...); err != nil {
		t.Fatal(err)
	}
	w.Close()
	victim := a[1].Record
	damage(t, dir, victim)
	return dir, victim, append(a, b...)
}

// flipRecordByte flips one byte of a record's sealed value in the file.
func flipRecordByte(t *testing.T, dir string, id uuid.UUID) {
	key := keysOf(t, dir).record(id)
	tamper(t, filepath.Join(dir, DBFile), func(tx kv.Tx) error {
		b := tx.Bucket(bucketRecords)
		v := bytes.Clone(b.Get(key))
		v[len(v)/2] ^= 0x40
		return b.Put(key, v)
	})
}

// sealNotUTF8 stores, correctly sealed, a record whose text is not UTF-8:
// what a workspace held before the store read back what it wrote.
func sealNotUTF8(t *testing.T, dir string, id uuid.UUID) {
	w, err := Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	rec, err := w.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	f := rec.Fields["given_name"]
	f.Versions[0].Value = "Ren\xe9"
	rec.Fields["given_name"] = f
	key := w.recordKey(id)
	sealed := w.seal[bucketRecords].seal(key, encode(toStoredRecord(rec, []uint64{2})))
	w.Close()
	tamper(t, filepath.Join(dir, DBFile), func(tx kv.Tx) error {
		return tx.Bucket(bucketRecords).Put(key, sealed)
	})
}

// A workspace with one damaged record opens: the record is listed as
// damaged and left out; everything else reads, searches and writes.
func TestOneDamagedRecordLeavesTheRestWorking(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(*testing.T, string, uuid.UUID)
		reason string
	}{
		{"flipped byte", flipRecordByte, "authentication failed"},
		{"text not UTF-8", sealNotUTF8, "does not decode"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, victim, edits := damagedWorkspace(t, tc.damage)
			w, err := Open(dir, "admin", testPass, testOptions())
			if err != nil {
				t.Fatalf("open with one damaged record: %v", err)
			}
			defer w.Close()
			d := w.Damaged()
			if len(d) != 1 || d[0].Record != victim || d[0].Bucket != bucketRecords || !strings.Contains(d[0].Reason, tc.reason) {
				t.Fatalf("damaged: %v, want record %s (%s)", d, victim, tc.reason)
			}
			if strings.Contains(d[0].String(), "Ren") {
				t.Errorf("the damage report quotes the value: %s", d[0])
			}
			if _, err := w.Get(victim); !errors.Is(err, ErrCorrupt) {
				t.Errorf("get the damaged record: %v, want ErrCorrupt", err)
			}
			if n := w.Count(registry.KindPerson); n != 2 {
				t.Errorf("%d persons listed, want the 2 undamaged", n)
			}
			var names []string
			if err := w.Each(registry.KindPerson, func(r registry.Record) error {
				names = append(names, r.Value("given_name"))
				return nil
			}); err != nil {
				t.Fatalf("each person: %v", err)
			}
			if strings.Join(names, ",") != "Yusuf,Omar" {
				t.Errorf("persons read: %v", names)
			}
			if hits := w.Search("omar", 5); len(hits) != 1 {
				t.Errorf("search omar: %v", hits)
			}
			if _, err := w.Commit(Edit{Record: edits[2].Record, Kind: registry.KindPerson, Set: map[string]string{"given_name": "Yusra"}}); err != nil {
				t.Errorf("edit another person: %v", err)
			}
			rep, err := w.Verify()
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("verify: %v, want ErrCorrupt", err)
			}
			if len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0], victim.String()) {
				t.Errorf("verify problems %q, want one naming %s", rep.Problems, victim)
			}
			// A change for the damaged record from elsewhere is quarantined;
			// the rest of its batch is stored.
			dev := newRemoteDevice(nil)
			res, err := w.ApplyRemote([]change.Change{
				dev.change(victim, registry.KindPerson, nil, map[string]string{"sex": "male"}),
				dev.change(registry.NewID(), registry.KindHousehold, nil, map[string]string{"site": "camp-c"}),
			}, nil)
			if err != nil {
				t.Fatalf("apply remote changes: %v", err)
			}
			if res[0].Outcome != Quarantined || !strings.Contains(res[0].Reason, "damaged") || res[1].Outcome != Applied {
				t.Errorf("outcomes %+v", res)
			}
		})
	}
}

// ownDamaged commits n edits of this device, closes the workspace and
// damages the change log at device seq bad with damage.
func ownDamaged(t *testing.T, n int, bad uint64, damage func(tx kv.Tx, logSeq uint64) error) (string, []uuid.UUID) {
	t.Helper()
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	var ids []uuid.UUID
	for range n {
		h := registry.NewID()
		if _, err := w.Commit(Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp-a"}}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, h)
	}
	w.Close()
	tamper(t, filepath.Join(dir, DBFile), func(tx kv.Tx) error { return damage(tx, bad) }) // log seq = device seq: all local
	return dir, ids
}

func flipChange(tx kv.Tx, logSeq uint64) error {
	b := tx.Bucket(bucketChanges)
	v := bytes.Clone(b.Get(seqKey(logSeq)))
	v[len(v)-1] ^= 1
	return b.Put(seqKey(logSeq), v)
}

// A change of this device that cannot be read is set aside: the queue
// holds a placeholder in its place, so it has no gap, and the set-aside
// list names it with the reason, across reopening.
func TestDamagedOwnChangeIsSetAside(t *testing.T) {
	for _, tc := range []struct {
		name       string
		damage     func(kv.Tx, uint64) error
		reason     string
		knowRecord bool
	}{
		{"flipped byte", flipChange, "authentication failed", false},
		{"removed", func(tx kv.Tx, seq uint64) error { return tx.Bucket(bucketChanges).Delete(seqKey(seq)) }, "missing", false},
		{"seen entry removed", func(tx kv.Tx, seq uint64) error {
			k, _ := tx.Bucket(bucketSeen).Cursor().First()
			return tx.Bucket(bucketSeen).Delete(append(k[:16:16], seqKey(seq)...))
		}, "missing", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, ids := ownDamaged(t, 4, 2, tc.damage)
			w, err := Open(dir, "admin", testPass, testOptions())
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			own, err := w.OwnChangesAfter(0, 0)
			if err != nil {
				t.Fatalf("read the queue: %v", err)
			}
			if len(own) != 4 {
				t.Fatalf("queue of %d changes, want 4", len(own))
			}
			for i, c := range own {
				if c.DeviceSeq != uint64(i+1) {
					t.Errorf("queue position %d holds seq %d", i, c.DeviceSeq)
				}
				if set := IsSetAside(c); set != (i == 1) {
					t.Errorf("seq %d: set aside %v", c.DeviceSeq, set)
				}
				if i != 1 && c.Record != ids[i] {
					t.Errorf("seq %d is about %s, want %s", c.DeviceSeq, c.Record, ids[i])
				}
			}
			if err := own[1].Validate(); err == nil {
				t.Error("a placeholder passes change.Validate: some replica might apply it")
			}
			if _, err := w.OwnChangesAfter(0, 2); err != nil { // read again: listed once
				t.Fatal(err)
			}
			w.Close()
			w, err = Open(dir, "admin", testPass, testOptions())
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			list, err := w.SetAside()
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].DeviceSeq != 2 || !strings.Contains(list[0].Reason, tc.reason) {
				t.Fatalf("set aside: %+v, want change 2 (%s)", list, tc.reason)
			}
			// HQ (any replica) quarantines the placeholder with the reason.
			hq := newTestWorkspace(t)
			res, err := hq.ApplyRemote(own, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res[1].Outcome != Quarantined || !strings.Contains(res[1].Reason, "set aside on device") || res[0].Outcome != Applied || res[3].Outcome != Applied {
				t.Errorf("HQ outcomes %+v", res)
			}
		})
	}
}

// A change that deletes carries nothing but the deletion; other writes to a
// deleted record pass the form as if it were live; a change or a record
// over its byte cap is refused. Locally that is an
// error naming the record; from elsewhere, a quarantine.
func TestDeletedRecordsAndByteCaps(t *testing.T) {
	big := strings.Repeat("x", 40<<10)
	for _, tc := range []struct {
		name  string
		setup []map[string]string // changes before, from the same device
		set   map[string]string
		ok    bool
	}{
		{"delete", nil, map[string]string{change.DeletedField: "true"}, true},
		{"merge", nil, map[string]string{change.DeletedField: "true", registry.FieldMergedInto: uuid.NewString()}, true},
		{"delete with a name", nil, map[string]string{change.DeletedField: "true", "given_name": "Junk"}, false},
		{"delete with a bad value", nil, map[string]string{change.DeletedField: "yes"}, false},
		// An edit made before its author saw the deletion is kept, as it is
		// on replicas where it came first; it must pass the form as if the
		// record were live.
		{"edit a deleted record", []map[string]string{{change.DeletedField: "true"}}, map[string]string{"given_name": "Amna"}, true},
		{"junk in a deleted record", []map[string]string{{change.DeletedField: "true"}}, map[string]string{"sex": "robot"}, false},
		{"merge a deleted record", []map[string]string{{change.DeletedField: "true"}}, map[string]string{registry.FieldMergedInto: uuid.NewString()}, true},
		{"undelete and edit", []map[string]string{{change.DeletedField: "true"}}, map[string]string{change.DeletedField: "false", "given_name": "Back"}, true},
		{"change over its cap", nil, map[string]string{"given_name": big, "family_name": big}, false},
		{"record over its cap", []map[string]string{{"given_name": big}, {"given_name": big + "1"}, {"given_name": big + "2"}, {"given_name": big + "3"}, {"given_name": big + "4"}, {"given_name": big + "5"}}, map[string]string{"given_name": big + "6"}, false},
	} {
		t.Run(tc.name+"/remote", func(t *testing.T) {
			w := newTestWorkspace(t)
			dev := newRemoteDevice(nil)
			p := registry.NewID()
			base := map[string]change.Stamp{}
			batch := []change.Change{dev.change(p, registry.KindPerson, nil, map[string]string{"given_name": "Amina"})}
			for _, set := range tc.setup {
				batch = append(batch, dev.change(p, registry.KindPerson, base, set))
			}
			res, err := w.ApplyRemote(batch, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range res {
				if r.Outcome != Applied {
					t.Fatalf("setup change %d: %v %s", i, r.Outcome, r.Reason)
				}
			}
			before, _ := w.Get(p)
			res, err = w.ApplyRemote([]change.Change{dev.change(p, registry.KindPerson, base, tc.set)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := res[0].Outcome == Applied; got != tc.ok {
				t.Fatalf("applied %v, want %v (%s)", got, tc.ok, res[0].Reason)
			}
			if !tc.ok {
				if after, _ := w.Get(p); !sameRecord(before, after) {
					t.Error("a quarantined change changed the record")
				}
			}
		})
		t.Run(tc.name+"/local", func(t *testing.T) {
			w := newTestWorkspace(t)
			p := registry.NewID()
			commit := func(set map[string]string) error {
				_, err := w.Commit(Edit{Record: p, Kind: registry.KindPerson, Set: set})
				return err
			}
			if err := commit(map[string]string{"given_name": "Amina"}); err != nil {
				t.Fatal(err)
			}
			for _, set := range tc.setup {
				if err := commit(set); err != nil {
					t.Fatal(err)
				}
			}
			err := commit(tc.set)
			if (err == nil) != tc.ok {
				t.Fatalf("commit: %v, want ok %v", err, tc.ok)
			}
			if err != nil && !strings.Contains(err.Error(), p.String()) {
				t.Errorf("the error does not name the record: %v", err)
			}
		})
	}
}

// Junk written to a deleted record from elsewhere — kilobytes on the wire
// that once grew the file by hundreds of megabytes — is quarantined
// without the junk, and the file stays small.
func TestJunkForADeletedRecordDoesNotGrowTheWorkspace(t *testing.T) {
	w := newTestWorkspace(t)
	dev := newRemoteDevice(nil)
	p := registry.NewID()
	if _, err := w.ApplyRemote([]change.Change{
		dev.change(p, registry.KindPerson, nil, map[string]string{"given_name": "Amina"}),
		dev.change(p, registry.KindPerson, nil, map[string]string{change.DeletedField: "true"}),
	}, nil); err != nil {
		t.Fatal(err)
	}
	start := w.FileSize()
	junk := strings.Repeat("\u00e9", 30<<10) // 60 KiB, compresses to almost nothing
	var received int
	for range 20 {
		var batch []change.Change
		for range 10 {
			set := map[string]string{}
			for f := range 16 {
				set[string(rune('a'+f))+"_junk"] = junk
			}
			c := dev.change(p, registry.KindPerson, nil, set)
			received += changeBytes(c)
			batch = append(batch, c)
		}
		res, err := w.ApplyRemote(batch, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if r.Outcome != Quarantined {
				t.Fatalf("junk %v", r.Outcome)
			}
		}
	}
	grown := w.FileSize() - start
	t.Logf("received %d MiB of junk, file grew %d KiB", received>>20, grown>>10)
	if grown > 4<<20 {
		t.Errorf("file grew by %d bytes for %d bytes of refused junk", grown, received)
	}
	q, err := w.Quarantined()
	if err != nil || len(q) != 200 {
		t.Fatalf("quarantine: %d entries, %v", len(q), err)
	}
	if n := changeBytes(q[0].Change); n > MaxChangeBytes {
		t.Errorf("the quarantine keeps %d bytes of one refused change", n)
	}
}

// A record damaged while the workspace is open is skipped by Each (an
// export goes on without it) and listed as damaged from then on.
func TestRecordDamagedWhileOpenIsSkipped(t *testing.T) {
	w, err := Create(t.TempDir(), "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	_, e := household("camp-a", "Amina", "Yusuf")
	if _, err := w.Commit(e...); err != nil {
		t.Fatal(err)
	}
	victim := e[1].Record
	if err := w.db.Update(func(tx kv.Tx) error {
		b := tx.Bucket(bucketRecords)
		v := bytes.Clone(b.Get(w.recordKey(victim)))
		v[len(v)-1] ^= 1
		return b.Put(w.recordKey(victim), v)
	}); err != nil {
		t.Fatal(err)
	}
	var read []uuid.UUID
	if err := w.Each(registry.KindPerson, func(r registry.Record) error { read = append(read, r.ID); return nil }); err != nil {
		t.Fatalf("each: %v", err)
	}
	if len(read) != 1 || read[0] != e[2].Record {
		t.Errorf("read %v, want only %s", read, e[2].Record)
	}
	if d := w.Damaged(); len(d) != 1 || d[0].Record != victim {
		t.Errorf("damaged %v", d)
	}
	if w.Count(registry.KindPerson) != 1 {
		t.Errorf("%d persons listed after the damage was found", w.Count(registry.KindPerson))
	}
}

// Reading the log (HQ's index at open, its pulls) skips a damaged change
// and lists it, instead of stopping there on every read.
func TestChangesAfterSkipsADamagedChange(t *testing.T) {
	dir, _ := ownDamaged(t, 3, 2, flipChange)
	w, err := Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	got, err := w.ChangesAfter(0, 0)
	if err != nil {
		t.Fatalf("read the log: %v", err)
	}
	if len(got) != 2 || got[0].LogSeq != 1 || got[1].LogSeq != 3 {
		t.Errorf("log read: %+v, want changes 1 and 3", got)
	}
	if d := w.Damaged(); len(d) != 1 || d[0].Bucket != bucketChanges || d[0].Key != "2" {
		t.Errorf("damaged: %v, want change 2", d)
	}
}

// A refused change is kept whole for a supervisor, however it is stored.
func TestQuarantineKeepsALargeChangeWhole(t *testing.T) {
	w := newTestWorkspace(t)
	dev := newRemoteDevice(nil)
	c := dev.change(registry.NewID(), registry.KindPerson, nil, map[string]string{
		"sex": "robot", "notes": strings.Repeat("long note ", 4000), "other_names": "Amina"})
	res, err := w.ApplyRemote([]change.Change{c}, nil)
	if err != nil || res[0].Outcome != Quarantined {
		t.Fatalf("apply: %+v, %v", res, err)
	}
	q, err := w.Quarantined()
	if err != nil || len(q) != 1 {
		t.Fatalf("quarantine: %+v, %v", q, err)
	}
	got := q[0].Change
	if len(got.Writes) != len(c.Writes) {
		t.Fatalf("kept %d writes of %d", len(got.Writes), len(c.Writes))
	}
	for i := range c.Writes {
		if got.Writes[i].Field != c.Writes[i].Field || got.Writes[i].Value != c.Writes[i].Value || got.Writes[i].Base != c.Writes[i].Base {
			t.Errorf("write %d kept as %+v", i, got.Writes[i])
		}
	}
}

// A received change whose seen entry is damaged is taken again, not a
// reason to refuse every later pull.
func TestDamagedSeenEntryDoesNotStopPulls(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	dev := newRemoteDevice(nil)
	h := registry.NewID()
	first := dev.change(h, registry.KindHousehold, nil, map[string]string{"site": "camp-r"})
	if _, err := w.ApplyRemote([]change.Change{first}, nil); err != nil {
		t.Fatal(err)
	}
	w.Close()
	k := keysOf(t, dir).seen(first.Device, first.DeviceSeq)
	tamper(t, filepath.Join(dir, DBFile), func(tx kv.Tx) error {
		b := tx.Bucket(bucketSeen)
		v := bytes.Clone(b.Get(k))
		v[0] ^= 1
		return b.Put(k, v)
	})
	w, err = Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	next := dev.change(registry.NewID(), registry.KindHousehold, nil, map[string]string{"site": "camp-s"})
	res, err := w.ApplyRemote([]change.Change{first, next}, nil)
	if err != nil {
		t.Fatalf("pull after a damaged seen entry: %v", err)
	}
	if res[1].Outcome != Applied {
		t.Errorf("outcomes %+v", res)
	}
	if rec, err := w.Get(h); err != nil || rec.Value("site") != "camp-r" {
		t.Errorf("the record received twice: %v, %v", rec.Value("site"), err)
	}
}

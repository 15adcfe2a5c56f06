package store

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/internal/pgtest"
	"fieldreg/registry"
	"fieldreg/store/kv"
)

// The key functions of key format 1 (before keys.go), kept to write the
// old layout a workspace made by earlier versions has.
func format1RecordKey(id uuid.UUID) []byte { return bytes.Clone(id[:]) }

func format1SeenKey(device uuid.UUID, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(bytes.Clone(device[:]), seq)
}

// toFormat1 rewrites the open workspace's database as key format 1 had it:
// records under their ids, seen entries under device id ‖ device seq, each
// sealed for that key, and no key-format entry.
func toFormat1(t *testing.T, w *Workspace) {
	t.Helper()
	err := w.db.Update(func(tx kv.Tx) error {
		rb, rs := tx.Bucket(bucketRecords), w.seal[bucketRecords]
		for _, k := range bucketKeys(rb) {
			plain, err := rs.open(k, rb.Get(k))
			if err != nil {
				return err
			}
			id := w.recordID(k)
			if err := rb.Delete(k); err != nil {
				return err
			}
			if err := rb.Put(format1RecordKey(id), rs.seal(format1RecordKey(id), plain)); err != nil {
				return err
			}
		}
		sb, ss := tx.Bucket(bucketSeen), w.seal[bucketSeen]
		for _, k := range bucketKeys(sb) {
			plain, err := ss.open(k, sb.Get(k))
			if err != nil {
				return err
			}
			c, err := w.readChange(tx, binary.BigEndian.Uint64(plain))
			if err != nil {
				return err
			}
			old := format1SeenKey(c.Device, c.DeviceSeq)
			if err := sb.Delete(k); err != nil {
				return err
			}
			if err := sb.Put(old, ss.seal(old, plain)); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketState).Delete(stateKeyFormat)
	})
	if err != nil {
		t.Fatalf("write format 1: %v", err)
	}
}

// keyFixture is what a test wrote, to look for in keys and to read back.
type keyFixture struct {
	households [][]uuid.UUID // each household's id and its members', committed together
	devices    []uuid.UUID   // this device and the remote ones
	remote     []change.Change
	ownChanges int
}

func (f keyFixture) ids() []uuid.UUID {
	var ids []uuid.UUID
	for _, h := range f.households {
		ids = append(ids, h...)
	}
	return ids
}

// fill writes households (one commit each), changes from two other devices,
// a refused change and a draft.
func fill(t *testing.T, w *Workspace, households int) keyFixture {
	t.Helper()
	f := keyFixture{devices: []uuid.UUID{w.Device()}}
	for i := range households {
		h, edits := household(fmt.Sprintf("camp-%d", i%3), "Amina", "Yusuf", "Omar")
		if _, err := w.Commit(edits...); err != nil {
			t.Fatal(err)
		}
		ids := []uuid.UUID{h}
		for _, e := range edits[1:] {
			ids = append(ids, e.Record)
		}
		f.households = append(f.households, ids)
		f.ownChanges += len(edits)
	}
	for range 2 {
		dev := newRemoteDevice(nil)
		f.devices = append(f.devices, dev.clock.Device())
		h := registry.NewID()
		p := registry.NewID()
		cs := []change.Change{
			dev.change(h, registry.KindHousehold, nil, map[string]string{"site": "camp-r"}),
			dev.change(p, registry.KindPerson, nil, map[string]string{"household_id": h.String(), "given_name": "Zainab"}),
			dev.change(registry.NewID(), registry.KindPerson, nil, map[string]string{"sex": "female"}), // refused: no given_name
		}
		if _, err := w.ApplyRemote(cs, nil); err != nil {
			t.Fatal(err)
		}
		f.households = append(f.households, []uuid.UUID{h, p})
		f.remote = append(f.remote, cs[:2]...)
	}
	if err := w.SaveDraft("draft one", []byte("Amina draft")); err != nil {
		t.Fatal(err)
	}
	return f
}

// allKeys lists every key of every bucket, through the engine.
func allKeys(t *testing.T, db kv.DB) map[string][][]byte {
	t.Helper()
	out := map[string][][]byte{}
	err := db.View(func(tx kv.Tx) error {
		for _, name := range append(slices.Clone(allBuckets), lateBuckets...) {
			if b := tx.Bucket(name); b != nil {
				out[name] = bucketKeys(b)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// telltales are the byte strings no key (and no byte of a bbolt file) may
// hold: every record id, every device id, and each record id's first six
// bytes (the UUIDv7 time, in milliseconds).
func (f keyFixture) telltales() map[string][]byte {
	out := map[string][]byte{}
	for _, id := range f.ids() {
		out["record id "+id.String()] = bytes.Clone(id[:])
		out["time prefix of "+id.String()] = bytes.Clone(id[:6])
	}
	for _, d := range f.devices {
		out["device id "+d.String()] = bytes.Clone(d[:])
	}
	return out
}

func checkKeysTellNothing(t *testing.T, w *Workspace, f keyFixture) {
	t.Helper()
	keys := allKeys(t, w.db)
	tells := f.telltales()
	for bucket, ks := range keys {
		for _, k := range ks {
			for what, tell := range tells {
				if bytes.Contains(k, tell) {
					t.Errorf("%s key %x holds the %s", bucket, k, what)
				}
			}
		}
	}
	// Records committed together share no key prefix (not even two bytes),
	// so a household's size cannot be read off the key order.
	for _, h := range f.households {
		for i, a := range h {
			for _, b := range h[i+1:] {
				if ka, kb := w.recordKey(a), w.recordKey(b); bytes.Equal(ka[:2], kb[:2]) {
					t.Errorf("records %s and %s of one household share the key prefix %x", a, b, ka[:2])
				}
			}
		}
	}
	if n := len(keys[bucketRecords]); n != len(f.ids()) {
		t.Errorf("%d record keys, want %d", n, len(f.ids()))
	}
}

// checkFileTellsNothing looks for the telltales in every byte of the bbolt
// file: its live keys and its free pages.
func checkFileTellsNothing(t *testing.T, dir string, f keyFixture) {
	t.Helper()
	raw, err := os.ReadFile(dbPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	for what, tell := range f.telltales() {
		if i := bytes.Index(raw, tell); i >= 0 {
			t.Errorf("the bbolt file holds the %s at byte %d", what, i)
		}
	}
}

func checkReadsBack(t *testing.T, w *Workspace, f keyFixture) {
	t.Helper()
	for _, id := range f.ids() {
		if _, err := w.Get(id); err != nil {
			t.Errorf("get %s: %v", id, err)
		}
	}
	if rep, err := w.Verify(); err != nil {
		t.Errorf("verify: %v %v", err, rep.Problems)
	}
	held, seen, err := w.SeenChanges(f.remote)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range f.remote {
		if !seen[i] || held[i].Record != c.Record {
			t.Errorf("remote change %s#%d not seen (%v)", c.Device, c.DeviceSeq, held[i].Record)
		}
	}
	own, err := w.OwnChangesAfter(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(own) != f.ownChanges {
		t.Errorf("%d own changes, want %d", len(own), f.ownChanges)
	}
	for i, c := range own {
		if c.DeviceSeq != uint64(i+1) || IsSetAside(c) {
			t.Errorf("own change %d: device seq %d, set aside %v", i, c.DeviceSeq, IsSetAside(c))
		}
	}
	if got := w.DeviceSeq(); got != uint64(f.ownChanges) {
		t.Errorf("device seq %d, want %d", got, f.ownChanges)
	}
}

// engines runs a test on a bbolt workspace and on one in PostgreSQL.
func engines(t *testing.T, fn func(t *testing.T, opts Options)) {
	t.Run("bbolt", func(t *testing.T) { fn(t, testOptions()) })
	t.Run("postgres", func(t *testing.T) {
		c := pgtest.Need(t, PGCluster)
		opts := testOptions()
		opts.Database = c.NewURL(t)
		fn(t, opts)
	})
}

// No key of any bucket holds a record id, a device id or a UUIDv7 time;
// everything reads back.
func TestKeysTellNothing(t *testing.T) {
	engines(t, func(t *testing.T, opts Options) {
		dir := t.TempDir()
		w, err := Create(dir, "admin", testPass, opts)
		if err != nil {
			t.Fatal(err)
		}
		f := fill(t, w, 20)
		checkKeysTellNothing(t, w, f)
		w.Close()
		if opts.Database == "" {
			// Compact first: free pages may hold anything written, and
			// what matters here is what the layout itself puts there.
			w, err = Open(dir, "admin", testPass, opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Compact(); err != nil {
				t.Fatal(err)
			}
			w.Close()
			checkFileTellsNothing(t, dir, f)
		}
		w, err = Open(dir, "admin", testPass, opts)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		checkReadsBack(t, w, f)
	})
}

// A workspace written with key format 1 opens, is moved to the current
// keys once, and (bbolt) compacted so the file holds no old key anywhere.
func TestFormat1WorkspaceIsMovedOnce(t *testing.T) {
	engines(t, func(t *testing.T, opts Options) {
		dir := t.TempDir()
		w, err := Create(dir, "admin", testPass, opts)
		if err != nil {
			t.Fatal(err)
		}
		f := fill(t, w, 10)
		toFormat1(t, w)
		old := allKeys(t, w.db)
		w.Close()
		h := f.households[0][0]
		if !slices.ContainsFunc(old[bucketRecords], func(k []byte) bool { return bytes.Equal(k, h[:]) }) {
			t.Fatal("the format 1 fixture does not key records by id")
		}

		w, err = Open(dir, "admin", testPass, opts)
		if err != nil {
			t.Fatalf("open a format 1 workspace: %v", err)
		}
		checkKeysTellNothing(t, w, f)
		checkReadsBack(t, w, f)
		kf, err := w.readKeyFormat()
		if err != nil || kf != (storedKeyFormat{Version: keyFormat}) {
			t.Errorf("key format after the move: %+v, %v", kf, err)
		}
		// New work continues the device's seqs.
		_, edits := household("camp-9", "Halima")
		res, err := w.Commit(edits...)
		if err != nil {
			t.Fatal(err)
		}
		if got := res[0].DeviceSeq; got != uint64(f.ownChanges+1) {
			t.Errorf("the first change after the move has device seq %d, want %d", got, f.ownChanges+1)
		}
		w.Close()
		if opts.Database == "" {
			checkFileTellsNothing(t, dir, f)
		}

		// Once: a second open moves nothing.
		before := allKeysOf(t, dir, opts)
		w, err = Open(dir, "admin", testPass, opts)
		if err != nil {
			t.Fatal(err)
		}
		w.Close()
		after := allKeysOf(t, dir, opts)
		for _, b := range []string{bucketRecords, bucketSeen} {
			if !slices.EqualFunc(before[b], after[b], bytes.Equal) {
				t.Errorf("a second open changed the %s keys", b)
			}
		}
	})
}

// allKeysOf is allKeys of the closed workspace in dir.
func allKeysOf(t *testing.T, dir string, opts Options) map[string][][]byte {
	t.Helper()
	db, err := opts.withDefaults().engine(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return allKeys(t, db)
}

// A database from a newer key format is refused, not misread.
func TestNewerKeyFormatIsRefused(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.db.Update(func(tx kv.Tx) error { return w.putKeyFormat(tx, storedKeyFormat{Version: keyFormat + 1}) }); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if _, err := Open(dir, "admin", testPass, testOptions()); !errors.Is(err, ErrNewerFormat) {
		t.Fatalf("open: %v, want ErrNewerFormat", err)
	}
}

// migrateChild opens a workspace (moving it to the current keys) and says so.
func migrateChild(dir string) {
	w, err := Open(dir, "admin", testPass, testOptions())
	if err != nil {
		fmt.Println("error", err)
		return
	}
	w.Close()
	fmt.Println("opened")
}

// A process killed while it moves a workspace to the new keys leaves the
// old layout or the new one, never a mix, and the next open finishes.
func TestMoveKilledMidway(t *testing.T) {
	src := t.TempDir()
	w, err := Create(src, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	f := fill(t, w, 150)
	toFormat1(t, w)
	w.Close()
	ids := map[string]bool{}
	for _, id := range f.ids() {
		ids[string(id[:])] = true
	}
	cycles := 8
	if testing.Short() {
		cycles = 4
	}
	var layouts [2]int
	for cycle := range cycles {
		dir := filepath.Join(t.TempDir(), "ws")
		copyDir(t, src, dir)
		cmd := childCmd(t, "migrate", dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.IntN(80)) * time.Millisecond)
		cmd.Process.Kill()
		line, _ := bufio.NewReader(out).ReadString('\n')
		io.Copy(io.Discard, out)
		cmd.Wait()
		if strings.HasPrefix(line, "error") {
			t.Fatalf("cycle %d: child: %s", cycle, line)
		}
		db, err := kv.OpenBolt(dbPath(dir), time.Second)
		if err != nil {
			t.Fatalf("cycle %d: %v", cycle, err)
		}
		var oldKeys, newKeys int
		db.View(func(tx kv.Tx) error {
			return tx.Bucket(bucketRecords).ForEach(func(k, _ []byte) error {
				if ids[string(k)] {
					oldKeys++
				} else {
					newKeys++
				}
				return nil
			})
		})
		db.Close()
		switch {
		case oldKeys == len(ids) && newKeys == 0:
			layouts[0]++
		case newKeys == len(ids) && oldKeys == 0:
			layouts[1]++
		default:
			t.Fatalf("cycle %d: killed mid-move, the file holds %d old and %d new record keys", cycle, oldKeys, newKeys)
		}
		w, err := Open(dir, "admin", testPass, testOptions())
		if err != nil {
			t.Fatalf("cycle %d: open after the kill: %v", cycle, err)
		}
		checkReadsBack(t, w, f)
		w.Close()
		checkFileTellsNothing(t, dir, f)
	}
	t.Logf("killed with the old layout %d times, with the new %d times", layouts[0], layouts[1])
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{DBFile, KeyFile} {
		b, err := os.ReadFile(filepath.Join(from, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// A format 1 bbolt workspace moved to PostgreSQL as it is (MoveToPostgres
// copies keys without reading them) is moved to the new keys there, at its
// first open.
func TestFormat1MovedToPostgresOpens(t *testing.T) {
	c := pgtest.Need(t, PGCluster)
	dir := t.TempDir()
	w, err := Create(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	f := fill(t, w, 5)
	toFormat1(t, w)
	w.Close()
	url := c.NewURL(t)
	if _, err := MoveToPostgres(dir, url, time.Second); err != nil {
		t.Fatal(err)
	}
	w, err = Open(dir, "admin", testPass, testOptions())
	if err != nil {
		t.Fatalf("open the moved format 1 workspace: %v", err)
	}
	defer w.Close()
	if _, bolt := w.db.(*kv.Bolt); bolt {
		t.Fatal("opened the bbolt file, not the database")
	}
	checkKeysTellNothing(t, w, f)
	checkReadsBack(t, w, f)
}

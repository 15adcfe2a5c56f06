package store

import (
	"errors"
	"runtime"
	"sync"
	"testing"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store/kv"
)

// recordingIndexer remembers every call, in order.
type recordingIndexer struct {
	mu    sync.Mutex
	calls []registry.Record
	block func(n int) // called before recording call n (from 0), when not nil
}

func (r *recordingIndexer) Index(rec registry.Record) {
	r.mu.Lock()
	n := len(r.calls)
	r.mu.Unlock()
	if r.block != nil {
		r.block(n)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, rec.Clone())
}

// heard returns how often the indexer heard of id and the last state it heard.
func (r *recordingIndexer) heard(id uuid.UUID) (int, registry.Record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n, last := 0, registry.Record{}
	for _, rec := range r.calls {
		if rec.ID == id {
			n++
			last = rec
		}
	}
	return n, last
}

func (r *recordingIndexer) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.calls)
}

func TestAttachHearsEveryRecordOnce(t *testing.T) {
	w := newTestWorkspace(t)
	h1, e1 := household("camp-a", "Amina", "Bashir")
	h2, e2 := household("camp-b", "Chidi")
	for _, e := range [][]Edit{e1, e2} {
		if _, err := w.Commit(e...); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Commit(Edit{Record: e1[1].Record, Kind: registry.KindPerson, Set: map[string]string{"given_name": "Aminata"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Delete(h2); err != nil {
		t.Fatal(err)
	}

	ix := &recordingIndexer{}
	if err := w.Attach(ix); err != nil {
		t.Fatal(err)
	}
	all := append(append([]Edit(nil), e1...), e2...)
	if ix.count() != len(all) {
		t.Errorf("heard %d calls for %d records", ix.count(), len(all))
	}
	for _, e := range all {
		n, last := ix.heard(e.Record)
		if n != 1 {
			t.Errorf("%s %s heard %d times", e.Kind, e.Record, n)
		}
		want, err := w.Get(e.Record)
		if err != nil {
			t.Fatal(err)
		}
		if last.Kind != want.Kind || last.Value("given_name") != want.Value("given_name") || last.Deleted() != want.Deleted() {
			t.Errorf("%s heard as %v, stored %v", e.Record, last.Values(), want.Values())
		}
	}
	if _, last := ix.heard(e1[1].Record); last.Value("given_name") != "Aminata" {
		t.Errorf("edited person heard as %q", last.Value("given_name"))
	}
	if _, last := ix.heard(h2); !last.Deleted() {
		t.Error("the deleted household was not heard as deleted")
	}
	if _, last := ix.heard(h1); last.Value("site") != "camp-a" {
		t.Errorf("household heard with site %q", last.Value("site"))
	}
}

func TestAttachedIndexerHearsLaterChanges(t *testing.T) {
	w := newTestWorkspace(t)
	_, e := household("camp-a", "Amina")
	if _, err := w.Commit(e...); err != nil {
		t.Fatal(err)
	}
	ix := &recordingIndexer{}
	if err := w.Attach(ix); err != nil {
		t.Fatal(err)
	}
	h2, e2 := household("camp-b", "Chidi")
	if _, err := w.Commit(e2...); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Commit(Edit{Record: e[1].Record, Kind: registry.KindPerson, Set: map[string]string{"given_name": "Aminata"}}); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.heard(h2); n != 1 {
		t.Errorf("a household committed after Attach heard %d times", n)
	}
	if n, last := ix.heard(e[1].Record); n != 2 || last.Value("given_name") != "Aminata" {
		t.Errorf("edited person heard %d times, last as %q", n, last.Value("given_name"))
	}

	// Received changes reach it too.
	other := change.NewClock(uuid.New(), nil)
	remote := change.Change{Device: other.Device(), DeviceSeq: 1, Record: registry.NewID(), Kind: registry.KindHousehold,
		Author: "hq", Stamp: other.Now(), Writes: []change.Write{{Field: "site", Value: "camp-c"}}}
	if _, err := w.ApplyRemote([]change.Change{remote}, nil); err != nil {
		t.Fatal(err)
	}
	if n, last := ix.heard(remote.Record); n != 1 || last.Value("site") != "camp-c" {
		t.Errorf("received household heard %d times, site %q", n, last.Value("site"))
	}
}

// A commit made while Attach reads the records waits for it, and the
// indexer hears it exactly once, whichever side of the registration it
// falls on.
func TestAttachCommitDuringPass(t *testing.T) {
	w := newTestWorkspace(t)
	h, e := household("camp-a", "Amina")
	if _, err := w.Commit(e...); err != nil {
		t.Fatal(err)
	}
	amina := e[1].Record

	started, release := make(chan struct{}), make(chan struct{})
	ix := &recordingIndexer{block: func(n int) {
		if n == 0 {
			close(started)
			<-release
		}
	}}
	attached := make(chan error, 1)
	go func() { attached <- w.Attach(ix) }()
	<-started

	h2, e2 := household("camp-b", "Chidi")
	edits := append(e2, Edit{Record: amina, Kind: registry.KindPerson, Set: map[string]string{"given_name": "Aminata"}})
	committed := make(chan error, 1)
	go func() {
		_, err := w.Commit(edits...)
		committed <- err
	}()
	// TryRLock fails once a writer waits for the lock: the commit has
	// started and is held up by the pass.
	for w.mu.TryRLock() {
		w.mu.RUnlock()
		runtime.Gosched()
	}
	select {
	case err := <-committed:
		t.Fatalf("commit finished while Attach read the records: %v", err)
	default:
	}
	close(release)
	if err := <-attached; err != nil {
		t.Fatal(err)
	}
	if err := <-committed; err != nil {
		t.Fatal(err)
	}

	if n, _ := ix.heard(h); n != 1 {
		t.Errorf("unchanged household heard %d times", n)
	}
	for _, ed := range e2 {
		if n, _ := ix.heard(ed.Record); n != 1 {
			t.Errorf("%s committed during Attach heard %d times", ed.Kind, n)
		}
	}
	if n, last := ix.heard(amina); n != 2 || last.Value("given_name") != "Aminata" {
		t.Errorf("person edited during Attach heard %d times, last as %q (want the pass's state, then the edit)", n, last.Value("given_name"))
	}
	if n, last := ix.heard(h2); n != 1 || last.Value("site") != "camp-b" {
		t.Errorf("new household heard %d times, site %q", n, last.Value("site"))
	}

	// And it is registered: the next commit reaches it once.
	if _, err := w.Commit(Edit{Record: amina, Kind: registry.KindPerson, Set: map[string]string{"given_name": "Amy"}}); err != nil {
		t.Fatal(err)
	}
	if n, last := ix.heard(amina); n != 3 || last.Value("given_name") != "Amy" {
		t.Errorf("after a later edit: heard %d times, last as %q", n, last.Value("given_name"))
	}
}

func TestAttachClosedWorkspace(t *testing.T) {
	w := newTestWorkspace(t)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Attach(&recordingIndexer{}); !errors.Is(err, ErrLocked) {
		t.Errorf("Attach on a closed workspace: %v, want ErrLocked", err)
	}
}

// A record damaged after unlock is left out of the pass: the indexer hears
// every other record, is registered, and hears commits after.
func TestAttachCorruptRecord(t *testing.T) {
	w, err := Create(t.TempDir(), "admin", testPass, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	_, e := household("camp-a", "Amina", "Yusuf")
	if _, err := w.Commit(e...); err != nil {
		t.Fatal(err)
	}
	damaged := e[1].Record
	err = w.db.Update(func(tx kv.Tx) error {
		b := tx.Bucket(bucketRecords)
		v := append([]byte(nil), b.Get(w.recordKey(damaged))...)
		v[len(v)-1] ^= 1
		return b.Put(w.recordKey(damaged), v)
	})
	if err != nil {
		t.Fatal(err)
	}
	ix := &recordingIndexer{}
	if err := w.Attach(ix); err != nil {
		t.Fatalf("Attach over a damaged record: %v", err)
	}
	if n, _ := ix.heard(damaged); n != 0 {
		t.Error("the indexer heard the damaged record")
	}
	if n, _ := ix.heard(e[2].Record); n != 1 {
		t.Errorf("the indexer heard the other person %d times, want 1", n)
	}
	if _, err := w.Commit(Edit{Record: e[0].Record, Kind: registry.KindHousehold, Set: map[string]string{"site": "camp-b"}}); err != nil {
		t.Fatal(err)
	}
	if n, rec := ix.heard(e[0].Record); n != 2 || rec.Value("site") != "camp-b" {
		t.Errorf("after a commit the indexer heard the household %d times, last %v", n, rec.Value("site"))
	}
}

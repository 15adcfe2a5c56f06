package store

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"
	"pgregory.net/rapid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store/kv"
)

// wallClock is a wall clock a test sets by hand.
type wallClock struct{ t time.Time }

func (c *wallClock) now() time.Time { return c.t }

var day0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// reopen closes w and opens its directory again with the wall clock now.
func reopen(t testing.TB, w *Workspace, now func() time.Time) *Workspace {
	t.Helper()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	opts := testOptions()
	opts.Now = now
	w, err := Open(w.Dir(), "admin", testPass, opts)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func editSite(t testing.TB, w *Workspace, h uuid.UUID, site string) {
	t.Helper()
	if _, err := w.Commit(Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": site}}); err != nil {
		t.Fatal(err)
	}
}

func siteOf(t testing.TB, w *Workspace, h uuid.UUID) string {
	t.Helper()
	rec, err := w.Get(h)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Value("site")
}

// A tablet's date is set back a day (flat battery, a manual change) between
// two sessions: the edit made in the second session is the one that shows.
func TestEditAfterClockSetBackWins(t *testing.T) {
	wall := &wallClock{day0}
	opts := testOptions()
	opts.Now = wall.now
	w, err := Create(t.TempDir(), "admin", testPass, opts)
	if err != nil {
		t.Fatal(err)
	}
	h, edits := household("camp-a", "Amina")
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	editSite(t, w, h, "camp-b")
	if d, behind := w.ClockBehind(); behind {
		t.Errorf("clock reported behind (%v) with a right date", d)
	}

	wall.t = day0.Add(-24 * time.Hour)
	w = reopen(t, w, wall.now)
	defer w.Close()
	editSite(t, w, h, "camp-c")
	if got := siteOf(t, w, h); got != "camp-c" {
		t.Errorf("after an edit on a clock set back a day, site is %q, want camp-c", got)
	}
	d, behind := w.ClockBehind()
	if !behind || d < 24*time.Hour || d > 24*time.Hour+time.Minute {
		t.Errorf("ClockBehind = %v, %v; want about 24h, true", d, behind)
	}
	// And it stays so on the next open, and on a replica that receives it.
	w = reopen(t, w, wall.now)
	defer w.Close()
	if got := siteOf(t, w, h); got != "camp-c" {
		t.Errorf("after reopening, site is %q, want camp-c", got)
	}
	replica := newTestWorkspace(t)
	logged, err := w.ChangesAfter(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var all []change.Change
	for _, l := range logged {
		all = append(all, l.Change)
	}
	if _, err := replica.ApplyRemote(all, nil); err != nil {
		t.Fatal(err)
	}
	if got := siteOf(t, replica, h); got != "camp-c" {
		t.Errorf("on a replica, site is %q, want camp-c", got)
	}
}

// A change pulled from a device whose clock is an hour ahead: after the
// workspace is reopened, a local edit still comes after it.
func TestEditAfterRemoteFromAheadWins(t *testing.T) {
	wall := &wallClock{day0}
	opts := testOptions()
	opts.Now = wall.now
	w, err := Create(t.TempDir(), "admin", testPass, opts)
	if err != nil {
		t.Fatal(err)
	}
	h, edits := household("camp-a")
	made, err := w.Commit(edits...)
	if err != nil {
		t.Fatal(err)
	}
	ahead := &wallClock{day0.Add(time.Hour)}
	dev := newRemoteDevice(ahead.now)
	remote := dev.change(h, registry.KindHousehold, map[string]change.Stamp{"site": made[0].Stamp}, map[string]string{"site": "camp-remote"})
	if res, err := w.ApplyRemote([]change.Change{remote}, nil); err != nil || res[0].Outcome != Applied {
		t.Fatalf("apply remote: %v %v", res, err)
	}
	for _, back := range []time.Duration{0, 24 * time.Hour} {
		wall.t = day0.Add(time.Minute - back)
		w = reopen(t, w, wall.now)
		site := fmt.Sprintf("camp-local-%v", back)
		editSite(t, w, h, site)
		if got := siteOf(t, w, h); got != site {
			t.Errorf("wall %v behind: after a remote change an hour ahead, a local edit shows %q, want %q", back, got, site)
		}
	}
	w.Close()
}

// A workspace made before the high-water mark was stored still restores its
// clock: from the change log, once.
func TestClockHighWithoutStoredMark(t *testing.T) {
	wall := &wallClock{day0}
	opts := testOptions()
	opts.Now = wall.now
	w, err := Create(t.TempDir(), "admin", testPass, opts)
	if err != nil {
		t.Fatal(err)
	}
	h, edits := household("camp-a")
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	err = w.db.Update(func(tx kv.Tx) error { return tx.Bucket(bucketState).Delete(stateClock) })
	w.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	wall.t = day0.Add(-time.Hour)
	w = reopen(t, w, wall.now)
	defer w.Close()
	editSite(t, w, h, "camp-b")
	if got := siteOf(t, w, h); got != "camp-b" {
		t.Errorf("site %q, want camp-b", got)
	}
}

// TestPropertyLastLocalWriteShows: random local edits, with the wall clock
// jumping back and forth and the workspace reopened between them. Whatever
// the wall clock does, every field shows the last value written to it, and
// a replica that receives the change log shows the same.
func TestPropertyLastLocalWriteShows(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		dir, err := os.MkdirTemp("", "fieldreg-clock-")
		if err != nil {
			rt.Fatal(err)
		}
		defer os.RemoveAll(dir)
		wall := &wallClock{day0}
		latest := day0 // the latest the wall clock has been
		opts := testOptions()
		opts.Validate, opts.Now = nil, wall.now
		w, err := Create(dir, "admin", testPass, opts)
		if err != nil {
			rt.Fatal(err)
		}
		defer func() { w.Close() }()
		ids := []uuid.UUID{registry.NewID(), registry.NewID()}
		fields := []string{"given_name", "family_name"}
		want := map[uuid.UUID]map[string]string{}
		for _, id := range ids {
			want[id] = map[string]string{}
		}
		steps := rapid.IntRange(1, 30).Draw(rt, "steps")
		for range steps {
			switch rapid.IntRange(0, 3).Draw(rt, "op") {
			case 0: // the wall clock jumps, either way
				wall.t = wall.t.Add(time.Duration(rapid.Int64Range(-48, 2).Draw(rt, "hours")) * time.Hour)
				latest = maxTime(latest, wall.t)
			case 1: // the workspace is closed and opened again
				if err := w.Close(); err != nil {
					rt.Fatal(err)
				}
				if w, err = Open(dir, "admin", testPass, opts); err != nil {
					rt.Fatal(err)
				}
			default:
				id := ids[rapid.IntRange(0, len(ids)-1).Draw(rt, "record")]
				f := rapid.SampledFrom(fields).Draw(rt, "field")
				v := rapid.SampledFrom([]string{"a", "b", "c"}).Draw(rt, "value")
				if _, err := w.Commit(Edit{Record: id, Kind: registry.KindPerson, Set: map[string]string{f: v}}); err != nil {
					rt.Fatal(err)
				}
				want[id][f] = v
			}
			for _, id := range ids {
				for f, v := range want[id] {
					rec, err := w.Get(id)
					if err != nil {
						rt.Fatal(err)
					}
					if got := rec.Value(f); got != v {
						rt.Fatalf("record %s field %s shows %q, last written %q", id, f, got, v)
					}
				}
			}
		}
		// A replica whose clock is right receives everything and agrees.
		ropts := testOptions()
		ropts.Validate = nil
		ropts.Now = func() time.Time { return latest.Add(time.Hour) }
		rdir, err := os.MkdirTemp("", "fieldreg-clock-replica-")
		if err != nil {
			rt.Fatal(err)
		}
		defer os.RemoveAll(rdir)
		replica, err := Create(rdir, "admin", testPass, ropts)
		if err != nil {
			rt.Fatal(err)
		}
		defer replica.Close()
		logged, err := w.ChangesAfter(0, 0)
		if err != nil {
			rt.Fatal(err)
		}
		var all []change.Change
		for _, l := range logged {
			all = append(all, l.Change)
		}
		res, err := replica.ApplyRemote(all, nil)
		if err != nil {
			rt.Fatal(err)
		}
		for i, r := range res {
			if r.Outcome != Applied {
				rt.Fatalf("change %d: %s %s", i, r.Outcome, r.Reason)
			}
		}
		for id, fs := range want {
			if len(fs) == 0 {
				continue
			}
			rec, err := replica.Get(id)
			if err != nil {
				rt.Fatal(err)
			}
			for f, v := range fs {
				if got := rec.Value(f); got != v {
					rt.Fatalf("replica: record %s field %s shows %q, last written %q", id, f, got, v)
				}
			}
		}
	})
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// The clock warning tells a date set back on this device from a change
// received from a device whose clock runs ahead. A household pulled with a
// stamp 20 h ahead (under the one-day limit), then edited here, is no reason
// to tell this tablet's user their date is wrong — on that open or the next.
// The same tablet's date set back a day, across a reopen, is.
func TestClockBehindOnlyForThisDevicesOwnWrites(t *testing.T) {
	wall := &wallClock{day0}
	opts := testOptions()
	opts.Now = wall.now
	w, err := Create(t.TempDir(), "admin", testPass, opts)
	if err != nil {
		t.Fatal(err)
	}
	h, edits := household("camp-a", "Amina")
	made, err := w.Commit(edits...)
	if err != nil {
		t.Fatal(err)
	}
	fast := newRemoteDevice((&wallClock{day0.Add(20 * time.Hour)}).now)
	remote := fast.change(h, registry.KindHousehold, map[string]change.Stamp{"site": made[0].Stamp}, map[string]string{"site": "camp-fast"})
	if res, err := w.ApplyRemote([]change.Change{remote}, nil); err != nil || res[0].Outcome != Applied {
		t.Fatalf("apply the change from 20 h ahead: %v %v", res, err)
	}
	check := func(when string, wantBehind bool, want time.Duration) {
		t.Helper()
		d, behind := w.ClockBehind()
		if behind != wantBehind || d < want || d > want+time.Minute {
			t.Errorf("%s: ClockBehind = %v, %v; want %v, %v", when, d, behind, want, wantBehind)
		}
	}
	check("after receiving a change 20 h ahead", false, 0)
	wall.t = day0.Add(time.Minute)
	editSite(t, w, h, "camp-local") // stamped after the fast change: 20 h ahead too
	if got := siteOf(t, w, h); got != "camp-local" {
		t.Fatalf("the local edit after the fast change shows %q", got)
	}
	check("after editing over it", false, 0)
	w = reopen(t, w, wall.now)
	check("reopened with the right date", false, 0)

	wall.t = day0.Add(time.Minute - 24*time.Hour) // the tablet's date set back a day
	w = reopen(t, w, wall.now)
	check("reopened with the date set back a day", true, 24*time.Hour)
	editSite(t, w, h, "camp-back")
	w = reopen(t, w, wall.now)
	defer w.Close()
	check("reopened again, still set back", true, 24*time.Hour)
	if got := siteOf(t, w, h); got != "camp-back" {
		t.Errorf("the edit made with the date set back shows %q", got)
	}
}

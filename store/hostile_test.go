package store

import (
	"fmt"
	"testing"
	"time"

	"fieldreg/registry"
)

// Hostile clocks: a field tablet's date is whatever its last owner, a flat
// battery or a dead clock chip left it at. Across reopens the wall clock
// jumps back and forward by years — to the zero time, to 1970, to 2100 —
// and every edit typed must still be the value the record shows.
func TestHostileClockAcrossReopens(t *testing.T) {
	dir := t.TempDir()
	real := time.Now()
	offsets := []struct {
		name string
		now  time.Time
	}{
		{"now", real},
		{"a day back", real.Add(-24 * time.Hour)},
		{"ten years ahead", real.AddDate(10, 0, 0)},
		{"back to now", real},
		{"1970", time.Unix(0, 0)},
		{"the zero time (a dead clock chip)", time.Time{}},
		{"2100", time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"a minute back", real.Add(-time.Minute)},
	}
	opts := testOptions()
	clock := real
	opts.Now = func() time.Time { return clock }
	w, err := Create(dir, "admin", testPass, opts)
	if err != nil {
		t.Fatal(err)
	}
	h, edits := household("camp_north", "Amina")
	if _, err := w.Commit(edits...); err != nil {
		t.Fatal(err)
	}
	person := edits[1].Record
	w.Close()
	for i, o := range offsets {
		clock = o.now
		w, err := Open(dir, "admin", testPass, opts)
		if err != nil {
			t.Fatalf("%s: open: %v", o.name, err)
		}
		want := fmt.Sprintf("site_%d", i)
		name := fmt.Sprintf("Amina%d", i)
		if _, err := w.Commit(Edit{Record: h, Kind: registry.KindHousehold, Set: map[string]string{"site": want}},
			Edit{Record: person, Kind: registry.KindPerson, Set: map[string]string{"given_name": name}}); err != nil {
			t.Fatalf("%s: commit: %v", o.name, err)
		}
		for id, v := range map[string]string{h.String(): want, person.String(): name} {
			rec, err := w.Get(mustID(t, id))
			if err != nil {
				t.Fatalf("%s: get: %v", o.name, err)
			}
			got := rec.Value("site")
			if rec.Kind == registry.KindPerson {
				got = rec.Value("given_name")
			}
			if got != v {
				t.Errorf("clock %s: %s shows %q after %q was written", o.name, rec.Kind, got, v)
			}
		}
		if rep, err := w.Verify(); err != nil {
			t.Errorf("clock %s: verify: %v %v", o.name, err, rep.Problems)
		}
		if err := w.Close(); err != nil {
			t.Fatalf("%s: close: %v", o.name, err)
		}
	}
}

func mustID(t *testing.T, s string) (id [16]byte) {
	t.Helper()
	u, err := parseID(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

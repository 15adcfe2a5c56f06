package main

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/store"
)

// TestEditWithDateSetBack: the workspace holds a change from tomorrow (the
// tablet's date was set back a day since). fieldctl says the date looks
// wrong, and the edit is saved and shows.
func TestEditWithDateSetBack(t *testing.T) {
	w := newWorkspace(t)
	ids := parseRegistered(t, w.ok("register", "--file", "testdata/households.json"))
	hh := ids["household"][0]
	tomorrow := func() time.Time { return time.Now().Add(24*time.Hour + time.Minute) }
	ws, err := store.Open(w.dir, "admin", []byte(adminPass), store.Options{Now: tomorrow})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Commit(store.Edit{Record: uuid.MustParse(hh), Kind: "household", Set: map[string]string{"phone": "+226 70 00 00 01"}}); err != nil {
		t.Fatal(err)
	}
	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}

	res := w.run("edit", hh, "phone=+226 70 00 00 02")
	if res.code != 0 {
		t.Fatalf("edit: exit %d\n%s", res.code, res.stderr)
	}
	want := "This device's date looks wrong: it is 1 day behind the last change saved on this device. Changes are still saved in the right order"
	if !strings.Contains(res.stderr, want) {
		t.Errorf("stderr lacks the clock warning:\n%s", res.stderr)
	}
	if out := w.ok("show", hh); !strings.Contains(out, "+226 70 00 00 02") {
		t.Errorf("the edit made with the date set back does not show:\n%s", out)
	}
}

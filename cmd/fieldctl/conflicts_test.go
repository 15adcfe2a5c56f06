package main

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/store"
)

// TestConflictResolve: a concurrent edit from another device shows up in
// show as a conflict with both values; a supervisor settles it with
// edit --resolve, an enumerator may not.
func TestConflictResolve(t *testing.T) {
	w := newWorkspace(t)
	w.withEnv("FIELDREG_NEW_PASSPHRASE", "enumerator pass").ok(append([]string{"user", "add", "eve", "--role", "enumerator"}, cheapKDF...)...)
	ids := parseRegistered(t, w.ok("register", "--file", "testdata/households.json"))
	hh := ids["household"][0]

	// Another device changed the phone without having seen this device's
	// value: its write's base is the zero stamp, so both values are heads.
	ws, err := store.Open(w.dir, "admin", []byte(adminPass), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	other := uuid.MustParse("0190c8a4-0000-7000-8000-00000000beef")
	res, err := ws.ApplyRemote([]change.Change{{
		Device: other, DeviceSeq: 1, Record: uuid.MustParse(hh), Kind: "household", Author: "field team 2",
		Stamp:  change.Stamp{HLC: change.MakeHLC(time.Now().UnixMilli(), 0), Device: other},
		Writes: []change.Write{{Field: "phone", Value: "+226 76 00 00 01"}},
	}}, nil)
	if err != nil || res[0].Outcome != store.Applied {
		t.Fatalf("apply the other device's change: %v %+v", err, res)
	}
	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}

	out := w.ok("show", hh)
	for _, want := range []string{"Conflicts", "+226 70 11 22 33", "+226 76 00 00 01", "--resolve"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	w.as("eve", "enumerator pass").fails(exitFailure, []string{"only supervisors and admins resolve conflicts"}, "edit", hh, "phone", "--resolve")
	if out := w.ok("edit", hh, "phone=+226 70 11 22 33", "--resolve"); !strings.Contains(out, "changed phone") {
		t.Errorf("edit --resolve: %q", out)
	}
	if out := w.ok("show", hh); strings.Contains(out, "Conflicts") || !strings.Contains(out, "+226 70 11 22 33") {
		t.Errorf("after resolving:\n%s", out)
	}
	if !strings.Contains(w.ok("verify"), "ok") {
		t.Error("verify after resolving")
	}
}

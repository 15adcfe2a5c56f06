package main

import (
	"slices"
	"testing"

	"fieldreg/store"
)

// TestEnumeratorReadsAudited: an enumerator who looks at people with show,
// list --json or search leaves "read" entries with the record ids (never the
// values); a supervisor's or admin's reading does not fill the log.
func TestEnumeratorReadsAudited(t *testing.T) {
	w := newWorkspace(t)
	w.withEnv("FIELDREG_NEW_PASSPHRASE", "enumerator pass").ok(append([]string{"user", "add", "eve", "--role", "enumerator"}, cheapKDF...)...)
	ids := parseRegistered(t, w.ok("register", "--file", "testdata/households.json"))
	person := ids["person"][0]
	w.ok("show", "--json", person)

	eve := w.as("eve", "enumerator pass")
	eve.ok("show", "--json", person)
	eve.ok("list", "--json")

	ws, err := store.Open(w.dir, "admin", []byte(adminPass), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	reads := map[string][]string{} // how → record ids
	err = ws.Audit(func(a store.AuditEntry) error {
		if a.Action == "read" {
			if a.User != "eve" {
				t.Errorf("a read by %s was audited", a.User)
			}
			reads[a.Detail] = append(reads[a.Detail], a.Record.String())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(reads["show"], []string{person}) {
		t.Errorf("show --json audited %v, want %s", reads["show"], person)
	}
	if len(reads["list"]) != len(ids["person"]) {
		t.Errorf("list --json audited %d reads, want %d", len(reads["list"]), len(ids["person"]))
	}
}

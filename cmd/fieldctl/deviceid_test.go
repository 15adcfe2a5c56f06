package main

import (
	"testing"

	"github.com/google/uuid"

	"fieldreg/registry"
	"fieldreg/store"
)

// TestRegisteredIDsAreBoundToTheDevice: the records fieldctl registers get
// ids bound to its workspace (registry.NewIDFor), which HQ lets no other
// device create: a device that learns them cannot take them first.
func TestRegisteredIDsAreBoundToTheDevice(t *testing.T) {
	w := newWorkspace(t)
	input := `[{"fields": {"site": "camp_north", "consent": true},
	  "members": [{"fields": {"relationship": "head", "given_name": "Amina", "sex": "female", "birth_date": "1980-02-02"}}]}]`
	ids := parseRegistered(t, w.ok("register", "--file", writeFile(t, "h.json", input)))
	ws, err := store.Open(w.dir, "admin", []byte(adminPass), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	n := 0
	for kind, list := range ids {
		for _, s := range list {
			id := uuid.MustParse(s)
			if !registry.MadeBy(id, ws.Device()) {
				t.Errorf("%s %s is not bound to this workspace", kind, id)
			}
			n++
		}
	}
	if n != 2 {
		t.Fatalf("register printed %d ids, want 2", n)
	}
}

package ops

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"fieldreg/registry"
	"fieldreg/store"
)

func TestErase(t *testing.T) {
	ws := newWorkspace(t)
	hh, p := register(t, ws, person("head", "Aminata", "Diallo"), person("child", "Ousmane", "Diallo"))

	var he *HeadError
	if _, err := Erase(ws, p[0]); !errors.As(err, &he) {
		t.Fatalf("erasing the head of a household with others: %v, want a HeadError", err)
	}
	if _, err := Erase(ws, registry.NewID()); !errors.Is(err, ErrNotFound) {
		t.Errorf("erasing nothing: %v, want ErrNotFound", err)
	}
	// A deleted record may be erased: that is what deletion never did.
	if _, err := Delete(ws, p[1]); err != nil {
		t.Fatal(err)
	}
	e, err := Erase(ws, p[1])
	if err != nil || e.Kind != registry.KindPerson || e.Records != 1 {
		t.Fatalf("erase a deleted member = %+v, %v", e, err)
	}
	if rec := get(t, ws, p[1]); rec.Value(registry.FieldGivenName) != "" || !rec.Erased() {
		t.Errorf("erased person still reads %+v", rec)
	}
	if _, err := Erase(ws, p[1]); !errors.Is(err, ErrErased) {
		t.Errorf("erasing twice: %v, want ErrErased", err)
	}
	if _, err := Edit(ws, Fields{Record: get(t, ws, p[1]), Set: map[string]string{registry.FieldGivenName: "Back"}}); err == nil {
		t.Error("an erased person was edited")
	}

	// An enumerator may not erase.
	enum := as(t, ws, "eve", store.RoleEnumerator)
	if _, err := Erase(enum, hh); !errors.Is(err, ErrRole) {
		t.Errorf("an enumerator's erase: %v, want ErrRole", err)
	}
	enum.Close()
	sup, err := store.Open(ws.Dir(), "sam", testPass, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	defer sup.Close()
	// A household goes with its members, the one erased before too.
	e, err = Erase(sup, hh)
	if err != nil || e.Kind != registry.KindHousehold || e.Records != 2 {
		t.Fatalf("erase a household = %+v, %v; want it and its head", e, err)
	}
	for _, id := range append(p, hh) {
		hist, err := sup.History(id)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range hist {
			for _, w := range c.Writes {
				if w.Field != registry.FieldErased {
					t.Errorf("history of %s still writes %s", id, w.Field)
				}
			}
		}
	}
	var erasures int
	err = sup.Audit(func(a store.AuditEntry) error {
		if strings.Contains(fmt.Sprintf("%+v", a), "Diallo") {
			t.Errorf("audit entry holds a value: %+v", a)
		}
		if a.Action == "erase" {
			erasures++
		}
		return nil
	})
	if err != nil || erasures != 3 {
		t.Errorf("audit: %d erasures, %v; want 3", erasures, err)
	}
}

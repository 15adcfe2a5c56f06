package ops

import (
	"errors"
	"testing"

	"fieldreg/registry"
)

func TestDelete(t *testing.T) {
	ws := newWorkspace(t)
	hh, p := register(t, ws, person("head", "Aminata", "Diallo"), person("child", "Ousmane", "Diallo"))
	_, lone := register(t, ws, person("head", "Fatou", "Sow"))

	var he *HeadError
	if _, err := Delete(ws, p[0]); !errors.As(err, &he) || !errors.Is(err, ErrHeadOfHousehold) || he.Household != hh {
		t.Fatalf("deleting the head of a household with others: %v, want a HeadError", err)
	}
	if get(t, ws, p[0]).Deleted() {
		t.Fatal("a refused delete deleted the head")
	}
	d, err := Delete(ws, p[1])
	if err != nil || d.Kind != registry.KindPerson || d.Members != 0 {
		t.Fatalf("delete a member = %+v, %v", d, err)
	}
	// Alone now, the head may go.
	if _, err := Delete(ws, p[0]); err != nil {
		t.Errorf("deleting a head alone: %v", err)
	}
	if _, err := Delete(ws, p[0]); !errors.Is(err, ErrDeleted) {
		t.Errorf("deleting twice: %v, want ErrDeleted", err)
	}
	if _, err := Delete(ws, registry.NewID()); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting nothing: %v, want ErrNotFound", err)
	}

	// A household goes with its members.
	id, more := register(t, ws, person("head", "Awa", "Ba"), person("spouse", "Moussa", "Ba"), person("child", "Ali", "Ba"))
	d, err = Delete(ws, id)
	if err != nil || d.Kind != registry.KindHousehold || d.Members != 3 {
		t.Fatalf("delete a household = %+v, %v; want 3 members", d, err)
	}
	for _, m := range more {
		if !get(t, ws, m).Deleted() {
			t.Errorf("member %s outlived its household", m)
		}
	}
	if get(t, ws, lone[0]).Deleted() {
		t.Error("deleting one household deleted another's head")
	}
}

package ops

import (
	"encoding/json"
	"testing"
	"time"

	"fieldreg/registry"
	"fieldreg/store"
)

// withChoice returns the next version ("2") of a built-in form, whose select
// field has one more choice: what a newer build or a published form holds.
func withChoice(t *testing.T, kind, field, choice string) *registry.Form {
	t.Helper()
	f, _ := testForms(t).Form(kind)
	data, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var g registry.Form
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatal(err)
	}
	g.Version = "2"
	for i := range g.Fields {
		if g.Fields[i].Name == field {
			g.Fields[i].Choices = append(g.Fields[i].Choices, registry.Choice{Name: choice, Label: registry.Labels{"en": choice}})
		}
	}
	return &g
}

// Every change records the version of the form its record was checked
// against: Register the forms it was given, every other operation the
// workspace's (store.Options.FormRef).
func TestChangesRecordTheirForm(t *testing.T) {
	forms, err := testForms(t).Add(withChoice(t, registry.KindPerson, registry.FieldSpecificNeeds, "climate_displaced"))
	if err != nil {
		t.Fatal(err)
	}
	opts := testOptions(t)
	opts.Validate = forms.Validator(func() time.Time { return today })
	dir := t.TempDir()
	ws, err := store.Create(dir, "sam", testPass, opts) // no FormRef: Register names the forms itself
	if err != nil {
		t.Fatal(err)
	}
	head := person("head", "Amina", "Yusuf", registry.FieldSpecificNeeds, "climate_displaced")
	h := Household{Entry: Entry{ID: registry.NewID(), Fields: householdFields()}, Members: []Entry{head}}
	if _, err := Register(ws, forms, today, h); err != nil {
		t.Fatalf("register with the choice only version 2 has: %v", err)
	}
	ws.Close()
	opts.FormRef = forms.CurrentRef
	if ws, err = store.Open(dir, "sam", testPass, opts); err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if _, err := Edit(ws, Fields{Record: get(t, ws, head.ID), Set: map[string]string{registry.FieldGivenName: "Aminata"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Delete(ws, h.ID); err != nil {
		t.Fatal(err)
	}
	logged, err := ws.ChangesAfter(0, 100)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{registry.KindHousehold: "household@1", registry.KindPerson: "person@2"}
	if len(logged) < 4 {
		t.Fatalf("%d changes logged, want register, edit and delete of both records", len(logged))
	}
	for _, l := range logged {
		if l.Change.Form != want[l.Change.Kind] {
			t.Errorf("%s change %d (%v) records form %q, want %q", l.Change.Kind, l.Change.DeviceSeq, l.Change.FieldNames(), l.Change.Form, want[l.Change.Kind])
		}
	}
}

package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/client"
)

// sitesForm is the built-in household form as version 2, listing camp_east.
func sitesForm(t *testing.T) string {
	t.Helper()
	base, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	f, _ := base.Form(registry.KindHousehold)
	data, _ := json.Marshal(f)
	v2, err := registry.ParseForm(data)
	if err != nil {
		t.Fatal(err)
	}
	v2.Version = "2"
	for i, d := range v2.Fields {
		if d.Name == registry.FieldSite {
			v2.Fields[i].Choices = append(slices.Clone(d.Choices), registry.Choice{Name: "camp_east", Label: registry.Labels{"en": "East camp"}})
		}
	}
	data, err = json.Marshal(v2)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "household-v2.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestFormPublishWithAndWithoutServer: an operator publishes a household
// form listing a new site, with the server running and without; form list
// shows it current; enrollment at the new site is refused before and
// accepted after; a device's sync brings the form.
func TestFormPublishWithAndWithoutServer(t *testing.T) {
	c := newCLI(t)
	c.must("init", "--addr", freeAddr(t))
	code, _, errs := c.run("enroll", "--device", "tablet-e", "--sites", "camp_east")
	if code == 0 || !strings.Contains(errs, `"camp_east"`) || !strings.Contains(errs, "household@1") {
		t.Fatalf("enroll at a site no form lists: exit %d: %s", code, errs)
	}
	file := sitesForm(t)
	if out := c.must("form", "publish", file); !strings.Contains(out, "published household@2 (household,") {
		t.Fatalf("form publish said %q", out)
	}
	c.startServer()
	c.pass = ""
	// Through the admin socket: the same file again is fine.
	c.must("form", "publish", file)
	list := c.must("form", "list")
	var row string
	for _, l := range strings.Split(list, "\n") {
		if strings.HasPrefix(l, "household@2 ") {
			row = l
		}
	}
	if !strings.Contains(row, "#1") || !strings.HasSuffix(strings.TrimSpace(row), "current") {
		t.Fatalf("form list:\n%s", list)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"kind":"household"}`), 0o600)
	if code, _, errs := c.run("form", "publish", bad); code == 0 || !strings.Contains(errs, "bad.json") {
		t.Errorf("publishing a bad file: exit %d: %s", code, errs)
	}
	enrollCode := strings.TrimSpace(c.must("enroll", "--device", "tablet-e", "--sites", "camp_east"))
	w, err := store.Create(t.TempDir(), "enumerator", []byte("device passphrase"), store.Options{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := client.Enroll(context.Background(), w, enrollCode); err != nil {
		t.Fatal(err)
	}
	sum, err := tabletSync(w)
	if err != nil {
		t.Fatal(err)
	}
	if docs, _ := w.FormDocs(); sum.Forms != 1 || len(docs) != 1 || docs[0].Ref != "household@2" {
		t.Fatalf("the device's sync stored %d forms: %+v", sum.Forms, docs)
	}
	if code, _, errs := c.run("scope", "tablet-e", "--sites", "camp_west"); code == 0 || !strings.Contains(errs, "camp_west") {
		t.Errorf("scope to an unknown site: exit %d: %s", code, errs)
	}
}

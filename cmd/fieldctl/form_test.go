package main

import (
	"context"
	"encoding/json"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"fieldreg/hq"
	"fieldreg/registry"
	"fieldreg/store"
)

// householdV2 is the built-in household form as version 2 of an operation's
// form: one more site, camp_east, and one more question.
func householdV2(t *testing.T) *registry.Form {
	t.Helper()
	base, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	f, _ := base.Form(registry.KindHousehold)
	data, _ := json.Marshal(f)
	v2, err := registry.ParseForm(data) // a deep copy
	if err != nil {
		t.Fatal(err)
	}
	v2.Version = "2"
	for i, d := range v2.Fields {
		if d.Name == registry.FieldSite {
			v2.Fields[i].Choices = append(slices.Clone(d.Choices), registry.Choice{Name: "camp_east", Label: registry.Labels{"en": "East camp"}})
		}
	}
	v2.Fields = append(v2.Fields, registry.FieldDef{Name: "water_point", Type: registry.TypeText, Label: registry.Labels{"en": "Nearest water point"}})
	return v2
}

func formFile(t *testing.T, name string, forms ...*registry.Form) string {
	t.Helper()
	var v any = forms
	if len(forms) == 1 {
		v = forms[0]
	}
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, name, string(data))
}

// eastHousehold is a household at the site only version 2 knows.
const eastHousehold = `[{"fields": {"site": "camp_east", "consent": true, "consent_by": "Fatima", "water_point": "tap 4"},
  "members": [{"fields": {"relationship": "head", "given_name": "Fatima", "family_name": "Diallo", "sex": "female", "birth_date": "1990-01-01"}}]}]`

func TestFormImportListShow(t *testing.T) {
	w := newWorkspace(t)
	east := writeFile(t, "east.json", eastHousehold)
	w.fails(exitFailure, []string{"water_point", "no such field"}, "register", "--file", east)

	file := formFile(t, "household-v2.json", householdV2(t))
	out := w.ok("form", "import", file)
	if !strings.Contains(out, "imported household@2 (household,") {
		t.Fatalf("form import said %q", out)
	}
	// The same file again changes nothing and is no error.
	if out := w.ok("form", "import", file); !strings.Contains(out, "already held household@2") {
		t.Fatalf("second import said %q", out)
	}
	list := w.ok("form", "list")
	var v1, v2 string
	for _, l := range lines(list) {
		switch {
		case strings.HasPrefix(l, "household@1 "):
			v1 = l
		case strings.HasPrefix(l, "household@2 "):
			v2 = l
		}
	}
	if !strings.HasSuffix(v2, "current") || strings.HasSuffix(v1, "current") || !strings.Contains(list, "person@1") {
		t.Fatalf("form list after importing household@2:\n%s", list)
	}
	show := w.ok("form", "show", "household@2")
	if !strings.Contains(show, "water_point") || !strings.Contains(show, "current") {
		t.Errorf("form show household@2:\n%s", show)
	}
	// show --json gives back what import reads.
	var got registry.Form
	if err := json.Unmarshal([]byte(w.ok("form", "show", "household@2", "--json")), &got); err != nil || got.Ref() != "household@2" {
		t.Errorf("form show --json: %+v %v", got.Ref(), err)
	}
	w.fails(exitFailure, []string{"no form wash@9"}, "form", "show", "wash@9")

	// Registering under version 2 now validates.
	w.ok("register", "--file", east)
}

func TestFormImportRefusals(t *testing.T) {
	w := newWorkspace(t)
	bad := writeFile(t, "bad.json", `{"kind": "wash", "fields": [{"name": "q1", "type": "colour"}]}`)
	w.fails(exitFailure, []string{"bad.json", "colour"}, "form", "import", bad)
	w.fails(exitFailure, []string{"notes.txt", "not a form file"}, "form", "import", writeFile(t, "notes.txt", "hello"))
	w.fails(exitFailure, []string{"form 2 of 2"}, "form", "import", writeFile(t, "two.json", `[{"kind":"wash","fields":[{"name":"q","type":"text","label":{"en":"Q"}}]},{"kind":"x"}]`))

	// A changed form under a version already held is refused: a new version it must be.
	v2 := householdV2(t)
	w.ok("form", "import", formFile(t, "v2.json", v2))
	v2.Fields = v2.Fields[:len(v2.Fields)-1]
	w.fails(exitFailure, []string{"household@2", "different form"}, "form", "import", formFile(t, "v2-changed.json", v2))

	// Only an admin imports forms.
	w.withEnv("FIELDREG_NEW_PASSPHRASE", "supervisor pass").ok(append([]string{"user", "add", "sam", "--role", "supervisor"}, cheapKDF...)...)
	sup := w.as("sam", "supervisor pass")
	v3 := householdV2(t)
	v3.Version = "3"
	sup.fails(exitFailure, []string{"only an admin imports forms"}, "form", "import", formFile(t, "v3.json", v3))
	if list := sup.ok("form", "list"); strings.Contains(list, "household@3") {
		t.Errorf("a supervisor's refused import is listed:\n%s", list)
	}
}

// startFormsHQ is startHQ with HQ's forms following what it publishes.
func startFormsHQ(t *testing.T) *hq.Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	set := store.NewFormSet(base)
	cfg := hq.Config{Dir: t.TempDir(), Passphrase: []byte("hq passphrase"), Forms: set, Validate: set.Validator(time.Now), Logf: t.Logf,
		ValidateChange: set.ChangeValidator(time.Now), FormRef: set.CurrentRef,
		KDF: store.InsecureTestKDF(store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1})}
	if err := hq.Init(cfg, ln.Addr().String(), nil); err != nil {
		t.Fatal(err)
	}
	s, err := hq.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Serve(ctx, ln); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done
		s.Close()
	})
	return s
}

// TestFormPublishedAtHQReachesTheDevice: HQ publishes household@2 with a
// new site; a device enrolled for it receives the form in its next sync,
// lists it, registers under it, and HQ accepts the registration.
func TestFormPublishedAtHQReachesTheDevice(t *testing.T) {
	s := startFormsHQ(t)
	ctx := context.Background()
	if _, err := s.NewEnrollment(ctx, hq.Enrollment{Name: "tablet", Sites: []string{"camp_east"}}); err == nil || !strings.Contains(err.Error(), `"camp_east"`) {
		t.Fatalf("enrolling for a site no form lists: %v", err)
	}
	v2 := householdV2(t)
	data, _ := json.Marshal(v2)
	if _, err := s.PublishForms(ctx, [][]byte{data}); err != nil {
		t.Fatal(err)
	}
	code, err := s.NewEnrollment(ctx, hq.Enrollment{Name: "tablet", Sites: []string{"camp_east"}})
	if err != nil {
		t.Fatalf("enrolling for a site of the published form: %v", err)
	}
	w := newWorkspace(t)
	w.ok("enroll", code.String())
	if out := w.ok("sync"); !strings.Contains(out, "received 1 form version from HQ") {
		t.Errorf("sync said %q", out)
	}
	if list := w.ok("form", "list"); !strings.Contains(list, "household@2") {
		t.Fatalf("the device's forms after sync:\n%s", list)
	}
	w.ok("register", "--file", writeFile(t, "east.json", eastHousehold))
	if out := w.ok("sync"); !strings.HasPrefix(out, "sent 2") {
		t.Fatalf("sync of the registration: %q", out)
	}
	if got := s.Workspace().Count(registry.KindHousehold); got != 1 {
		t.Fatalf("HQ holds %d households, want the one at camp_east", got)
	}
	if q, _ := s.Workspace().Quarantined(); len(q) != 0 {
		t.Fatalf("HQ quarantined %+v", q)
	}
}

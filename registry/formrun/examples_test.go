package formrun_test

import (
	"os"
	"slices"
	"testing"
	"time"

	"fieldreg/registry"
	"fieldreg/registry/formrun"
	"fieldreg/xlsform"
)

// The example registration an operation is pointed at (docs/examples), as
// the importer reads it: its cascade narrows, its skip logic hides, its
// constraint speaks the form's message, its member questions run.
func TestExampleRegistration(t *testing.T) {
	core, err := registry.BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../../docs/examples/registration.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	forms, err := xlsform.Read(f, core)
	if err != nil {
		t.Fatal(err)
	}
	byKind := make(map[string]*registry.Form)
	for _, fm := range forms {
		byKind[fm.Kind] = fm
	}
	hh, person := byKind[registry.KindHousehold], byKind[registry.KindPerson]
	if hh == nil || person == nil {
		t.Fatalf("forms %v: want a household and a person form", forms)
	}
	today := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	run, err := formrun.New(hh, "ar", today)
	if err != nil {
		t.Fatal(err)
	}

	admin1, _ := hh.Field(registry.FieldAdmin1)
	if len(admin1.Choices) < 2 {
		t.Fatalf("admin1 has %d choices: a cascade needs two", len(admin1.Choices))
	}
	gov, other := admin1.Choices[0].Name, admin1.Choices[1].Name
	answers := map[string]string{registry.FieldAdmin1: gov}
	st := run.Eval(answers)
	districts := st.Choices(registry.FieldAdmin2)
	all, _ := hh.Field(registry.FieldAdmin2)
	if len(districts) == 0 || len(districts) == len(all.Choices) {
		t.Fatalf("%d of %d districts offered in %s: not narrowed", len(districts), len(all.Choices), gov)
	}
	for _, c := range districts {
		if c.Filter["admin1"] != gov {
			t.Errorf("district %s of %s offered in %s", c.Name, c.Filter["admin1"], gov)
		}
	}
	answers[registry.FieldAdmin2] = districts[0].Name
	st = st.Update(answers)
	sites := st.Choices(registry.FieldSite)
	if len(sites) == 0 {
		t.Fatalf("no site in district %s", districts[0].Name)
	}
	for _, c := range sites {
		if c.Filter["admin2"] != districts[0].Name {
			t.Errorf("site %s of %s offered in %s", c.Name, c.Filter["admin2"], districts[0].Name)
		}
	}
	answers[registry.FieldSite] = sites[0].Name
	if st = st.Update(answers); st.Value(registry.FieldSite) != sites[0].Name || len(st.Cleared()) != 0 {
		t.Errorf("a site in its district: value %q, cleared %v", st.Value(registry.FieldSite), st.Cleared())
	}
	answers[registry.FieldAdmin1] = other
	if got := st.Update(answers).Cleared(); !slices.Equal(got, []string{registry.FieldSite, registry.FieldAdmin2}) &&
		!slices.Equal(got, []string{registry.FieldAdmin2, registry.FieldSite}) {
		t.Errorf("governorate changed under a district and a site: cleared %v", got)
	}

	// The wash questions: water_minutes only with water access, and its
	// constraint with the form's message.
	st = run.Eval(map[string]string{"water_access": "no", "water_minutes": "20"})
	if st.Visible("water_minutes") || !slices.Contains(st.Cleared(), "water_minutes") {
		t.Error("water_minutes asked without water access")
	}
	st = run.Eval(map[string]string{"water_access": "yes", "water_minutes": "900"})
	fe := st.Error("water_minutes")
	d, _ := hh.Field("water_minutes")
	if fe == nil || fe.Rule != registry.RuleConstraint || fe.Message("ar") != d.ConstraintMessage.In("ar") {
		t.Errorf("water_minutes 900: %+v, want the form's constraint message", fe)
	}

	// The member repeat: pregnant asked of women only.
	prun, err := formrun.New(person, "en", today)
	if err != nil {
		t.Fatal(err)
	}
	if prun.EvalIn(map[string]string{registry.FieldSex: "male"}, st.Values()).Visible("pregnant") {
		t.Error("pregnant asked of a man")
	}
	if !prun.EvalIn(map[string]string{registry.FieldSex: "female"}, st.Values()).Visible("pregnant") {
		t.Error("pregnant not asked of a woman")
	}
}

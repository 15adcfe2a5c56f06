package xlsform

import (
	"maps"
	"slices"
	"testing"
	"time"

	"fieldreg/registry"
	"fieldreg/registry/xpath"
)

func TestLabelColumnSpellings(t *testing.T) {
	f := formOf(t, read(t, testdata(t, "languages.xlsx")), "languages_test")
	name := fieldOf(t, f, "full_name")
	want := registry.Labels{"en": "Full name", "ar": "الاسم الكامل", "fr": "Nom complet", "es": "Nombre completo", "sw": "Jina kamili"}
	if !maps.Equal(name.Label, want) {
		t.Errorf("full_name label = %v, want %v (one per header spelling)", name.Label, want)
	}
	if got := name.Hint.In("ar"); got != "كما في البطاقة" {
		t.Errorf("hint::ar = %q", got)
	}
	if got := f.Title.In("en"); got != "Languages" {
		t.Errorf("title = %q, want the form_title", got)
	}
}

// A translation a row leaves empty is the default language's text, never
// an empty label.
func TestMissingTranslationsFallBackToTheDefaultLanguage(t *testing.T) {
	f := formOf(t, read(t, testdata(t, "languages.xlsx")), "languages_test")
	age := fieldOf(t, f, "age")
	for lang, want := range map[string]string{"en": "Age", "ar": "العمر", "es": "Edad", "fr": "Age", "sw": "Age"} {
		if got := age.Label[lang]; got != want {
			t.Errorf("age label in %s = %q, want %q", lang, got, want)
		}
	}
	no, _ := fieldOf(t, f, "displaced").Choice("no")
	if no.Label["fr"] != "No" || no.Label["ar"] != "لا" {
		t.Errorf("choice no = %v, want French falling back to English", no.Label)
	}
}

// default_language names the bare label column; sheet names are matched
// whatever their case.
func TestBareLabelIsTheDefaultLanguage(t *testing.T) {
	f := formOf(t, read(t, testdata(t, "bare_labels.xlsx")), "arrivals")
	d := fieldOf(t, f, "nom")
	if d.Label["fr"] != "Nom" || d.Label["ar"] != "الاسم" {
		t.Errorf("label = %v, want the bare column as French", d.Label)
	}
	if d.Label["en"] != "Nom" {
		t.Errorf("English label = %q: a form with no English shows its default language", d.Label["en"])
	}
	if f.Version != "2026-12" {
		t.Errorf("version = %q", f.Version)
	}
}

func TestRequiredSpellingsAndTrailingSpaces(t *testing.T) {
	f := formOf(t, read(t, testdata(t, "required.xlsx")), "required_test")
	for name, want := range map[string]bool{
		"has_water": true, "has_food": true, "has_shelter": true, "rooms": true,
		"remarks": false, "village": true, "litres": false, "understood": true,
	} {
		if got := fieldOf(t, f, name).Required; got != want {
			t.Errorf("%s required = %v, want %v", name, got, want)
		}
	}
	water := fieldOf(t, f, "has_water") // written "has_water " in the sheet
	if water.RequiredMessage.In("en") != "Say whether" {
		t.Errorf("required_message = %v", water.RequiredMessage)
	}
	if _, ok := water.Choice("yes"); !ok {
		t.Errorf("choice \"yes \" lost its trailing space? choices = %v", water.Choices)
	}
	if got := fieldOf(t, f, "understood").Type; got != registry.TypeBoolean {
		t.Errorf("acknowledge is a %s, want boolean", got)
	}
}

func TestChoiceListsSharedBetweenQuestions(t *testing.T) {
	f := formOf(t, read(t, testdata(t, "required.xlsx")), "required_test")
	for _, name := range []string{"has_water", "has_food", "has_shelter"} {
		d := fieldOf(t, f, name)
		if d.ListName != "yes_no" {
			t.Errorf("%s list = %q, want yes_no", name, d.ListName)
		}
		if names := choiceNames(d); !slices.Equal(names, []string{"yes", "no"}) {
			t.Errorf("%s choices = %v", name, names)
		}
	}
}

func TestGroupsAreSections(t *testing.T) {
	f := formOf(t, read(t, testdata(t, "groups.xlsx")), "groups_test")
	for name, want := range map[string]string{"children": "", "in_school": "school", "reason": "reasons", "other": ""} {
		if got := fieldOf(t, f, name).Section; got != want {
			t.Errorf("%s section = %q, want %q", name, got, want)
		}
	}
	if f.SectionTitles["school"].In("en") != "Schooling" || f.SectionTitles["reasons"].In("en") != "Reasons" {
		t.Errorf("section titles = %v", f.SectionTitles)
	}
	// A question inside two groups is shown only when both are.
	reason := fieldOf(t, f, "reason")
	env := xpath.MapEnv{Values: map[string]string{"children": "3", "in_school": "1"}}
	if !eval(t, reason.Relevant, env) {
		t.Errorf("reason hidden with 3 children, 1 in school: %q", reason.Relevant)
	}
	env.Values["children"] = "0"
	if eval(t, reason.Relevant, env) {
		t.Errorf("reason shown with no children: the outer group's relevant was lost (%q)", reason.Relevant)
	}
	if !reason.Multiline {
		t.Error("appearance multiline did not make a multi-line text")
	}
}

func TestCalculateAndNotes(t *testing.T) {
	f := formOf(t, read(t, testdata(t, "calculate.xlsx")), "calculate_test")
	size := fieldOf(t, f, "household_size")
	if size.Type != registry.TypeCalculate {
		t.Fatalf("household_size is a %s", size.Type)
	}
	env := xpath.MapEnv{Values: map[string]string{"adults": "2", "children": "3"}}
	v, err := mustParse(t, size.Calculation).Eval(env)
	if err != nil || v.String() != "5" {
		t.Errorf("calculation %q = %v, %v; want 5", size.Calculation, v, err)
	}
	intro := fieldOf(t, f, "intro")
	if intro.Type != registry.TypeNote || intro.Label.In("en") == "" {
		t.Errorf("intro = %+v, want a note with its text", intro)
	}
	// The forms validate records: a note stores nothing.
	fs, err := registry.NewForms(f)
	if err != nil {
		t.Fatal(err)
	}
	err = fs.ValidateValues("calculate_test", [16]byte{1}, map[string]string{"adults": "2", "intro": "x"}, time.Now())
	if fes, _ := registry.AsValidation(err); len(fes) != 1 || fes[0].Field != "intro" {
		t.Errorf("a value for a note: %v, want it refused", err)
	}
}

func TestConstraintsWithMessages(t *testing.T) {
	f := formOf(t, read(t, testdata(t, "constraints.xlsx")), "constraints_test")
	age := fieldOf(t, f, "age")
	want := registry.Labels{"en": "Between 0 and 120", "ar": "بين 0 و 120", "fr": "Entre 0 et 120"}
	if !maps.Equal(age.ConstraintMessage, want) {
		t.Errorf("constraint messages = %v, want %v (jr:constraintMsg read as French)", age.ConstraintMessage, want)
	}
	for value, ok := range map[string]bool{"30": true, "121": false, "-1": false} {
		if got := eval(t, age.Constraint, xpath.MapEnv{Dot: value}); got != ok {
			t.Errorf("age %s: constraint %q = %v", value, age.Constraint, got)
		}
	}
	phone := fieldOf(t, f, "phone")
	if eval(t, phone.Constraint, xpath.MapEnv{Dot: "call me"}) {
		t.Errorf("phone constraint accepts letters")
	}
}

func TestHXLAppearanceDefaultReadOnly(t *testing.T) {
	f := formOf(t, read(t, testdata(t, "hxl.xlsx")), "hxl_test")
	for name, want := range map[string]string{"affected_f": "#affected+f", "affected_m": "#affected+m", "sector": "#sector", "location": "#geo+coord"} {
		if got := fieldOf(t, f, name).HXL; got != want {
			t.Errorf("%s hxl = %q, want %q", name, got, want)
		}
	}
	if d := fieldOf(t, f, "affected_m"); d.Default != "0" || d.Appearance != "w2 thousands-sep" {
		t.Errorf("affected_m default %q appearance %q", d.Default, d.Appearance)
	}
	if d := fieldOf(t, f, "sector"); d.Default != "wash" || d.Appearance != "minimal" {
		t.Errorf("sector default %q appearance %q", d.Default, d.Appearance)
	}
	if d := fieldOf(t, f, "team"); !d.ReadOnly || d.Default != "alpha" {
		t.Errorf("team read_only %v default %q", d.ReadOnly, d.Default)
	}
}

// A registration extension keeps every core field and adds the
// operation's; its sites, admin areas and cascade come from its choices.
func TestRegistrationExtendsTheCoreForms(t *testing.T) {
	forms := read(t, testdata(t, "registration.xlsx"))
	core, _ := registry.BuiltinForms()
	for _, kind := range []string{registry.KindHousehold, registry.KindPerson} {
		f := formOf(t, forms, kind)
		if f.Ref() != "household@2026120101" {
			t.Errorf("%s ref = %s", kind, f.Ref())
		}
		base, _ := core.Form(kind)
		for _, cd := range base.Fields {
			d, ok := f.Field(cd.Name)
			if !ok {
				t.Errorf("%s lost core field %s", kind, cd.Name)
				continue
			}
			if d.Type != cd.Type && !(cd.Type == registry.TypeText && d.Type == registry.TypeSelectOne) {
				t.Errorf("%s.%s changed type %s → %s", kind, cd.Name, cd.Type, d.Type)
			}
			if cd.Required && !d.Required || d.Section != cd.Section {
				t.Errorf("%s.%s: required %v section %q, core has %v %q (required may only be added)", kind, cd.Name, d.Required, d.Section, cd.Required, cd.Section)
			}
		}
	}
	hh := formOf(t, forms, registry.KindHousehold)
	site := fieldOf(t, hh, registry.FieldSite)
	if names := choiceNames(site); !slices.Equal(names, []string{"cp_001", "cp_002", "cp_003"}) {
		t.Errorf("sites = %v, want the operation's", names)
	}
	if c, _ := site.Choice("cp_003"); c.Filter["pcode"] != "CP003" || c.Filter["admin1"] != "SY02" || c.Filter["admin2"] != "SY0201" {
		t.Errorf("site cp_003 filter = %v", c.Filter)
	}
	if site.HXL != "#loc+code" || site.Label.In("ar") != "الموقع" || site.Label.In("fr") == "" {
		t.Errorf("site: hxl %q, labels %v (Arabic from the form, French kept from the core)", site.HXL, site.Label)
	}
	water := fieldOf(t, hh, "water_minutes")
	if water.Section != "wash" || hh.SectionTitles["wash"].In("ar") != "المياه والصرف الصحي" {
		t.Errorf("water_minutes section %q, titles %v", water.Section, hh.SectionTitles["wash"])
	}
	coreHH, _ := core.Form(registry.KindHousehold)
	if i := slices.IndexFunc(hh.Fields, func(d registry.FieldDef) bool { return d.Name == "water_access" }); i != len(coreHH.Fields) {
		t.Errorf("water_access at %d: new questions follow the core fields", i)
	}
	person := formOf(t, forms, registry.KindPerson)
	if d := fieldOf(t, person, "pregnant"); d.Relevant != "${sex} = 'female'" {
		t.Errorf("pregnant relevant = %q", d.Relevant)
	}
	if names := choiceNames(fieldOf(t, person, registry.FieldSpecificNeeds)); !slices.Equal(names, []string{"disability", "chronic_illness", "unaccompanied_child"}) {
		t.Errorf("specific needs = %v, want the operation's list", names)
	}
	if _, err := core.Add(forms...); err != nil {
		t.Errorf("the forms do not join the built-ins as a new version: %v", err)
	}
}

// admin1 → admin2 → site: each choice_filter narrows the next list.
func TestCascadeOverThreeLevels(t *testing.T) {
	hh := formOf(t, read(t, testdata(t, "registration.xlsx")), registry.KindHousehold)
	answers := map[string]string{registry.FieldAdmin1: "SY02"}
	admin2 := narrow(t, fieldOf(t, hh, registry.FieldAdmin2), answers)
	if !slices.Equal(admin2, []string{"SY0200", "SY0201"}) {
		t.Errorf("admin2 in SY02 = %v", admin2)
	}
	answers[registry.FieldAdmin2] = "SY0201"
	if sites := narrow(t, fieldOf(t, hh, registry.FieldSite), answers); !slices.Equal(sites, []string{"cp_003"}) {
		t.Errorf("sites in SY0201 = %v", sites)
	}
	answers[registry.FieldAdmin2] = "SY0100"
	if sites := narrow(t, fieldOf(t, hh, registry.FieldSite), answers); !slices.Equal(sites, []string{"cp_001"}) {
		t.Errorf("sites in SY0100 = %v", sites)
	}
}

// narrow returns the choices of d its choice_filter keeps, as the app
// would: bare names from the choice, ${name} from the answers.
func narrow(t *testing.T, d registry.FieldDef, answers map[string]string) []string {
	t.Helper()
	e, err := xpath.ParseFilter(d.ChoiceFilter)
	if err != nil {
		t.Fatalf("choice_filter %q: %v", d.ChoiceFilter, err)
	}
	var out []string
	for _, c := range d.Choices {
		columns := maps.Clone(c.Filter)
		if columns == nil {
			columns = map[string]string{}
		}
		columns["name"] = c.Name
		v, err := e.Eval(xpath.MapEnv{Values: answers, Columns: columns})
		if err != nil {
			t.Fatalf("choice_filter %q: %v", d.ChoiceFilter, err)
		}
		if v.Bool() {
			out = append(out, c.Name)
		}
	}
	return out
}

func TestAssessmentIsWhollyNew(t *testing.T) {
	forms := read(t, testdata(t, "assessment.xlsx"))
	if len(forms) != 2 {
		t.Fatalf("%d forms, want the assessment and its child repeat", len(forms))
	}
	a := formOf(t, forms, "needs_assessment")
	if a.Title.In("en") != "Rapid needs assessment" || a.Ref() != "needs_assessment@2026.12.1" {
		t.Errorf("title %v, ref %s", a.Title, a.Ref())
	}
	if _, ok := a.Field(registry.FieldConsent); ok {
		t.Error("an assessment got core household fields")
	}
	child := formOf(t, forms, "needs_assessment_child")
	if child.Fields[0].Name != registry.FieldHouseholdID || child.Fields[0].Type != registry.TypeRef {
		t.Errorf("the repeat's first field is %s, want household_id", child.Fields[0].Name)
	}
	if d := fieldOf(t, child, "muac"); d.Type != registry.TypeDecimal || d.HXL != "#indicator+muac" {
		t.Errorf("muac = %+v", d)
	}
	if d := fieldOf(t, a, "coping_count"); d.Type != registry.TypeCalculate || d.Section != "food" {
		t.Errorf("coping_count = %+v", d)
	}
}

// What KoboToolbox exports is read as it is: its bookkeeping columns and
// the interview metadata questions are not kept, the hxl column is.
func TestKoboExport(t *testing.T) {
	f := formOf(t, read(t, testdata(t, "kobo.xlsx")), "kobo_test")
	var names []string
	for _, d := range f.Fields {
		names = append(names, d.Name)
	}
	if !slices.Equal(names, []string{"district", "hh_count"}) {
		t.Errorf("fields = %v, want start, end and today left out", names)
	}
	d := fieldOf(t, f, "district")
	if d.Label["so"] != "Degmada" || !d.Required || d.HXL != "#adm2+code" {
		t.Errorf("district = %+v", d)
	}
}

func choiceNames(d registry.FieldDef) []string {
	var out []string
	for _, c := range d.Choices {
		out = append(out, c.Name)
	}
	return out
}

func mustParse(t *testing.T, src string) *xpath.Expr {
	t.Helper()
	e, err := xpath.Parse(src)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	return e
}

func eval(t *testing.T, src string, env xpath.MapEnv) bool {
	t.Helper()
	v, err := mustParse(t, src).Eval(env)
	if err != nil {
		t.Fatalf("eval %q: %v", src, err)
	}
	return v.Bool()
}

// An operation's own needs assessment (form_id "assessment") replaces the
// built-in one the register flow asks, and belongs to a household as the
// built-in one does.
func TestOwnAssessmentBelongsToAHousehold(t *testing.T) {
	b := book{
		{"survey", sheet{{"type", "name", "label"}, {"integer", "latrines", "Latrines in use"}}},
		settings("assessment", "2026120101"),
	}
	f := formOf(t, read(t, b.xlsx(t)), registry.KindAssessment)
	if d := fieldOf(t, f, registry.FieldHouseholdID); d.Type != registry.TypeRef || !d.Required {
		t.Errorf("household_id = %+v, want a required reference", d)
	}
	if f.Ref() != "assessment@2026120101" {
		t.Errorf("ref %s", f.Ref())
	}
}

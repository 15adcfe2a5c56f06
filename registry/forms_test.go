package registry

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func builtinForms(t testing.TB) *Forms {
	t.Helper()
	fs, err := BuiltinForms()
	if err != nil {
		t.Fatalf("BuiltinForms: %v", err)
	}
	return fs
}

// Every text a person reads must exist in every language: an enumerator
// working in Arabic must never meet an English label.
func TestBuiltinFormsHaveEveryLanguage(t *testing.T) {
	fs := builtinForms(t)
	if got, want := fs.Kinds(), []string{KindAssessment, KindHousehold, KindPerson}; !slices.Equal(got, want) {
		t.Fatalf("kinds = %v, want %v", got, want)
	}
	check := func(what string, l Labels, optional bool) {
		t.Helper()
		if optional && len(l) == 0 {
			return
		}
		for _, lang := range Languages {
			if l[lang] == "" {
				t.Errorf("%s: no %s text", what, lang)
			}
		}
		for lang := range l {
			if !slices.Contains(Languages, lang) {
				t.Errorf("%s: text in unexpected language %q", what, lang)
			}
		}
	}
	for _, kind := range fs.Kinds() {
		f, _ := fs.Form(kind)
		check(kind+" title", f.Title, false)
		for _, s := range f.Sections() {
			check(kind+" section "+s, f.SectionTitles[s], false)
		}
		for _, d := range f.Fields {
			where := kind + "." + d.Name
			check(where+" label", d.Label, false)
			check(where+" hint", d.Hint, true)
			check(where+" read_aloud", d.ReadAloud, true)
			if d.Section == "" {
				t.Errorf("%s: no section", where)
			}
			for _, c := range d.Choices {
				check(where+" choice "+c.Name, c.Label, false)
			}
		}
	}
}

// The fields the design names are there, with the types exports and other
// tools rely on.
func TestBuiltinFormsHaveDesignFields(t *testing.T) {
	fs := builtinForms(t)
	want := map[string]map[string]FieldType{
		KindHousehold: {
			"site": TypeSelectOne, "admin1": TypeText, "admin2": TypeText, "gps": TypeGeopoint,
			"shelter_type": TypeSelectOne, "phone": TypeText, "displacement_date": TypeDate,
			"origin": TypeText, "consent": TypeBoolean, "consent_by": TypeText,
			"consent_date": TypeDate, "status": TypeSelectOne,
		},
		KindPerson: {
			"household_id": TypeRef, "relationship": TypeSelectOne, "given_name": TypeText,
			"family_name": TypeText, "other_names": TypeText, "sex": TypeSelectOne,
			"birth_date": TypeDate, "birth_date_estimated": TypeBoolean, "nationality": TypeText,
			"languages": TypeText, "document_type": TypeSelectOne, "document_number": TypeText,
			"specific_needs": TypeSelectMultiple,
		},
		KindAssessment: {"household_id": TypeRef, "date": TypeDate},
	}
	for kind, fields := range want {
		f, ok := fs.Form(kind)
		if !ok {
			t.Fatalf("no %s form", kind)
		}
		for name, typ := range fields {
			d, ok := f.Field(name)
			if !ok {
				t.Errorf("%s: no field %s", kind, name)
				continue
			}
			if d.Type != typ {
				t.Errorf("%s.%s: type %s, want %s", kind, name, d.Type, typ)
			}
		}
	}
	hh, _ := fs.Form(KindHousehold)
	status, _ := hh.Field("status")
	if status.Default != "active" {
		t.Errorf("household status default = %q, want active", status.Default)
	}
	consent, _ := hh.Field("consent")
	if !consent.MustBeTrue || consent.ReadAloud.In("ar") == "" {
		t.Errorf("consent must be required true and carry a statement to read aloud: %+v", consent)
	}
	p, _ := fs.Form(KindPerson)
	rel, _ := p.Field("relationship")
	for _, c := range []string{"head", "spouse", "child", "parent", "sibling", "other_relative", "unrelated"} {
		if _, ok := rel.Choice(c); !ok {
			t.Errorf("relationship lacks %s", c)
		}
	}
	needs, _ := p.Field("specific_needs")
	for _, c := range []string{"disability", "serious_medical_condition", "unaccompanied_child", "separated_child",
		"single_parent", "older_person_at_risk", "pregnant_or_lactating", "woman_at_risk",
		"survivor_of_violence", "survivor_of_torture", "child_at_risk"} {
		if _, ok := needs.Choice(c); !ok {
			t.Errorf("specific_needs lacks %s", c)
		}
	}
	a, _ := fs.Form(KindAssessment)
	wantSections := []string{"general", "shelter", "wash", "food", "health", "protection", "nfi", "priority_needs"}
	if got := a.Sections(); !slices.Equal(got, wantSections) {
		t.Errorf("assessment sections = %v, want %v", got, wantSections)
	}
	for _, s := range wantSections[1:] {
		n := 0
		for _, d := range a.Fields {
			if d.Section == s {
				n++
			}
		}
		if n < 2 || n > 7 {
			t.Errorf("assessment section %s has %d questions", s, n)
		}
	}
}

func TestLabelsFallBackToEnglish(t *testing.T) {
	l := Labels{"en": "Site", "ar": "الموقع"}
	if got := l.In("ar"); got != "الموقع" {
		t.Errorf("In(ar) = %q", got)
	}
	if got := l.In("fr"); got != "Site" {
		t.Errorf("In(fr) = %q, want the English fallback", got)
	}
	if got := l.In(""); got != "Site" {
		t.Errorf("In(\"\") = %q", got)
	}
}

func TestParseFormRefusesBadSchemas(t *testing.T) {
	tests := []struct{ name, json string }{
		{"not json", `{`},
		{"no kind", `{"fields":[{"name":"a","type":"text","label":{"en":"A"}}]}`},
		{"no fields", `{"kind":"k","fields":[]}`},
		{"unknown type", `{"kind":"k","fields":[{"name":"a","type":"photo","label":{"en":"A"}}]}`},
		{"duplicate field", `{"kind":"k","fields":[{"name":"a","type":"text","label":{"en":"A"}},{"name":"a","type":"text","label":{"en":"A"}}]}`},
		{"system name", `{"kind":"k","fields":[{"name":"_deleted","type":"text","label":{"en":"A"}}]}`},
		{"no label", `{"kind":"k","fields":[{"name":"a","type":"text","label":{"fr":"A"}}]}`},
		{"select without choices", `{"kind":"k","fields":[{"name":"a","type":"select_one","label":{"en":"A"}}]}`},
		{"choice with space", `{"kind":"k","fields":[{"name":"a","type":"select_one","label":{"en":"A"},"choices":[{"name":"a b","label":{"en":"x"}}]}]}`},
		{"min above max", `{"kind":"k","fields":[{"name":"a","type":"integer","label":{"en":"A"},"min":5,"max":1}]}`},
		{"bad pattern", `{"kind":"k","fields":[{"name":"a","type":"text","label":{"en":"A"},"pattern":"("}]}`},
		{"bad default", `{"kind":"k","fields":[{"name":"a","type":"integer","label":{"en":"A"},"default":"x"}]}`},
		{"unknown key", `{"kind":"k","fields":[{"name":"a","type":"text","label":{"en":"A"},"requird":true}]}`},
		{"required note", `{"kind":"k","fields":[{"name":"a","type":"note","label":{"en":"A"},"required":true}]}`},
		{"note with default", `{"kind":"k","fields":[{"name":"a","type":"note","label":{"en":"A"},"default":"x"}]}`},
		{"calculate without calculation", `{"kind":"k","fields":[{"name":"a","type":"calculate"}]}`},
		{"choice filter on text", `{"kind":"k","fields":[{"name":"a","type":"text","label":{"en":"A"},"choice_filter":"admin1=${x}"}]}`},
		{"constraint message alone", `{"kind":"k","fields":[{"name":"a","type":"integer","label":{"en":"A"},"constraint_message":{"en":"too big"}}]}`},
		{"bad filter column", `{"kind":"k","fields":[{"name":"a","type":"select_one","label":{"en":"A"},"choices":[{"name":"x","label":{"en":"X"},"filter":{"Admin 1":"y"}}]}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseForm([]byte(tt.json)); err == nil {
				t.Errorf("ParseForm accepted %s", tt.json)
			}
		})
	}
}

func FuzzParseForm(f *testing.F) {
	fs := builtinForms(f)
	for _, kind := range fs.Kinds() {
		form, _ := fs.Form(kind)
		data, err := jsonMarshal(form)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"kind":"k","fields":[{"name":"a","type":"text","label":{"en":"A"},"pattern":"[0-9]+"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		form, err := ParseForm(data)
		if err != nil {
			return
		}
		// A schema that parses must be usable: validation never panics and
		// the schema survives a round trip.
		for _, d := range form.Fields {
			d.Check("x", fixedNow)
			d.Check("", fixedNow)
		}
		again, err := jsonMarshal(form)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseForm(again); err != nil {
			t.Fatalf("re-encoded schema refused: %v", err)
		}
	})
}

// What the XLSForm importer produces must parse back: notes, calculations,
// expressions, messages, appearances and choice filters.
func TestParseFormKeepsXLSFormFields(t *testing.T) {
	f, err := ParseForm([]byte(`{"kind":"k","fields":[
		{"name":"intro","type":"note","label":{"en":"Read this"}},
		{"name":"admin1","type":"select_one","label":{"en":"Region"},"list_name":"admin1","appearance":"minimal",
		 "choices":[{"name":"r1","label":{"en":"R1"}}]},
		{"name":"site","type":"select_one","label":{"en":"Site"},"list_name":"site","choice_filter":"admin1=${admin1}",
		 "choices":[{"name":"s1","label":{"en":"S1"},"filter":{"admin1":"r1","pcode":"SY0101"}}]},
		{"name":"n","type":"integer","label":{"en":"N"},"required":true,"relevant":"${admin1}='r1'",
		 "constraint":". < 20","constraint_message":{"en":"under 20"},"required_message":{"en":"say how many"},"hxl":"#affected"},
		{"name":"double","type":"calculate","calculation":"${n} * 2","read_only":true}]}`))
	if err != nil {
		t.Fatal(err)
	}
	site, _ := f.Field("site")
	if c, _ := site.Choice("s1"); c.Filter["pcode"] != "SY0101" || site.ChoiceFilter == "" || site.ListName != "site" {
		t.Errorf("site lost its list, filter or p-code: %+v", site)
	}
	n, _ := f.Field("n")
	if n.HXL != "#affected" || n.ConstraintMessage.In("en") != "under 20" || n.RequiredMessage.In("en") == "" {
		t.Errorf("n lost its hxl or messages: %+v", n)
	}
}

func TestLoadFormsFromADirectory(t *testing.T) {
	fsys := fstest.MapFS{
		"forms/referral.json": {Data: []byte(`{"kind":"referral","title":{"en":"Referral"},"fields":[
			{"name":"service","type":"select_one","label":{"en":"Service"},"required":true,
			 "choices":[{"name":"health","label":{"en":"Health"}}]}]}`)},
		"forms/notes.txt": {Data: []byte("not a form")},
	}
	fs, err := LoadForms(fsys, "forms")
	if err != nil {
		t.Fatal(err)
	}
	if got := fs.Kinds(); !slices.Equal(got, []string{"referral"}) {
		t.Errorf("kinds = %v", got)
	}
	fsys["forms/bad.json"] = &fstest.MapFile{Data: []byte(`{"kind":"bad"}`)}
	if _, err := LoadForms(fsys, "forms"); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("a bad schema among good ones: %v, want an error naming the file", err)
	}
}

// Every version of a form is kept: a change names the one its author used,
// and a receiver finds it though a newer one is current.
func TestFormsKeepEveryVersion(t *testing.T) {
	builtin := builtinForms(t)
	hh, _ := builtin.Form(KindHousehold)
	if got := hh.Ref(); got != "household@1" {
		t.Fatalf("built-in household ref = %q, want household@1", got)
	}
	v2, err := ParseForm([]byte(`{"id":"household","version":"2","kind":"household","title":{"en":"Household"},
		"fields":[{"name":"site","type":"select_one","label":{"en":"Site"},"choices":[{"name":"camp_east","label":{"en":"East"}}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	fs, err := builtin.Add(v2)
	if err != nil {
		t.Fatal(err)
	}
	if cur, _ := fs.Form(KindHousehold); cur != v2 {
		t.Errorf("current household = %s, want the one added last", cur.Ref())
	}
	if cur, _ := builtin.Form(KindHousehold); cur != hh {
		t.Errorf("Add changed the set it was called on: current household %s", cur.Ref())
	}
	for _, tt := range []struct {
		ref, kind string
		want      *Form
	}{
		{"household@1", KindHousehold, hh},
		{"", KindHousehold, hh}, // a change from before versions
		{"household@2", KindHousehold, v2},
		{"household@3", KindHousehold, nil},
		{"household@2", KindPerson, nil},
	} {
		got, ok := fs.Version(tt.ref, tt.kind)
		if ok != (tt.want != nil) || got != tt.want {
			t.Errorf("Version(%q, %q) = %v, %v", tt.ref, tt.kind, got, ok)
		}
	}
	if got, want := fs.Refs(), []string{"assessment@1", "household@1", "person@1", "household@2"}; !slices.Equal(got, want) {
		t.Errorf("Refs = %v, want %v", got, want)
	}
	if _, err := fs.Add(v2); err == nil {
		t.Error("the same version of a kind added twice")
	}
	if _, err := ParseForm([]byte(`{"id":"a@b","kind":"k","fields":[{"name":"a","type":"text","label":{"en":"A"}}]}`)); err == nil {
		t.Error("an id with @ accepted: its ref would be ambiguous")
	}
}

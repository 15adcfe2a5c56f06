package app

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/mobile"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/xlsform"
)

// importExample reads a workbook of docs/examples as fieldctl form import
// does and stores its forms in u's unlocked workspace; the screens use them
// from the next time they are built.
func importExample(t *testing.T, u *testUI, name string) []*registry.Form {
	t.Helper()
	f, err := os.Open("../docs/examples/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	forms, err := xlsform.Read(f, u.forms)
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	var docs []store.FormDoc
	for _, f := range forms {
		data, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, store.FormDoc{Ref: f.Ref(), Kind: f.Kind, JSON: data})
	}
	if err := u.ws.PutForms(docs); err != nil {
		t.Fatalf("store %s: %v", name, err)
	}
	u.followForms() // as after a sync that brought them
	return forms
}

// newImportedUI is a created workspace whose register screen asks the
// example registration form.
func newImportedUI(t *testing.T) *testUI {
	t.Helper()
	u := newTestUI(t)
	u.create()
	importExample(t, u, "registration.xlsx")
	u.showTab(tabRegister)
	return u
}

// formField is a question of the view's form, so a test follows the
// workbook rather than copying it.
func formField(t *testing.T, v *formView, name string) registry.FieldDef {
	t.Helper()
	d, ok := v.form.Field(name)
	if !ok {
		t.Fatalf("form %s has no %s", v.form.Ref(), name)
	}
	return d
}

func TestRelevantQuestionAppearsAndDisappears(t *testing.T) {
	u := newImportedUI(t)
	hh := u.register.household
	minutes := u.input(hh, "water_minutes")
	box := hh.boxes["water_minutes"]
	if box.Visible() {
		t.Fatal("minutes to the water point asked before access to water is answered")
	}
	u.fill(hh, map[string]string{"water_access": "yes"})
	if !box.Visible() {
		t.Fatal("water access yes: minutes to the water point not asked")
	}
	if !strings.Contains(texts(hh.content), formField(t, hh, "water_minutes").Label.In("en")) {
		t.Error("the question's label is not on screen")
	}
	test.Type(minutes.entry, "20")
	u.fill(hh, map[string]string{"water_access": "no"})
	if box.Visible() {
		t.Fatal("water access no: minutes to the water point still asked")
	}
	if minutes.entry.Text != "" {
		t.Errorf("the hidden answer stayed: %q", minutes.entry.Text)
	}
	access := u.input(hh, "water_access")
	if !access.notice.Visible() || !strings.Contains(access.notice.Text, "1 answer cleared") {
		t.Errorf("beside the question that hid it: %q; want that one answer was cleared", access.notice.Text)
	}
	if _, ok := hh.values()["water_minutes"]; ok {
		t.Error("the cleared answer is still in what would be saved")
	}
	u.fill(hh, map[string]string{"water_access": "yes"})
	if !box.Visible() || minutes.entry.Text != "" {
		t.Errorf("asked again: visible %v, answer %q; want visible and empty", box.Visible(), minutes.entry.Text)
	}
}

func TestConstraintMessageBesideItsFieldWhenLeft(t *testing.T) {
	u := newImportedUI(t)
	hh := u.register.household
	u.fill(hh, map[string]string{"water_access": "yes"})
	minutes := u.input(hh, "water_minutes")
	want := formField(t, hh, "water_minutes").ConstraintMessage.In("en")
	if want == "" {
		t.Fatal("the example's water_minutes has no constraint_message")
	}
	c := u.win.Canvas()
	c.Focus(minutes.entry)
	test.Type(minutes.entry, "900")
	if minutes.errors.Visible() {
		t.Errorf("a message while still typing: %q", minutes.errors.Text)
	}
	c.Focus(u.input(hh, "phone").entry) // the enumerator moves on
	if !minutes.errors.Visible() || !strings.Contains(minutes.errors.Text, want) {
		t.Fatalf("900 minutes, left: beside it %q; want the form's message %q", minutes.errors.Text, want)
	}
	minutes.entry.SetText("15")
	if minutes.errors.Visible() {
		t.Errorf("the message stayed after the fix: %q", minutes.errors.Text)
	}
}

func TestRequiredCheckedWhenLeft(t *testing.T) {
	u := newImportedUI(t)
	r := u.register
	u.fillInOrder(r.household, testImportedHousehold(t, r.household))
	test.Tap(r.next)
	if r.reg.Step != stepMembers {
		t.Fatalf("household step refused: %q %v", r.message.Text, fieldErrors(r.household))
	}
	given := u.input(r.person, "given_name")
	c := u.win.Canvas()
	c.Focus(given.entry)
	c.Focus(u.input(r.person, "family_name").entry)
	if !given.errors.Visible() {
		t.Error("a required name left empty shows no message")
	}
	test.Type(given.entry, "Amina")
	if given.errors.Visible() {
		t.Errorf("the message stayed once the name was typed: %q", given.errors.Text)
	}
}

func TestCascadingSelectNarrows(t *testing.T) {
	u := newImportedUI(t)
	hh := u.register.household
	admin1, admin2, site := u.input(hh, "admin1"), u.input(hh, "admin2"), u.input(hh, "site")
	order := map[*fieldInput]int{}
	for i, in := range hh.inputs {
		order[in] = i
	}
	if !(order[admin1] < order[admin2] && order[admin2] < order[site]) {
		t.Errorf("shown in the order %d %d %d: a select must come after the questions that narrow it", order[admin1], order[admin2], order[site])
	}
	if len(admin2.choiceNames) != 0 || len(site.choiceNames) != 0 {
		t.Errorf("before a governorate: %d districts, %d sites offered; want none", len(admin2.choiceNames), len(site.choiceNames))
	}
	govs := admin1.choiceNames
	if len(govs) < 2 {
		t.Fatalf("governorates %v: a cascade needs two", govs)
	}
	for _, gov := range govs {
		u.fill(hh, map[string]string{"admin1": gov})
		var want []string
		for _, c := range formField(t, hh, "admin2").Choices {
			if c.Filter["admin1"] == gov {
				want = append(want, c.Name)
			}
		}
		if len(want) == 0 || !slices.Equal(admin2.choiceNames, want) {
			t.Errorf("governorate %s: districts %v; want %v", gov, admin2.choiceNames, want)
		}
	}
	u.fill(hh, map[string]string{"admin1": govs[0]})
	district := admin2.choiceNames[0]
	u.fill(hh, map[string]string{"admin2": district})
	if len(site.choiceNames) == 0 {
		t.Fatalf("district %s: no site offered", district)
	}
	for _, name := range site.choiceNames {
		if c, _ := formField(t, hh, "site").Choice(name); c.Filter["admin2"] != district {
			t.Errorf("site %s of %s offered in %s", name, c.Filter["admin2"], district)
		}
	}
	u.fill(hh, map[string]string{"site": site.choiceNames[0]})
	if site.value() == "" {
		t.Fatal("a site of the district could not be chosen")
	}
	u.fill(hh, map[string]string{"admin1": govs[1]})
	if admin2.value() != "" || site.value() != "" {
		t.Errorf("governorate changed: district %q, site %q still chosen", admin2.value(), site.value())
	}
	if !strings.Contains(admin1.notice.Text, "2 answers cleared") {
		t.Errorf("beside the governorate: %q; want that two answers were cleared", admin1.notice.Text)
	}
	if slices.Contains(admin2.choiceNames, district) {
		t.Errorf("district %s of %s still offered in %s", district, govs[0], govs[1])
	}
}

func TestCalculationShows(t *testing.T) {
	u := newTestUI(t)
	u.create()
	en := func(s string) registry.Labels { return registry.Labels{"en": s} }
	form := &registry.Form{Kind: "survey", ID: "survey", Version: "1", Title: en("Survey"), Fields: []registry.FieldDef{
		{Name: "adults", Type: registry.TypeInteger, Label: en("Adults")},
		{Name: "children", Type: registry.TypeInteger, Label: en("Children")},
		{Name: "size", Type: registry.TypeCalculate, Label: en("Household size"), Calculation: "${adults} + ${children}"},
		{Name: "large_note", Type: registry.TypeNote, Label: en("A large household: ask about shelter."), Relevant: "${size} > 6"},
	}}
	v := newFormView(u.UI, form)
	u.win.SetContent(container.NewVScroll(v.content))
	test.Type(u.input(v, "adults").entry, "2")
	test.Type(u.input(v, "children").entry, "5")
	if got := v.calcs["size"].Text; got != "7" {
		t.Errorf("household size shows %q; want 7", got)
	}
	if got := v.values()["size"]; got != "7" {
		t.Errorf("household size stored as %q; want 7", got)
	}
	if !v.boxes["large_note"].Visible() || !strings.Contains(texts(v.content), "A large household") {
		t.Error("the note of a large household is not shown")
	}
	if _, ok := v.values()["large_note"]; ok {
		t.Error("a note stores a value")
	}
	u.input(v, "children").entry.SetText("1")
	if v.calcs["size"].Text != "3" || v.boxes["large_note"].Visible() {
		t.Errorf("3 people: size %q, note shown %v", v.calcs["size"].Text, v.boxes["large_note"].Visible())
	}
}

// testImportedHousehold answers the example registration's household
// questions: its first governorate, district and site.
func testImportedHousehold(t *testing.T, hh *formView) map[string]string {
	t.Helper()
	st := hh.run.Eval(map[string]string{})
	gov := st.Choices("admin1")[0].Name
	st = hh.run.Eval(map[string]string{"admin1": gov})
	district := st.Choices("admin2")[0].Name
	st = hh.run.Eval(map[string]string{"admin1": gov, "admin2": district})
	site := st.Choices("site")[0].Name
	return map[string]string{"consent": "true", "admin1": gov, "admin2": district, "site": site,
		"status": formField(t, hh, "status").Choices[0].Name, "water_access": "yes", "water_minutes": "15",
		"phone": "+962 79 555 0100", "gps": "31.9539 35.9106"}
}

// fillInOrder fills a form view in the order its questions are shown, as
// an enumerator does: a cascade's parent before its child, a question
// before the one it makes relevant.
func (u *testUI) fillInOrder(v *formView, vals map[string]string) {
	u.t.Helper()
	for _, in := range v.inputs {
		if s, ok := vals[in.def.Name]; ok {
			u.fill(v, map[string]string{in.def.Name: s})
		}
	}
}

func TestImportedFormRegistersAHousehold(t *testing.T) {
	u := newImportedUI(t)
	r := u.register
	vals := testImportedHousehold(t, r.household)
	u.fillInOrder(r.household, vals)
	test.Tap(r.next)
	if r.reg.Step != stepMembers {
		t.Fatalf("household step refused: %q %v", r.message.Text, fieldErrors(r.household))
	}
	if _, ok := r.person.byName["pregnant"]; !ok {
		t.Fatal("the member repeat's own question (pregnant) is not on the person form")
	}
	u.fill(r.person, testHead)
	if !r.person.boxes["pregnant"].Visible() {
		t.Error("a woman is not asked whether she is pregnant")
	}
	u.fill(r.person, map[string]string{"pregnant": "no"})
	test.Tap(r.addMember)
	if len(r.reg.Members) != 1 {
		t.Fatalf("head not added: %q %v", r.message.Text, fieldErrors(r.person))
	}
	u.fill(r.person, testSpouse)
	if r.person.boxes["pregnant"].Visible() {
		t.Error("a man is asked whether he is pregnant")
	}
	test.Tap(r.addMember)
	test.Tap(r.next)
	test.Tap(r.next)
	if r.reg.Step != stepReview {
		t.Fatalf("not at review: step %d, %q", r.reg.Step, r.message.Text)
	}
	test.Tap(r.save)
	u.wait()
	if !strings.Contains(r.message.Text, "2 members") {
		t.Fatalf("not saved: %q", r.message.Text)
	}
	var found bool
	for _, id := range u.roster.list("", "") {
		rec, err := u.ws.Get(id)
		if err != nil || rec.Value("site") != vals["site"] {
			continue
		}
		found = true
		for _, k := range []string{"admin1", "admin2", "water_access", "water_minutes", "status"} {
			if rec.Value(k) != vals[k] {
				t.Errorf("stored %s = %q; want %q", k, rec.Value(k), vals[k])
			}
		}
	}
	if !found {
		t.Error("the household registered under the imported form is not in the roster")
	}
}

// fixedLocator is a device that knows where it is.
type fixedLocator struct{ lat, lon float64 }

func (l fixedLocator) Locate() (lat, lon, alt, acc float64, err error) {
	return l.lat, l.lon, 780, 5, nil
}

func TestGPSButtonFillsOrSaysToType(t *testing.T) {
	u := newImportedUI(t)
	hh := u.register.household
	gps := u.input(hh, "gps")
	if gps.extra == nil {
		t.Fatal("a geopoint has no GPS button")
	}
	test.Tap(gps.extra)
	if !gps.notice.Visible() || !strings.Contains(gps.notice.Text, "type it") || gps.value() != "" {
		t.Errorf("no location on the device: notice %q, value %q; want to be told to type it", gps.notice.Text, gps.value())
	}
	test.Type(gps.entry, "31.95 35.91")
	if fe := hh.st.Error("gps"); fe != nil || hh.values()["gps"] != "31.95 35.91" {
		t.Errorf("a typed point: error %v, value %q", fe, hh.values()["gps"])
	}
	u.locate = fixedLocator{31.9539, 35.9106}
	gps.entry.SetText("")
	test.Tap(gps.extra)
	if got := gps.value(); got != "31.9539 35.9106 780 5" || gps.notice.Visible() {
		t.Errorf("from the device's location: %q (notice %q)", got, gps.notice.Text)
	}
	if fe := hh.st.Error("gps"); fe != nil {
		t.Errorf("the located point is refused: %v", fe)
	}
}

func TestNumbersAskForTheNumberPad(t *testing.T) {
	u := newImportedUI(t)
	hh := u.register.household
	if k := u.input(hh, "water_minutes").entry.Keyboard(); k != mobile.NumberKeyboard {
		t.Errorf("an integer asks for keyboard %v; want the number pad", k)
	}
	if k := u.input(hh, "phone").entry.Keyboard(); k == mobile.NumberKeyboard {
		t.Error("a text question asks for the number pad")
	}
}

func TestDatePickerSetsTheDate(t *testing.T) {
	u := newImportedUI(t)
	hh := u.register.household
	in := u.input(hh, "displacement_date")
	if in.extra == nil {
		t.Fatal("a date has no calendar button")
	}
	test.Tap(in.extra)
	pop := u.win.Canvas().Overlays().Top()
	if pop == nil {
		t.Fatal("the calendar did not open")
	}
	var day *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Button:
			if w.Text == "14" {
				day = w
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(pop)
	if day == nil {
		t.Fatal("no day 14 in the calendar")
	}
	test.Tap(day)
	if got := in.value(); got != "2026-11-14" {
		t.Errorf("picked the 14th: %q; want 2026-11-14 (the calendar opens on today's month)", got)
	}
}

func TestLongListsAreSearched(t *testing.T) {
	options := []string{"Camp Al Amal", "Camp Zaatari North", "Azraq village 5", "Zaatari South"}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"", options},
		{"zaatari", []string{"Camp Zaatari North", "Zaatari South"}},
		{"  AMAL ", []string{"Camp Al Amal"}},
		{"5", []string{"Azraq village 5"}},
		{"nowhere", nil},
	} {
		if got := filterOptions(options, tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("search %q: %v; want %v", tc.q, got, tc.want)
		}
	}
}

// Forms arriving while the register screen shows (a sync in the
// background) do not rebuild it under the enumerator's fingers: it takes
// them up once another tab is chosen, with what was typed kept.
func TestRegisterScreenFollowsNewFormVersions(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.showTab(tabRegister)
	before := u.register
	importExample(t, u, "registration.xlsx")
	if u.register != before {
		t.Fatal("the register screen was rebuilt while it showed")
	}
	u.showTab(tabHome)
	if u.register == before {
		t.Fatal("the register screen still asks the old forms after leaving it")
	}
	if _, ok := u.register.household.byName["water_access"]; !ok {
		t.Error("the new register screen does not ask the imported form's questions")
	}
}

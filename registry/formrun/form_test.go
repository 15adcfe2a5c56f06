package formrun

import (
	"encoding/json"
	"testing"
	"time"

	"fieldreg/registry"
)

var today = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func en(s string) registry.Labels { return registry.Labels{"en": s} }

func choices(names ...string) []registry.Choice {
	out := make([]registry.Choice, len(names))
	for i, n := range names {
		out[i] = registry.Choice{Name: n, Label: en(n)}
	}
	return out
}

// parsed passes f through the form's JSON and ParseForm, as a published
// form reaches the app: what the tests run is a form registry accepts.
func parsed(t testing.TB, f *registry.Form) *registry.Form {
	t.Helper()
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	g, err := registry.ParseForm(b)
	if err != nil {
		t.Fatalf("ParseForm: %v", err)
	}
	return g
}

// surveyForm is a small form with every expression formrun evaluates:
// skip logic, a constraint with and without its message, a required
// question only asked sometimes, a chain of calculations, and a cascade
// admin1 → admin2 → site, the last written the way package xlsform stores
// a filter (${choice.column}).
func surveyForm(t testing.TB) *registry.Form {
	t.Helper()
	return parsed(t, &registry.Form{Kind: "survey", Title: en("Survey"), Fields: []registry.FieldDef{
		{Name: "has_children", Type: registry.TypeSelectOne, Label: en("Any children?"), Required: true, Choices: choices("yes", "no")},
		{Name: "children", Type: registry.TypeInteger, Label: en("How many children?"), Required: true,
			Relevant:          "${has_children} = 'yes'",
			Constraint:        ". > 0 and . < 20",
			ConstraintMessage: registry.Labels{"en": "between 1 and 19", "ar": "بين 1 و19"},
			RequiredMessage:   registry.Labels{"en": "say how many children", "fr": "dites combien d'enfants"}},
		{Name: "adults", Type: registry.TypeInteger, Label: en("How many adults?")},
		{Name: "size", Type: registry.TypeCalculate, Calculation: "${adults} + coalesce(${children}, 0)"},
		{Name: "large", Type: registry.TypeCalculate, Calculation: "if(${size} > 6, 'yes', 'no')"},
		{Name: "large_note", Type: registry.TypeNote, Label: en("A large household"), Relevant: "${large} = 'yes'"},
		{Name: "eldest", Type: registry.TypeInteger, Label: en("Age of the eldest"), Constraint: ". <= 120"},
		{Name: "admin1", Type: registry.TypeSelectOne, Label: en("Governorate"), Choices: []registry.Choice{
			{Name: "SY01", Label: en("Aleppo")}, {Name: "SY02", Label: en("Idlib")}}},
		{Name: "admin2", Type: registry.TypeSelectOne, Label: en("District"), ChoiceFilter: "admin1 = ${admin1}", Choices: []registry.Choice{
			{Name: "SY0100", Label: en("Jebel Saman"), Filter: map[string]string{"admin1": "SY01"}},
			{Name: "SY0101", Label: en("Azaz"), Filter: map[string]string{"admin1": "SY01"}},
			{Name: "SY0200", Label: en("Idlib"), Filter: map[string]string{"admin1": "SY02"}}}},
		{Name: "site", Type: registry.TypeSelectOne, Label: en("Site"), ChoiceFilter: "${choice.admin2} = ${admin2}", Choices: []registry.Choice{
			{Name: "cp_001", Label: en("Camp 1"), Filter: map[string]string{"admin2": "SY0100", "pcode": "CP001"}},
			{Name: "cp_002", Label: en("Camp 2"), Filter: map[string]string{"admin2": "SY0101", "pcode": "CP002"}},
			{Name: "cp_003", Label: en("Camp 3"), Filter: map[string]string{"admin2": "SY0101", "pcode": "CP003"}},
			{Name: "cp_004", Label: en("Camp 4"), Filter: map[string]string{"admin2": "SY0200", "pcode": "CP004"}}}},
		{Name: "needs", Type: registry.TypeSelectMultiple, Label: en("Needs"), Choices: choices("food", "water", "shelter")},
		{Name: "water_source", Type: registry.TypeText, Label: en("Water source"), Relevant: "selected(${needs}, 'water')"},
	}})
}

func mustRun(t testing.TB, f *registry.Form, lang string) *Run {
	t.Helper()
	r, err := New(f, lang, today)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

package registry

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
)

// nextVersion returns a copy of a built-in form as version v, with extra
// choices added to a select field: a newer build's or a published form.
func nextVersion(t *testing.T, kind, v, field string, choices ...string) *Form {
	t.Helper()
	f, _ := builtinForms(t).Form(kind)
	data, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var g Form
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatal(err)
	}
	g.Version = v
	for i := range g.Fields {
		if g.Fields[i].Name == field {
			for _, c := range choices {
				g.Fields[i].Choices = append(g.Fields[i].Choices, Choice{Name: c, Label: Labels{"en": c}})
			}
		}
	}
	return &g
}

// A change is judged by the form version it names: v2 has one more
// specific need, v3 (the newest here) another instead.
func TestValidateChangeAgainstItsVersion(t *testing.T) {
	forms, err := builtinForms(t).Add(
		nextVersion(t, KindPerson, "2", FieldSpecificNeeds, "climate_displaced"),
		nextVersion(t, KindPerson, "3", FieldSpecificNeeds, "stateless"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		form     string
		writes   map[string]string
		rule     string // "" accepted
		sentinel bool   // ErrUnknownFormVersion
	}{
		{"a choice its version has", "person@2", map[string]string{FieldSpecificNeeds: "climate_displaced"}, "", false},
		{"a choice only another version has", "person@2", map[string]string{FieldSpecificNeeds: "stateless"}, RuleChoice, false},
		{"the newest's choice under it", "person@3", map[string]string{FieldSpecificNeeds: "stateless"}, "", false},
		{"legacy: the first version", "", map[string]string{FieldSpecificNeeds: "climate_displaced"}, RuleChoice, false},
		{"legacy: a good value", "", map[string]string{FieldSex: "female"}, "", false},
		{"legacy: unknown field", "", map[string]string{"favourite_colour": "blue"}, RuleUnknownField, false},
		{"unknown field", "person@2", map[string]string{"favourite_colour": "blue"}, RuleUnknownField, false},
		{"wrong type", "person@2", map[string]string{FieldBirthDate: "15/03/1990"}, RuleType, false},
		{"future date", "person@2", map[string]string{FieldBirthDate: "2030-01-01"}, RuleFutureDate, false},
		{"a cleared required field: the record's rule", "person@2", map[string]string{FieldGivenName: ""}, "", false},
		{"value rule", "person@2", map[string]string{FieldGivenName: "A\x00"}, RuleControl, false},
		{"system field", "person@2", map[string]string{FieldMergedInto: "not-an-id"}, RuleType, false},
		{"system field fine", "person@2", map[string]string{change.DeletedField: "true"}, "", false},
		{"version not held", "person@9", map[string]string{FieldSpecificNeeds: "anything"}, "", true},
		{"version not held, value rule broken", "person@9", map[string]string{FieldGivenName: "A\x00"}, RuleControl, false},
		{"version of another kind", "household@2", map[string]string{FieldSex: "female"}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := change.Change{Record: uuid.New(), Kind: KindPerson, Form: tt.form}
			for f, v := range tt.writes {
				c.Writes = append(c.Writes, change.Write{Field: f, Value: v})
			}
			err := forms.ValidateChange(c, fixedNow)
			if got := errors.Is(err, ErrUnknownFormVersion); got != tt.sentinel {
				t.Fatalf("ValidateChange = %v; unknown version %v, want %v", err, got, tt.sentinel)
			}
			fes, _ := AsValidation(err)
			switch {
			case tt.rule == "" && !tt.sentinel && err != nil:
				t.Errorf("refused: %v", err)
			case tt.rule != "" && (len(fes) != 1 || fes[0].Rule != tt.rule):
				t.Errorf("ValidateChange = %v, want rule %s", err, tt.rule)
			}
			lenient := AcceptUnknownVersions(forms.ChangeValidator(func() time.Time { return fixedNow }))(c)
			if (lenient == nil) != (tt.rule == "") {
				t.Errorf("a device's check = %v, want refused: %v", lenient, tt.rule != "")
			}
		})
	}
}

// The reason HQ holds a change of a version it lacks names the version.
func TestUnknownVersionNamesTheRef(t *testing.T) {
	c := change.Change{Record: uuid.New(), Kind: KindPerson, Form: "person@9",
		Writes: []change.Write{{Field: FieldGivenName, Value: "Amina"}}}
	err := builtinForms(t).ValidateChange(c, fixedNow)
	if !errors.Is(err, ErrUnknownFormVersion) || !strings.Contains(err.Error(), "person@9") {
		t.Errorf("ValidateChange = %v, want ErrUnknownFormVersion naming person@9", err)
	}
}

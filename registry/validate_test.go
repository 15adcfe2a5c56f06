package registry

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
)

func record(kind string, values map[string]string) Record {
	r := Record{ID: uuid.MustParse("01900000-0000-7000-8000-000000000001"), Kind: kind, Fields: map[string]change.Field{}}
	for name, v := range values {
		r.Fields[name] = change.Field{Versions: []change.Version{{Value: v, Stamp: change.Stamp{HLC: 1}}}}
	}
	return r
}

// with returns base with the changes applied; "" removes a field.
func with(base map[string]string, changes map[string]string) map[string]string {
	out := make(map[string]string, len(base)+len(changes))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range changes {
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

var (
	goodHousehold = map[string]string{"consent": "true", "site": "camp_north", "status": "active"}
	goodPerson    = map[string]string{
		"household_id": "01900000-0000-7000-8000-000000000009", "relationship": "head",
		"given_name": "Amina", "sex": "female", "birth_date": "1990-05-01",
	}
	goodAssessment = map[string]string{"household_id": "01900000-0000-7000-8000-000000000009", "date": "2026-03-01"}
)

func TestValidateRules(t *testing.T) {
	fs := builtinForms(t)
	tests := []struct {
		name   string
		kind   string
		values map[string]string
		field  string // "" when the record is valid
		rule   string
		params []string
	}{
		{"household ok", KindHousehold, goodHousehold, "", "", nil},
		{"person ok", KindPerson, goodPerson, "", "", nil},
		{"assessment ok", KindAssessment, goodAssessment, "", "", nil},
		{"required", KindPerson, with(goodPerson, map[string]string{"given_name": ""}), "given_name", RuleRequired, nil},
		{"consent missing", KindHousehold, with(goodHousehold, map[string]string{"consent": ""}), "consent", RuleRequired, nil},
		{"consent refused", KindHousehold, with(goodHousehold, map[string]string{"consent": "false"}), "consent", RuleConsent, nil},
		{"type date", KindPerson, with(goodPerson, map[string]string{"birth_date": "01/05/1990"}), "birth_date", RuleType, []string{"date"}},
		{"type integer", KindAssessment, with(goodAssessment, map[string]string{"meals_per_day": "two"}), "meals_per_day", RuleType, []string{"integer"}},
		{"type not canonical", KindAssessment, with(goodAssessment, map[string]string{"meals_per_day": "02"}), "meals_per_day", RuleType, []string{"integer"}},
		{"type ref", KindPerson, with(goodPerson, map[string]string{"household_id": "hh-12"}), "household_id", RuleType, []string{"ref"}},
		{"type geopoint", KindHousehold, with(goodHousehold, map[string]string{"gps": "95 10"}), "gps", RuleType, []string{"geopoint"}},
		{"geopoint ok", KindHousehold, with(goodHousehold, map[string]string{"gps": "15.5 32.53 380 5"}), "", "", nil},
		{"choice", KindPerson, with(goodPerson, map[string]string{"sex": "f"}), "sex", RuleChoice, nil},
		{"multiple choice", KindPerson, with(goodPerson, map[string]string{"specific_needs": "disability flying"}), "specific_needs", RuleChoice, nil},
		{"multiple repeated", KindPerson, with(goodPerson, map[string]string{"specific_needs": "disability disability"}), "specific_needs", RuleChoice, nil},
		{"multiple ok", KindPerson, with(goodPerson, map[string]string{"specific_needs": "disability woman_at_risk"}), "", "", nil},
		{"max choices", KindAssessment, with(goodAssessment, map[string]string{"priority_needs": "food water shelter cash"}), "priority_needs", RuleMaxChoices, []string{"3"}},
		{"min", KindAssessment, with(goodAssessment, map[string]string{"water_litres_per_person": "-1"}), "water_litres_per_person", RuleMin, []string{"0"}},
		{"max", KindAssessment, with(goodAssessment, map[string]string{"days_pulses": "8"}), "days_pulses", RuleMax, []string{"7"}},
		{"decimal ok", KindAssessment, with(goodAssessment, map[string]string{"water_litres_per_person": "7.5"}), "", "", nil},
		{"max length", KindPerson, with(goodPerson, map[string]string{"given_name": strings.Repeat("ع", 101)}), "given_name", RuleMaxLength, []string{"100"}},
		{"max length counts characters", KindPerson, with(goodPerson, map[string]string{"given_name": strings.Repeat("ع", 100)}), "", "", nil},
		{"pattern phone", KindHousehold, with(goodHousehold, map[string]string{"phone": "call me"}), "phone", RulePattern, nil},
		{"phone ok", KindHousehold, with(goodHousehold, map[string]string{"phone": "+249 912 345 678"}), "", "", nil},
		{"pattern nationality", KindPerson, with(goodPerson, map[string]string{"nationality": "Sudan"}), "nationality", RulePattern, nil},
		{"pattern languages", KindPerson, with(goodPerson, map[string]string{"languages": "ar,en"}), "languages", RulePattern, nil},
		{"languages ok", KindPerson, with(goodPerson, map[string]string{"languages": "ar en", "nationality": "SSD"}), "", "", nil},
		{"future birth", KindPerson, with(goodPerson, map[string]string{"birth_date": "2026-03-16"}), "birth_date", RuleFutureDate, nil},
		{"born today", KindPerson, with(goodPerson, map[string]string{"birth_date": "2026-03-15"}), "", "", nil},
		{"age 120", KindPerson, with(goodPerson, map[string]string{"birth_date": "1906-03-15"}), "", "", nil},
		{"age 121", KindPerson, with(goodPerson, map[string]string{"birth_date": "1905-03-15"}), "birth_date", RuleAgeRange, []string{"120"}},
		{"future assessment", KindAssessment, with(goodAssessment, map[string]string{"date": "2027-01-01"}), "date", RuleFutureDate, nil},
		{"unknown field", KindPerson, with(goodPerson, map[string]string{"favourite_colour": "blue"}), "favourite_colour", RuleUnknownField, nil},
		{"system field", KindPerson, with(goodPerson, map[string]string{"_owner": "x"}), "_owner", RuleUnknownField, nil},
		{"deleted allowed", KindPerson, with(goodPerson, map[string]string{change.DeletedField: "false"}), "", "", nil},
		{"deleted record not checked", KindPerson, map[string]string{change.DeletedField: "true"}, "", "", nil},
		{"unknown kind", "referral", map[string]string{"a": "b"}, "", RuleUnknownKind, []string{"referral"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := fs.Validate(record(tt.kind, tt.values), fixedNow)
			if tt.rule == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			fes, ok := AsValidation(err)
			if !ok {
				t.Fatalf("Validate = %v, want a ValidationError", err)
			}
			if len(fes) != 1 {
				t.Fatalf("Validate gave %d errors, want 1: %v", len(fes), err)
			}
			fe := fes[0]
			if fe.Field != tt.field || fe.Rule != tt.rule || !slices.Equal(fe.Params, tt.params) {
				t.Errorf("error = {%s %s %v}, want {%s %s %v}", fe.Field, fe.Rule, fe.Params, tt.field, tt.rule, tt.params)
			}
			if fe.Kind != tt.kind || fe.Record != record(tt.kind, nil).ID {
				t.Errorf("error names %s %s, want the record", fe.Kind, fe.Record)
			}
		})
	}
}

// A note stores nothing; a calculation is stored as text; a required
// question that is only sometimes shown cannot be refused for being empty
// by one who does not evaluate when it is shown.
func TestValidateXLSFormFields(t *testing.T) {
	form := &Form{Kind: "survey", Fields: []FieldDef{
		{Name: "intro", Type: TypeNote, Label: Labels{"en": "Read this"}},
		{Name: "children", Type: TypeInteger, Label: Labels{"en": "Children"}},
		{Name: "school", Type: TypeText, Label: Labels{"en": "School"}, Required: true, Relevant: "${children} > 0"},
		{Name: "name", Type: TypeText, Label: Labels{"en": "Name"}, Required: true},
		{Name: "double", Type: TypeCalculate, Calculation: "${children} * 2"},
	}}
	fs, err := NewForms(form)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		values map[string]string
		field  string
		rule   string
	}{
		{"ok", map[string]string{"name": "A", "children": "2", "double": "4"}, "", ""},
		{"a note has no value", map[string]string{"name": "A", "intro": "x"}, "intro", RuleType},
		{"required only when relevant", map[string]string{"name": "A", "children": "0"}, "", ""},
		{"required always", map[string]string{"children": "1", "school": "S"}, "name", RuleRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := fs.Validate(record("survey", tt.values), fixedNow)
			if tt.rule == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			fes, _ := AsValidation(err)
			if len(fes) != 1 || fes[0].Field != tt.field || fes[0].Rule != tt.rule {
				t.Errorf("Validate = %v, want %s on %s", err, tt.rule, tt.field)
			}
		})
	}
}

func TestValidatorUsesInjectedClock(t *testing.T) {
	fs := builtinForms(t)
	r := record(KindPerson, with(goodPerson, map[string]string{"birth_date": "2026-06-01"}))
	if err := fs.Validator(func() time.Time { return fixedNow })(r); err == nil {
		t.Error("a birth date after the injected today was accepted")
	}
	later := fixedNow.AddDate(1, 0, 0)
	if err := fs.Validator(func() time.Time { return later })(r); err != nil {
		t.Errorf("a birth date before the injected today was refused: %v", err)
	}
}

func TestMessagesAreTranslated(t *testing.T) {
	id := uuid.MustParse("01900000-0000-7000-8000-000000000001")
	fe := FieldError{Record: id, Kind: KindPerson, Field: "birth_date", Rule: RuleFutureDate}
	if got, want := fe.Error(), "person 01900000-0000-7000-8000-000000000001: birth_date: date is in the future"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	tests := []struct {
		fe   FieldError
		lang string
		want string
	}{
		{fe, "", "date is in the future"},
		{fe, "fr", "la date est dans le futur"},
		{fe, "ar", "التاريخ في المستقبل"},
		{fe, "sw", "date is in the future"}, // no Swahili yet: English
		{FieldError{Rule: RuleMax, Params: []string{"7"}}, "es", "debe ser como máximo 7"},
		{FieldError{Rule: RuleMax, Params: []string{"7"}}, "ar", "يجب ألا تزيد القيمة عن 7"},
		{FieldError{Rule: RuleOneHead, Params: []string{"2"}}, "fr", "un ménage doit avoir exactement un chef (trouvé : 2)"},
	}
	for _, tt := range tests {
		if got := tt.fe.Message(tt.lang); got != tt.want {
			t.Errorf("Message(%q) of %s = %q, want %q", tt.lang, tt.fe.Rule, got, tt.want)
		}
	}
	if got, want := (FieldError{Rule: "from_a_newer_peer", Params: []string{"3"}}).Message("fr"), "from_a_newer_peer 3"; got != want {
		t.Errorf("an unknown rule says %q, want %q", got, want)
	}
}

func TestValidationErrorIsFoundByErrorsAs(t *testing.T) {
	fs := builtinForms(t)
	err := fs.Validate(record(KindPerson, map[string]string{}), fixedNow)
	wrapped := fmt.Errorf("register: %w", err)
	var ve *ValidationError
	if !errors.As(wrapped, &ve) {
		t.Fatalf("errors.As failed on %v", wrapped)
	}
	fields := ve.Fields()
	for _, name := range []string{"household_id", "relationship", "given_name", "sex", "birth_date"} {
		if fields[name].Rule != RuleRequired {
			t.Errorf("field %s: %+v, want required", name, fields[name])
		}
	}
}

// A change that leaves its record deleted carries nothing but the deletion.
func TestValidateDeletion(t *testing.T) {
	id := uuid.MustParse("01900000-0000-7000-8000-000000000002")
	for _, tc := range []struct {
		name   string
		writes map[string]string
		rules  map[string]string // field → rule broken
	}{
		{"delete", map[string]string{change.DeletedField: "true"}, nil},
		{"merge", map[string]string{change.DeletedField: "true", FieldMergedInto: id.String()}, nil},
		{"junk beside the deletion", map[string]string{change.DeletedField: "true", FieldGivenName: "x", "zzz": "y"},
			map[string]string{FieldGivenName: RuleDeleted, "zzz": RuleDeleted}},
		{"not a deletion value", map[string]string{change.DeletedField: "yes"}, map[string]string{change.DeletedField: RuleType}},
		{"merged into no record", map[string]string{change.DeletedField: "true", FieldMergedInto: "nobody"}, map[string]string{FieldMergedInto: RuleType}},
		{"not a duplicate is not a deletion", map[string]string{FieldNotDuplicate: id.String()}, map[string]string{FieldNotDuplicate: RuleDeleted}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := change.Change{Record: id, Kind: KindPerson}
			for f, v := range tc.writes {
				c.Writes = append(c.Writes, change.Write{Field: f, Value: v})
			}
			err := ValidateDeletion(c)
			got := map[string]string{}
			if errs, ok := AsValidation(err); ok {
				for _, fe := range errs {
					got[fe.Field] = fe.Rule
				}
			} else if err != nil {
				t.Fatalf("not a validation error: %v", err)
			}
			if len(got) != len(tc.rules) {
				t.Fatalf("broken rules %v, want %v", got, tc.rules)
			}
			for f, r := range tc.rules {
				if got[f] != r {
					t.Errorf("%s: rule %q, want %q", f, got[f], r)
				}
			}
		})
	}
}

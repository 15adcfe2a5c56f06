package app

import (
	"strings"
	"testing"

	"fieldreg/registry"
)

// A refused record is explained in the user's language: the field by its
// form label, the rule by the catalogue's message.
func TestValidationSpeaksTheUsersLanguage(t *testing.T) {
	u := newTestUI(t)
	u.create()
	verr := &registry.ValidationError{Errors: []registry.FieldError{
		{Kind: registry.KindPerson, Field: "birth_date", Rule: registry.RuleFutureDate},
		{Kind: registry.KindHousehold, Field: "members", Rule: registry.RuleOneHead, Params: []string{"2"}},
	}}
	tests := []struct {
		lang  string
		wants []string
	}{
		{"en", []string{"date is in the future", "a household needs exactly one head (found 2)"}},
		{"fr", []string{"la date est dans le futur", "un ménage doit avoir exactement un chef (trouvé : 2)"}},
		{"es", []string{"la fecha está en el futuro", "un hogar debe tener exactamente un jefe (encontrados: 2)"}},
	}
	for _, tt := range tests {
		u.setLanguage(tt.lang)
		got := u.plainError(verr)
		for _, want := range tt.wants {
			if !strings.Contains(got, want) {
				t.Errorf("in %s: %q lacks %q", tt.lang, got, want)
			}
		}
		if label := u.fieldLabel(registry.KindPerson, "birth_date"); !strings.HasPrefix(got, label+": ") {
			t.Errorf("in %s: %q does not start with the field's label %q", tt.lang, got, label)
		}
	}
}

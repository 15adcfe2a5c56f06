package registry

import (
	"testing"
	"time"
)

func TestSystemFields(t *testing.T) {
	fs := builtinForms(t)
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	other := "01900000-0000-7000-8000-000000000002"
	tests := []struct {
		name    string
		changes map[string]string
		bad     string // the field refused, "" when valid
	}{
		{"judged distinct from one person", map[string]string{FieldNotDuplicate: other}, ""},
		{"judged distinct from two", map[string]string{FieldNotDuplicate: other + " " + other[:35] + "3"}, ""},
		{"distinct from a non-id", map[string]string{FieldNotDuplicate: other + " Amina"}, FieldNotDuplicate},
		{"merged into a non-id", map[string]string{FieldMergedInto: "Amina"}, FieldMergedInto},
		{"undeleted", map[string]string{"_deleted": "false"}, ""},
		{"deletion marker not a boolean", map[string]string{"_deleted": "yes"}, "_deleted"},
		{"unknown system field", map[string]string{"_secret": "x"}, "_secret"},
		{"another agency's key", map[string]string{FieldExternalKey: "M-001/2024"}, ""},
		{"a key with a control character", map[string]string{FieldExternalKey: "M-001\x00"}, FieldExternalKey},
		{"erased", map[string]string{FieldErased: "true"}, ""},
		{"an erasure undone", map[string]string{FieldErased: "false"}, FieldErased},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := fs.Validate(record(KindPerson, with(goodPerson, tt.changes)), now)
			fields, _ := AsValidation(err)
			switch {
			case tt.bad == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.bad != "" && (len(fields) != 1 || fields[0].Field != tt.bad):
				t.Fatalf("want %s refused, got %v", tt.bad, err)
			}
		})
	}
}

package registry

import "testing"

func TestNames(t *testing.T) {
	tests := []struct {
		name          string
		values        map[string]string
		display, full string
	}{
		{"given and family", map[string]string{FieldGivenName: "Amina", FieldFamilyName: "Yusuf"}, "Amina Yusuf", "Amina Yusuf"},
		{"all three", map[string]string{FieldGivenName: "Amina", FieldFamilyName: "Yusuf", FieldOtherNames: "Umm Omar"}, "Amina Yusuf", "Amina Yusuf Umm Omar"},
		{"given only", map[string]string{FieldGivenName: "Amina"}, "Amina", "Amina"},
		{"family only", map[string]string{FieldFamilyName: "Yusuf"}, "Yusuf", "Yusuf"},
		{"other names only", map[string]string{FieldOtherNames: "Umm Omar"}, "", "Umm Omar"},
		{"none", map[string]string{FieldSex: "female"}, "", ""},
		{"spaces typed around", map[string]string{FieldGivenName: " Amina ", FieldFamilyName: "Yusuf "}, "Amina Yusuf", "Amina Yusuf"},
		{"Arabic", map[string]string{FieldGivenName: "أمينة", FieldFamilyName: "يوسف"}, "أمينة يوسف", "أمينة يوسف"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := record(KindPerson, tt.values)
			if got := DisplayName(r); got != tt.display {
				t.Errorf("DisplayName = %q, want %q", got, tt.display)
			}
			if got := FullName(r); got != tt.full {
				t.Errorf("FullName = %q, want %q", got, tt.full)
			}
		})
	}
}

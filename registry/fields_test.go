package registry

import "testing"

// Each core field's constant names a field of the built-in forms, of the
// type the code that uses it relies on.
func TestCoreFieldsAreInTheForms(t *testing.T) {
	fs := builtinForms(t)
	tests := []struct {
		kind, field string
		typ         FieldType
	}{
		{KindHousehold, FieldSite, TypeSelectOne},
		{KindHousehold, FieldAdmin1, TypeText},
		{KindHousehold, FieldAdmin2, TypeText},
		{KindHousehold, FieldGPS, TypeGeopoint},
		{KindHousehold, FieldPhone, TypeText},
		{KindHousehold, FieldConsent, TypeBoolean},
		{KindHousehold, FieldConsentBy, TypeText},
		{KindHousehold, FieldConsentDate, TypeDate},
		{KindHousehold, FieldStatus, TypeSelectOne},
		{KindPerson, FieldHouseholdID, TypeRef},
		{KindPerson, FieldRelationship, TypeSelectOne},
		{KindPerson, FieldGivenName, TypeText},
		{KindPerson, FieldFamilyName, TypeText},
		{KindPerson, FieldOtherNames, TypeText},
		{KindPerson, FieldSex, TypeSelectOne},
		{KindPerson, FieldBirthDate, TypeDate},
		{KindPerson, FieldBirthDateEstimated, TypeBoolean},
		{KindPerson, FieldDocumentType, TypeSelectOne},
		{KindPerson, FieldDocumentNumber, TypeText},
		{KindPerson, FieldSpecificNeeds, TypeSelectMultiple},
		{KindAssessment, FieldHouseholdID, TypeRef},
		{KindAssessment, FieldDate, TypeDate},
	}
	for _, tt := range tests {
		f, _ := fs.Form(tt.kind)
		d, ok := f.Field(tt.field)
		if !ok {
			t.Errorf("the %s form has no field %s", tt.kind, tt.field)
			continue
		}
		if d.Type != tt.typ {
			t.Errorf("%s.%s is a %s, want %s", tt.kind, tt.field, d.Type, tt.typ)
		}
	}
	p, _ := fs.Form(KindPerson)
	rel, _ := p.Field(FieldRelationship)
	if _, ok := rel.Choice(RelationshipHead); !ok {
		t.Errorf("relationship has no choice %q", RelationshipHead)
	}
}

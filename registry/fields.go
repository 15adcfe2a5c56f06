package registry

import "fieldreg/change"

// The core fields' names: the names the built-in forms give them, and the
// export columns (DESIGN.md's table). Code that reads or writes a core field
// by name uses these, so a rename is one edit and a typo a compile error.
// Assessment questions and fields of forms a deployment adds are data and
// have no constant.
const (
	// Shared by persons and assessments: the household they belong to.
	FieldHouseholdID = "household_id"

	// Household.
	FieldSite        = "site"
	FieldAdmin1      = "admin1"
	FieldAdmin2      = "admin2"
	FieldGPS         = "gps"
	FieldPhone       = "phone"
	FieldConsent     = "consent"
	FieldConsentBy   = "consent_by"
	FieldConsentDate = "consent_date"
	FieldStatus      = "status"

	// Person.
	FieldRelationship       = "relationship"
	FieldGivenName          = "given_name"
	FieldFamilyName         = "family_name"
	FieldOtherNames         = "other_names"
	FieldSex                = "sex"
	FieldBirthDate          = "birth_date"
	FieldBirthDateEstimated = "birth_date_estimated"
	FieldDocumentType       = "document_type"
	FieldDocumentNumber     = "document_number"
	FieldSpecificNeeds      = "specific_needs"

	// Assessment.
	FieldDate = "date"
)

// DeletedField is the system field marking a record deleted; it merges like
// any other field (change.DeletedField).
const DeletedField = change.DeletedField

// RelationshipHead is the relationship of the head of household: the one
// member every household has exactly one of (household.go).
const RelationshipHead = "head"

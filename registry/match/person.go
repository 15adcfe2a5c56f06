package match

import (
	"strings"

	"github.com/google/uuid"

	"fieldreg/registry"
)

// Record field names this package reads (DESIGN.md's export column names).
const (
	FieldHouseholdID        = registry.FieldHouseholdID
	FieldGivenName          = registry.FieldGivenName
	FieldFamilyName         = registry.FieldFamilyName
	FieldOtherNames         = registry.FieldOtherNames
	FieldSex                = registry.FieldSex
	FieldBirthDate          = registry.FieldBirthDate
	FieldBirthDateEstimated = registry.FieldBirthDateEstimated
	FieldSite               = registry.FieldSite
	FieldPhone              = registry.FieldPhone
	FieldDocumentNumber     = registry.FieldDocumentNumber
	// FieldMergedInto is set on a person found to duplicate another: the
	// surviving person's id. A merged person is no longer a candidate.
	FieldMergedInto = registry.FieldMergedInto
	// FieldNotDuplicate holds the space-separated ids of persons a supervisor
	// judged distinct from this one.
	FieldNotDuplicate = registry.FieldNotDuplicate
)

// Person is what matching looks at: who someone is and the household context
// they were registered in.
type Person struct {
	ID, Household                     uuid.UUID
	GivenName, FamilyName, OtherNames string
	Sex                               string // female, male, other, unknown
	BirthDate                         string // YYYY-MM-DD
	BirthDateEstimated                bool
	Site, Phone                       string
	DocumentNumber                    string   // an identity document's number, "" when none
	HouseholdNames                    []string // the other members' names, "given family"
}

// PersonFromRecords builds a Person from a person record, its household and
// the household's other members. Deleted members and the person itself are
// left out of the household names. household may be the zero Record when
// unknown; the household id then comes from the person's household_id field.
func PersonFromRecords(person, household registry.Record, otherMembers []registry.Record) Person {
	p := Person{
		ID:                 person.ID,
		Household:          household.ID,
		GivenName:          person.Value(FieldGivenName),
		FamilyName:         person.Value(FieldFamilyName),
		OtherNames:         person.Value(FieldOtherNames),
		Sex:                person.Value(FieldSex),
		BirthDate:          person.Value(FieldBirthDate),
		BirthDateEstimated: person.Value(FieldBirthDateEstimated) == "true",
		DocumentNumber:     person.Value(FieldDocumentNumber),
		Site:               household.Value(FieldSite),
		Phone:              household.Value(FieldPhone),
	}
	if p.Household == uuid.Nil {
		p.Household, _ = uuid.Parse(person.Value(FieldHouseholdID))
	}
	for _, m := range otherMembers {
		if m.ID == person.ID || m.Deleted() || m.Value(FieldMergedInto) != "" {
			continue
		}
		if name := memberName(m.Value(FieldGivenName), m.Value(FieldFamilyName)); name != "" {
			p.HouseholdNames = append(p.HouseholdNames, name)
		}
	}
	return p
}

func memberName(given, family string) string {
	return strings.TrimSpace(given + " " + family)
}

package registry

import (
	"strconv"

	"github.com/google/uuid"
)

// The head-of-household rule: among a household's members that are not
// deleted, exactly one is the head. Register and edit check it on the
// household as it will be (ValidateHousehold); delete and merge, which take
// one person out, check it with LeavesHeadless before they do.

// IsHead reports whether a person is the head of its household.
func IsHead(person Record) bool { return person.Value(FieldRelationship) == RelationshipHead }

// ValidateHousehold checks what no single record can: among the members that
// are not deleted, exactly one is the head, and every member points at the
// household.
func ValidateHousehold(household Record, members []Record) error {
	var errs []FieldError
	heads := 0
	for _, m := range members {
		if m.Deleted() {
			continue
		}
		if ref := m.Value(FieldHouseholdID); ref != household.ID.String() {
			errs = append(errs, FieldError{Record: m.ID, Kind: m.Kind, Field: FieldHouseholdID, Rule: RuleMember, Params: []string{household.ID.String()}})
		}
		if IsHead(m) {
			heads++
		}
	}
	if heads != 1 {
		errs = append(errs, FieldError{Record: household.ID, Kind: household.Kind, Field: FieldRelationship, Rule: RuleOneHead, Params: []string{strconv.Itoa(heads)}})
	}
	return errorsOrNil(errs)
}

// LeavesHeadless reports whether taking person out of its household —
// deleting it, merging it into someone else — would leave the household's
// other members without a head: it is the head, and members (the ids of the
// household's live members, person among them or not) holds someone else.
// A head alone may go: the household goes empty, not headless.
func LeavesHeadless(person Record, members []uuid.UUID) bool {
	if person.Kind != KindPerson || !IsHead(person) {
		return false
	}
	for _, m := range members {
		if m != person.ID {
			return true
		}
	}
	return false
}

package ops

import (
	"errors"
	"fmt"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store"
)

// Workspace is what the operations need of a store. *store.Workspace has it.
type Workspace interface {
	Get(id uuid.UUID) (registry.Record, error)
	Kind(id uuid.UUID) (string, bool)
	Members(household uuid.UUID) []uuid.UUID
	Assessments(household uuid.UUID) []uuid.UUID
	Commit(edits ...store.Edit) ([]change.Change, error)
	Delete(id uuid.UUID) (change.Change, error)
	Role() store.Role
}

var _ Workspace = (*store.Workspace)(nil)

// The errors callers branch on. Each is wrapped with the record it is about.
var (
	// ErrRole is the store's ErrForbidden: the user's role does not allow
	// the operation. The store refuses such writes itself; ops says so
	// before anything is read.
	ErrRole = store.ErrForbidden
	// ErrNotFound means the workspace holds no record of that id.
	ErrNotFound = errors.New("no such record")
	// ErrDeleted means the record was deleted: it may not be edited,
	// merged or judged any more.
	ErrDeleted = errors.New("record deleted")
	// ErrNotPerson means a person's operation was given another kind.
	ErrNotPerson = errors.New("not a person")
	// ErrSamePerson means a pair is one record twice.
	ErrSamePerson = errors.New("the same person twice")
	// ErrHeadOfHousehold refuses taking the head out of a household that
	// has other members (see *HeadError).
	ErrHeadOfHousehold = errors.New("head of a household with other members")
)

// MaySupervise reports whether a role makes the supervisors' decisions:
// merging and dismissing duplicates, deleting records, resolving conflicts.
// It is the store's rule (the store refuses the rest with ErrForbidden).
func MaySupervise(r store.Role) bool { return r.MaySupervise() }

// requireSupervisor refuses an enumerator the supervisors' decisions.
func requireSupervisor(ws Workspace, what string) error {
	if !MaySupervise(ws.Role()) {
		return fmt.Errorf("%s: %w", what, ErrRole)
	}
	return nil
}

// recordError is a sentinel with the record it is about, worded for a
// person: its text is the front ends' message when they have no better.
type recordError struct {
	msg string
	err error
}

func (e *recordError) Error() string { return e.msg }
func (e *recordError) Unwrap() error { return e.err }

// live reads a record that exists and is not deleted.
func live(ws Workspace, id uuid.UUID) (registry.Record, error) {
	rec, err := ws.Get(id)
	if errors.Is(err, store.ErrNotFound) {
		return rec, &recordError{fmt.Sprintf("no record %s in this workspace", id), ErrNotFound}
	}
	if err != nil {
		return rec, fmt.Errorf("read record %s: %w", id, err)
	}
	if rec.Deleted() {
		return rec, &recordError{fmt.Sprintf("record %s was deleted", id), ErrDeleted}
	}
	return rec, nil
}

// livePerson reads a live person.
func livePerson(ws Workspace, id uuid.UUID) (registry.Record, error) {
	rec, err := live(ws, id)
	if err == nil && rec.Kind != registry.KindPerson {
		err = &recordError{fmt.Sprintf("record %s is a %s, not a person", id, rec.Kind), ErrNotPerson}
	}
	return rec, err
}

// HeadError refuses taking Person, head of Household, out while others
// remain: exactly one head is a rule every household keeps
// (registry.LeavesHeadless). It is ErrHeadOfHousehold to errors.Is.
type HeadError struct {
	Person, Household uuid.UUID
}

func (e *HeadError) Error() string {
	return fmt.Sprintf("person %s is the head of household %s, which has other members", e.Person, e.Household)
}

func (e *HeadError) Is(target error) bool { return target == ErrHeadOfHousehold }

// checkHead refuses taking person out of its household when that would
// leave the others without a head.
func checkHead(ws Workspace, person registry.Record) error {
	if person.Kind != registry.KindPerson {
		return nil
	}
	hid, err := uuid.Parse(person.Value(registry.FieldHouseholdID))
	if err != nil {
		return nil
	}
	if registry.LeavesHeadless(person, ws.Members(hid)) {
		return &HeadError{Person: person.ID, Household: hid}
	}
	return nil
}

// LeavesHeadless reports whether taking person out of its household
// (deleting or merging it away) would leave the others without a head: what
// Delete and Merge refuse, for a screen to know before it offers them.
func LeavesHeadless(ws Workspace, person registry.Record) bool { return checkHead(ws, person) != nil }

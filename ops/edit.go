package ops

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store"
)

// ErrSystemField refuses an edit of a field the system keeps ("_deleted",
// "_merged_into", …): those are written by Delete, Merge and Dismiss, which
// keep their rules.
var ErrSystemField = errors.New("kept by the system")

// Fields is one record's share of an edit.
type Fields struct {
	// Record is the record as it was read: the edit is judged against it.
	// Each field's base is the stamp the store holds when it commits.
	Record registry.Record
	// Set holds the canonical values to write; "" clears a field.
	Set map[string]string
	// Resolve settles the written fields' open conflicts: the values
	// written replace every concurrent one (supervisors and admins).
	Resolve bool
}

// Edit writes fields of one or more records in one commit: edits that only
// make sense together (a new head and the old one's new relationship) are
// stored together or not at all. Before writing it checks what one record's
// form cannot: every household whose members' relationship or household
// changes keeps exactly one head. The store checks each record against its
// form as it commits. It returns the changes made; a field that already
// holds its value makes none.
func Edit(ws Workspace, edits ...Fields) ([]change.Change, error) {
	var ses []store.Edit
	after := make(map[uuid.UUID]registry.Record, len(edits))
	before := make([]registry.Record, 0, len(edits))
	for _, e := range edits {
		id := e.Record.ID
		if e.Resolve {
			if err := requireSupervisor(ws, fmt.Sprintf("resolve conflicts of record %s", id)); err != nil {
				return nil, err
			}
		}
		for name := range e.Set {
			if strings.HasPrefix(name, "_") {
				return nil, fmt.Errorf("edit %s %s: %s: %w", e.Record.Kind, id, name, ErrSystemField)
			}
		}
		ses = append(ses, store.Edit{Record: id, Kind: e.Record.Kind, Set: e.Set, Resolve: e.Resolve})
		after[id] = applied(e.Record, e.Set)
		before = append(before, e.Record)
	}
	if err := checkHeadsAfterEdit(ws, before, after); err != nil {
		return nil, err
	}
	changes, err := ws.Commit(ses...)
	if err != nil {
		return nil, fmt.Errorf("edit: %w", err)
	}
	return changes, nil
}

// applied returns the record as it will be after set is written.
func applied(rec registry.Record, set map[string]string) registry.Record {
	after := rec.Clone()
	for k, v := range set {
		after.Fields[k] = change.Field{Versions: []change.Version{{Value: v}}}
	}
	return after
}

// checkHeadsAfterEdit checks that after persons' relationships or
// households change, every household concerned still has exactly one head,
// and that persons moved to a household move to one that exists.
func checkHeadsAfterEdit(ws Workspace, before []registry.Record, after map[uuid.UUID]registry.Record) error {
	var concerned []string
	for _, rec := range before {
		a := after[rec.ID]
		if rec.Kind != registry.KindPerson {
			continue
		}
		if a.Value(registry.FieldRelationship) != rec.Value(registry.FieldRelationship) ||
			a.Value(registry.FieldHouseholdID) != rec.Value(registry.FieldHouseholdID) {
			concerned = append(concerned, rec.Value(registry.FieldHouseholdID), a.Value(registry.FieldHouseholdID))
		}
	}
	var problems []error
	for _, hid := range uniqueIDs(concerned...) {
		hh, err := ws.Get(hid)
		if err != nil || hh.Deleted() || hh.Kind != registry.KindHousehold {
			for _, a := range after {
				if a.Kind == registry.KindPerson && a.Value(registry.FieldHouseholdID) == hid.String() {
					problems = append(problems, &registry.ValidationError{Errors: []registry.FieldError{{
						Record: a.ID, Kind: a.Kind, Field: registry.FieldHouseholdID, Rule: registry.RuleMember, Params: []string{hid.String()},
					}}})
				}
			}
			continue
		}
		ms, err := liveRecords(ws, ws.Members(hid))
		if err != nil {
			return err
		}
		var group []registry.Record
		for _, m := range ms {
			if _, edited := after[m.ID]; !edited {
				group = append(group, m)
			}
		}
		for _, a := range after {
			if a.Kind == registry.KindPerson && a.Value(registry.FieldHouseholdID) == hid.String() {
				group = append(group, a)
			}
		}
		if len(group) == 0 {
			continue // the last member moved out: an empty household has no head to check
		}
		if err := registry.ValidateHousehold(hh, group); err != nil {
			problems = append(problems, err)
		}
	}
	return errors.Join(problems...)
}

// liveRecords reads records, skipping the deleted ones but none that cannot
// be read: a record that cannot be read is an error, not a smaller household.
func liveRecords(ws Workspace, ids []uuid.UUID) ([]registry.Record, error) {
	out := make([]registry.Record, 0, len(ids))
	for _, id := range ids {
		rec, err := ws.Get(id)
		if err != nil {
			return nil, fmt.Errorf("read record %s: %w", id, err)
		}
		if !rec.Deleted() {
			out = append(out, rec)
		}
	}
	return out, nil
}

func uniqueIDs(ss ...string) []uuid.UUID {
	var out []uuid.UUID
	for _, s := range ss {
		id, err := uuid.Parse(s)
		if err != nil {
			continue
		}
		dup := false
		for _, o := range out {
			dup = dup || o == id
		}
		if !dup {
			out = append(out, id)
		}
	}
	return out
}

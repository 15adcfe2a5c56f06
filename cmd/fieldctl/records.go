package main

import (
	"errors"
	"fmt"

	"github.com/google/uuid"

	"fieldreg/registry"
	"fieldreg/store"
)

// parseID reads a record id typed by a user.
func parseID(s string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil || id == uuid.Nil {
		return uuid.Nil, usagef("not a record id (a UUID such as 0190c8a4-…)")
	}
	return id, nil
}

// getRecord reads a record that exists and is not deleted.
func getRecord(s *session, id uuid.UUID) (registry.Record, error) {
	rec, err := s.ws.Get(id)
	if errors.Is(err, store.ErrNotFound) {
		return rec, fmt.Errorf("no record %s in this workspace", id)
	}
	if err != nil {
		return rec, fmt.Errorf("read record %s: %w", id, err)
	}
	if rec.Deleted() {
		return rec, fmt.Errorf("record %s was deleted", id)
	}
	return rec, nil
}

// members reads the persons of a household, skipping none silently: a record
// that cannot be read is an error, not a smaller household.
func members(s *session, household uuid.UUID) ([]registry.Record, error) {
	return readAll(s, s.ws.Members(household))
}

func assessments(s *session, household uuid.UUID) ([]registry.Record, error) {
	return readAll(s, s.ws.Assessments(household))
}

func readAll(s *session, ids []uuid.UUID) ([]registry.Record, error) {
	out := make([]registry.Record, 0, len(ids))
	for _, id := range ids {
		rec, err := s.ws.Get(id)
		if err != nil {
			return nil, fmt.Errorf("read record %s: %w", id, err)
		}
		if !rec.Deleted() {
			out = append(out, rec)
		}
	}
	return out, nil
}

// personName is how a person is named in a list: given, family and other names.
func personName(r registry.Record) string { return registry.FullName(r) }

// headOf returns the head among a household's members.
func headOf(members []registry.Record) (registry.Record, bool) {
	for _, m := range members {
		if registry.IsHead(m) {
			return m, true
		}
	}
	return registry.Record{}, false
}

// recordName names a record for a list or a search hit: a person by name, a
// household by its head's name.
func recordName(s *session, r registry.Record) (string, error) {
	switch r.Kind {
	case registry.KindPerson:
		return personName(r), nil
	case registry.KindHousehold:
		ms, err := members(s, r.ID)
		if err != nil {
			return "", err
		}
		if head, ok := headOf(ms); ok {
			return personName(head), nil
		}
	}
	return "", nil
}

// birthYear is the year part of a birth date, all a list shows of it.
func birthYear(r registry.Record) string {
	d := r.Value(registry.FieldBirthDate)
	if len(d) >= 4 {
		return d[:4]
	}
	return ""
}

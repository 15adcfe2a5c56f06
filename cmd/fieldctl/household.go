package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"fieldreg/exchange"
	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/change"
)

// planned is one household about to be committed: its edits, and how to
// name each record in a message for the person who typed the input.
type planned struct {
	label   string // "household 3", "line 17" — never a value from the record
	edits   []store.Edit
	records map[uuid.UUID]string // record id → "member 2" etc., for messages
	lines   map[uuid.UUID]int    // record id → CSV line, when the input was CSV
}

// plan turns one household of the exchange shape into the edits that store
// it, after validating every record (schema rules, and exactly one head) as
// it will be once stored: existing records merged with what the input sets.
// Nothing is written here.
func plan(s *session, h exchange.Household, label string, now time.Time) (planned, error) {
	p := planned{label: label, records: make(map[uuid.UUID]string)}
	hid, err := docID(h.Doc)
	if err != nil {
		return p, fieldErr("", "id", err)
	}
	// The household's own fields need no name beyond the label.
	household, err := planRecord(s, &p, hid, registry.KindHousehold, h.Fields, "")
	if err != nil {
		return p, err
	}
	var problems []error
	if err := s.forms.Validate(household, now); err != nil {
		problems = append(problems, err)
	}

	members := existingMembers(s, hid)
	for i, m := range h.Members {
		name := fmt.Sprintf("member %d", i+1)
		rec, err := planMember(s, &p, hid, m, registry.KindPerson, name)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		if err := s.forms.Validate(rec, now); err != nil {
			problems = append(problems, err)
		}
		members[rec.ID] = rec
	}
	for i, a := range h.Assessments {
		name := fmt.Sprintf("assessment %d", i+1)
		rec, err := planMember(s, &p, hid, a, registry.KindAssessment, name)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		if err := s.forms.Validate(rec, now); err != nil {
			problems = append(problems, err)
		}
	}
	if err := registry.ValidateHousehold(household, valuesOf(members)); err != nil {
		problems = append(problems, err)
	}
	if len(problems) > 0 {
		return p, errors.Join(problems...)
	}
	return p, nil
}

// planMember plans a person or assessment of household hid.
func planMember(s *session, p *planned, hid uuid.UUID, d exchange.Doc, kind, name string) (registry.Record, error) {
	id, err := docID(d)
	if err != nil {
		return registry.Record{}, fieldErr(name, "id", err)
	}
	fields := make(map[string]string, len(d.Fields)+1)
	for k, v := range d.Fields {
		fields[k] = v
	}
	if ref, ok := fields["household_id"]; ok && ref != "" && ref != hid.String() {
		return registry.Record{}, fieldErr(name, "household_id", errors.New("does not match the household's id"))
	}
	fields["household_id"] = hid.String()
	return planRecord(s, p, id, kind, fields, name)
}

// planRecord adds the edit that sets fields on record id and returns the
// record as it will be after the edit. A new record starts with its form's
// defaults; empty input values are left out, so an export missing a field
// does not blank it.
func planRecord(s *session, p *planned, id uuid.UUID, kind string, fields map[string]string, name string) (registry.Record, error) {
	p.records[id] = name
	rec := registry.Record{ID: id, Kind: kind, Fields: map[string]change.Field{}}
	if existing, ok := s.ws.Kind(id); ok {
		if existing != kind {
			return rec, fieldErr(name, "id", fmt.Errorf("already used by a %s", existing))
		}
		got, err := s.ws.Get(id)
		if err != nil {
			return rec, fmt.Errorf("%s: read record %s: %w", name, id, err)
		}
		rec = got.Clone()
	}
	set := make(map[string]string, len(fields))
	for k, v := range fields {
		if v != "" {
			set[k] = v
		}
	}
	if len(rec.Fields) == 0 {
		if form, ok := s.forms.Form(kind); ok {
			for _, d := range form.Fields {
				if _, given := set[d.Name]; !given && d.Default != "" {
					set[d.Name] = d.Default
				}
			}
		}
	}
	for k, v := range set {
		rec.Fields[k] = change.Field{Versions: []change.Version{{Value: v}}}
	}
	p.edits = append(p.edits, store.Edit{Record: id, Kind: kind, Set: set})
	return rec, nil
}

// existingMembers returns the stored members of a household, if it exists.
func existingMembers(s *session, hid uuid.UUID) map[uuid.UUID]registry.Record {
	out := make(map[uuid.UUID]registry.Record)
	for _, id := range s.ws.Members(hid) {
		if rec, err := s.ws.Get(id); err == nil {
			out[id] = rec
		}
	}
	return out
}

func valuesOf(m map[uuid.UUID]registry.Record) []registry.Record {
	out := make([]registry.Record, 0, len(m))
	for _, r := range m {
		out = append(out, r)
	}
	return out
}

// docID is the record id the input gives, or a new one.
func docID(d exchange.Doc) (uuid.UUID, error) {
	if d.ID == "" {
		return registry.NewID(), nil
	}
	id, err := uuid.Parse(d.ID)
	if err != nil || id == uuid.Nil {
		return uuid.Nil, errors.New("not a record id (a UUID)")
	}
	return id, nil
}

// fieldErr names where a problem is without quoting any value.
func fieldErr(record, field string, err error) error {
	if record == "" {
		return fmt.Errorf("%s: %w", field, err)
	}
	return fmt.Errorf("%s: %s: %w", record, field, err)
}

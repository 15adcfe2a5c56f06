package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/exchange"
	"fieldreg/registry"
	"fieldreg/store"
)

// recordPlan is one record of a household about to be stored: the edit that
// stores it, the record as it will be once stored (what is there already
// merged with what the input sets), and what its form's rules say of it.
type recordPlan struct {
	name    string // how the input names it: "member 2"; "" for the household itself
	edit    store.Edit
	after   registry.Record
	invalid error // the record's own rules refuse it
}

// householdPlan is a household of the exchange shape turned into records.
// Nothing is written while planning.
type householdPlan struct {
	household   recordPlan
	members     []recordPlan
	assessments []recordPlan
	existing    []registry.Record // stored members the input does not mention
}

// planHousehold plans a household of the exchange shape. Its error is about
// the input's ids (a malformed id, an id of another kind) or reading the
// store; the rules' verdicts are in the plan.
func planHousehold(s *session, h exchange.Household, now time.Time) (householdPlan, error) {
	var hp householdPlan
	hid, err := docID(h.Doc)
	if err != nil {
		return hp, fieldErr("", "id", err)
	}
	if hp.household, err = planRecord(s, hid, registry.KindHousehold, h.Fields, "", now); err != nil {
		return hp, err
	}
	mentioned := make(map[uuid.UUID]bool)
	for i, m := range h.Members {
		rp, err := planMember(s, hid, m, registry.KindPerson, fmt.Sprintf("member %d", i), now)
		if err != nil {
			return hp, err
		}
		mentioned[rp.edit.Record] = true
		hp.members = append(hp.members, rp)
	}
	for i, a := range h.Assessments {
		rp, err := planMember(s, hid, a, registry.KindAssessment, fmt.Sprintf("assessment %d", i), now)
		if err != nil {
			return hp, err
		}
		hp.assessments = append(hp.assessments, rp)
	}
	for _, id := range s.ws.Members(hid) {
		if mentioned[id] {
			continue
		}
		rec, err := s.ws.Get(id)
		if err != nil {
			return hp, fmt.Errorf("read member %s: %w", id, err)
		}
		hp.existing = append(hp.existing, rec)
	}
	return hp, nil
}

// planMember plans a person or assessment of household hid.
func planMember(s *session, hid uuid.UUID, d exchange.Doc, kind, name string, now time.Time) (recordPlan, error) {
	id, err := docID(d)
	if err != nil {
		return recordPlan{}, fieldErr(name, "id", err)
	}
	fields := make(map[string]string, len(d.Fields)+1)
	for k, v := range d.Fields {
		fields[k] = v
	}
	if ref, ok := fields["household_id"]; ok && ref != "" && ref != hid.String() {
		return recordPlan{}, fieldErr(name, "household_id", errors.New("does not match the household's id"))
	}
	fields["household_id"] = hid.String()
	return planRecord(s, id, kind, fields, name, now)
}

// planRecord plans the edit that sets fields on record id. A new record
// starts with its form's defaults; empty input values are left out, so an
// export missing a field does not blank it.
func planRecord(s *session, id uuid.UUID, kind string, fields map[string]string, name string, now time.Time) (recordPlan, error) {
	after := registry.Record{ID: id, Kind: kind, Fields: map[string]change.Field{}}
	if existing, ok := s.ws.Kind(id); ok {
		if existing != kind {
			return recordPlan{}, fieldErr(name, "id", fmt.Errorf("already used by a %s record", existing))
		}
		got, err := s.ws.Get(id)
		if err != nil {
			return recordPlan{}, fmt.Errorf("read record %s: %w", id, err)
		}
		if got.Deleted() {
			// Writing fields would not bring it back, only hide the new data.
			return recordPlan{}, fieldErr(name, "id", errors.New("that record was deleted"))
		}
		after = got.Clone()
	}
	set := make(map[string]string, len(fields))
	for k, v := range fields {
		if v != "" {
			set[k] = v
		}
	}
	if len(after.Fields) == 0 {
		if form, ok := s.forms.Form(kind); ok {
			for _, d := range form.Fields {
				if _, given := set[d.Name]; !given && d.Default != "" {
					set[d.Name] = d.Default
				}
			}
		}
	}
	for k, v := range set {
		after.Fields[k] = change.Field{Versions: []change.Version{{Value: v}}}
	}
	return recordPlan{
		name:    name,
		edit:    store.Edit{Record: id, Kind: kind, Set: set},
		after:   after,
		invalid: s.forms.Validate(after, now),
	}, nil
}

// headProblem checks the household as a whole, counting only members not
// refused by their own rules: exactly one head.
func (hp householdPlan) headProblem() error {
	members := append([]registry.Record(nil), hp.existing...)
	for _, m := range hp.members {
		if m.invalid == nil {
			members = append(members, m.after)
		}
	}
	return registry.ValidateHousehold(hp.household.after, members)
}

// problems returns every rule the household breaks, record by record and
// as a whole: what refuses it when households are all or nothing.
func (hp householdPlan) problems() error {
	errs := []error{hp.household.invalid}
	for _, rp := range hp.records()[1:] {
		errs = append(errs, rp.invalid)
	}
	if err := hp.withAllMembers().headProblem(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// withAllMembers counts every member in the head check, refused or not: a
// refused member still shows a second head in the input.
func (hp householdPlan) withAllMembers() householdPlan {
	c := hp
	c.members = make([]recordPlan, len(hp.members))
	for i, m := range hp.members {
		m.invalid = nil
		c.members[i] = m
	}
	return c
}

func (hp householdPlan) records() []recordPlan {
	out := append([]recordPlan{hp.household}, hp.members...)
	return append(out, hp.assessments...)
}

// planned is a household ready to commit: its edits, and how to name its
// records in messages for the person who typed the input.
type planned struct {
	label string // "household 3", "line 17": where in the input; never a value
	edits []store.Edit
	names map[uuid.UUID]string // record id → "member 2"
}

// ready returns the household's edits, leaving out the records refused by
// their own rules.
func (hp householdPlan) ready(label string) planned {
	p := planned{label: label, names: make(map[uuid.UUID]string)}
	for _, rp := range hp.records() {
		p.names[rp.edit.Record] = rp.name
		if rp.invalid == nil {
			p.edits = append(p.edits, rp.edit)
		}
	}
	return p
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

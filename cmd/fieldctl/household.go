package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"fieldreg/exchange"
	"fieldreg/ops"
	"fieldreg/registry"
	"fieldreg/store"
)

// householdPlan is a household of the exchange shape planned by
// ops.PlanHousehold: its records checked, nothing written.
type householdPlan struct{ *ops.Plan }

// planHousehold plans a household of the exchange shape. Its error is about
// the input's ids (a malformed id, an id of another kind) or reading the
// store; the rules' verdicts are in the plan.
func planHousehold(s *session, h exchange.Household, now time.Time) (householdPlan, error) {
	oh, err := opsHousehold(h)
	if err != nil {
		return householdPlan{}, err
	}
	p, err := ops.PlanHousehold(s.ws, s.forms, oh, now)
	return householdPlan{p}, err
}

// opsHousehold reads the ids of a household of the exchange shape; a record
// without one is new.
func opsHousehold(h exchange.Household) (ops.Household, error) {
	var oh ops.Household
	var err error
	if oh.Entry, err = entry(h.Doc, ""); err != nil {
		return oh, err
	}
	for i, m := range h.Members {
		e, err := entry(m, fmt.Sprintf("member %d", i))
		if err != nil {
			return oh, err
		}
		oh.Members = append(oh.Members, e)
	}
	for i, a := range h.Assessments {
		e, err := entry(a, fmt.Sprintf("assessment %d", i))
		if err != nil {
			return oh, err
		}
		oh.Assessments = append(oh.Assessments, e)
	}
	return oh, nil
}

func entry(d exchange.Doc, name string) (ops.Entry, error) {
	id, err := docID(d)
	if err != nil {
		return ops.Entry{}, fieldErr(name, "id", err)
	}
	return ops.Entry{ID: id, Fields: d.Fields}, nil
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
	for _, rp := range hp.Records() {
		p.names[rp.Edit.Record] = rp.Name
	}
	p.edits = hp.Edits()
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

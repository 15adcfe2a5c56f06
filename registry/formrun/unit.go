package formrun

import (
	"fmt"
	"strconv"
	"sync"
	"time"

	"fieldreg/registry"
)

// UnitRules judges, at a receiver, the records a unit of received changes
// brings into being — a household registered on a device, with its members
// — by the record-level rules its author had to keep: what the checks of
// each change on its own (registry.Forms.ValidateChange) leave out. A
// client that is old or buggy may have stored a household without consent
// or with two heads; the device's checks never ran, so the receiver is the
// first that can notice.
//
// Only the author's rules that a change's values cannot be judged by are
// checked again, each record by the form version its changes in the unit
// name (the latest one):
//
//   - required, while asked (RuleRequired), and must-be-true: consent
//     (RuleConsent);
//   - the form's constraints (RuleConstraint);
//   - the head of household: more than one live head among the unit's new
//     members of its new household (RuleOneHead). None is not refused: a
//     device's push is cut into batches by size, and the head may come in
//     the next one.
//
// Value rules (types, choices, unknown fields) were checked change by change
// already; an answer to a question not asked is not refused here: dropping
// it is the app's courtesy, and an old client's extra answer harms nobody.
// Records that existed before the unit are not judged: a record merged from
// the edits of several authors may break a rule no single author broke.
type UnitRules struct {
	forms func() *registry.Forms
	now   func() time.Time

	mu  sync.Mutex
	ofs map[*registry.Form]*Validator // one per form version, compiled once
}

// NewUnitRules judges records by the set forms returns at each call (a
// receiver's forms grow as versions are published) on the day now returns.
func NewUnitRules(forms func() *registry.Forms, now func() time.Time) *UnitRules {
	return &UnitRules{forms: forms, now: now, ofs: make(map[*registry.Form]*Validator)}
}

// unitRules are the rules Check enforces, of those Validator reports.
var unitRules = map[string]bool{registry.RuleRequired: true, registry.RuleConsent: true, registry.RuleConstraint: true}

// Check judges the new records of one unit; refs[i] names the form version
// of records[i] ("" as in a change: the kind's first version). The error,
// a *registry.ValidationError, names each record, field and rule. A record
// of a version the set does not hold is left alone: its changes are held
// for that already (registry.ErrUnknownFormVersion). What store.Options.ValidateUnit takes.
func (u *UnitRules) Check(records []registry.Record, refs []string) error {
	forms, now := u.forms(), u.now()
	var household *registry.Record
	for i := range records {
		if records[i].Kind == registry.KindHousehold && !records[i].Deleted() {
			household = &records[i]
			break
		}
	}
	var errs []registry.FieldError
	heads := 0
	for i, r := range records {
		form, ok := forms.Version(refs[i], r.Kind)
		if !ok && refs[i] == "" {
			form, ok = forms.Form(r.Kind)
		}
		if !ok || r.Deleted() {
			continue
		}
		var parent *registry.Record
		inHousehold := household != nil && r.Kind == registry.KindPerson && r.Value(registry.FieldHouseholdID) == household.ID.String()
		if inHousehold {
			parent = household
			if registry.IsHead(r) {
				heads++
			}
		}
		v, err := u.validator(form)
		if err != nil {
			return err
		}
		fes, isValidation := registry.AsValidation(v.Validate(r, parent, now))
		if !isValidation {
			continue // nothing wrong, or the form does not compile: not the author's fault
		}
		for _, fe := range fes {
			if unitRules[fe.Rule] {
				errs = append(errs, fe)
			}
		}
	}
	if heads > 1 {
		errs = append(errs, registry.FieldError{Record: household.ID, Kind: household.Kind, Field: registry.FieldRelationship,
			Rule: registry.RuleOneHead, Params: []string{strconv.Itoa(heads)}})
	}
	if len(errs) == 0 {
		return nil
	}
	return &registry.ValidationError{Errors: errs}
}

// validator is the Validator of one form version.
func (u *UnitRules) validator(form *registry.Form) (*Validator, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if v, ok := u.ofs[form]; ok {
		return v, nil
	}
	one, err := registry.NewForms(form)
	if err != nil {
		return nil, fmt.Errorf("form %s: %w", form.Ref(), err)
	}
	v := NewValidator(one)
	u.ofs[form] = v
	return v, nil
}

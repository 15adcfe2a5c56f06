package main

import (
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/registry/formrun"
)

// judgeEdit refuses an edit that breaks a rule of the record's form the
// record did not already break: the form's skip logic and constraints, as
// the app and Register judge them (package formrun). Answering a question
// so that another is no longer asked means clearing that one too (FIELD=),
// as the app does on screen. A rule the record already broke (it was
// written under another version of the form) does not block an edit of
// something else. parent is a member's household, nil when not known.
func judgeEdit(forms *registry.Forms, rec registry.Record, set map[string]string, parent *registry.Record, now time.Time) error {
	rules := formrun.NewValidator(forms)
	type broken struct{ field, rule string }
	before := make(map[broken]bool)
	errs, _ := registry.AsValidation(rules.Validate(rec, parent, now))
	for _, fe := range errs {
		before[broken{fe.Field, fe.Rule}] = true
	}
	after := rec.Clone()
	for k, v := range set {
		after.Fields[k] = change.Field{Versions: []change.Version{{Value: v}}}
	}
	err := rules.Validate(after, parent, now)
	errs, ok := registry.AsValidation(err)
	if !ok {
		return err // nil, or a form formrun cannot compile
	}
	var added []registry.FieldError
	for _, fe := range errs {
		if !before[broken{fe.Field, fe.Rule}] {
			added = append(added, fe)
		}
	}
	if len(added) == 0 {
		return nil
	}
	return &registry.ValidationError{Errors: added}
}

// householdOf returns the household a member or assessment belongs to; nil
// for a household, or when it cannot be read (expressions reading the
// household are then not judged).
func householdOf(s *session, rec registry.Record) *registry.Record {
	if rec.Kind == registry.KindHousehold {
		return nil
	}
	id, err := uuid.Parse(rec.Value(registry.FieldHouseholdID))
	if err != nil {
		return nil
	}
	hh, err := s.ws.Get(id)
	if err != nil {
		return nil
	}
	return &hh
}

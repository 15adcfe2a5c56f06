package registry

import (
	"errors"
	"fmt"
	"time"

	"fieldreg/change"
)

// ErrUnknownFormVersion is wrapped by ValidateChange's error for a change
// that names a form version the set does not hold (and whose values pass
// the value rule). HQ holds such a change until the version is published;
// a device applies it (AcceptUnknownVersions), since the form reaches it in
// the same round trip.
var ErrUnknownFormVersion = errors.New("unknown form version")

// ValidateChange checks what a received change writes against the form
// version it names (change.Change.Form; "" is a change from before forms
// were versioned, checked against its kind's first version, or the current
// form where the set has no first version), never against the set's
// newest: every write within the value rule, to a field that version has,
// with a value that field accepts (type, choices, bounds, pattern, dates),
// and system fields by their own rules. Record-level rules — required
// fields, must-be-true, the head of household — are not checked: they are
// the author's, judged on the whole record when it was written, and a
// record assembled from changes of several versions would be refused for
// values no single change got wrong. now is the day dates are judged on.
func (fs *Forms) ValidateChange(c change.Change, now time.Time) error {
	form, ok := fs.Version(c.Form, c.Kind)
	if !ok && c.Form == "" {
		form, ok = fs.Form(c.Kind)
		if !ok {
			return errorsOrNil([]FieldError{{Record: c.Record, Kind: c.Kind, Rule: RuleUnknownKind, Params: []string{c.Kind}}})
		}
	}
	var errs []FieldError
	for _, w := range c.Writes {
		fe := FieldError{Record: c.Record, Kind: c.Kind, Field: w.Field}
		var d FieldDef
		known := false
		if form != nil {
			d, known = form.Field(w.Field)
		}
		// Without the form, a multi-line field cannot be told from another:
		// the value rule is taken at its most lenient.
		multiline := d.Multiline || form == nil
		if rule, params := CheckValue(w.Value, multiline); rule != "" {
			fe.Rule, fe.Params = rule, params
			errs = append(errs, fe)
			continue
		}
		if rule, system := checkSystemField(w.Field, w.Value); system {
			if rule != "" {
				fe.Rule = rule
				errs = append(errs, fe)
			}
			continue
		}
		if form == nil {
			continue
		}
		if !known {
			fe.Rule = RuleUnknownField
			errs = append(errs, fe)
			continue
		}
		if w.Value == "" {
			continue // clearing a field: whether it may be empty is a record's rule
		}
		switch rule, params := d.Check(w.Value, now); rule {
		case "", RuleConsent: // must-be-true is a record's rule too
		default:
			fe.Rule, fe.Params = rule, params
			errs = append(errs, fe)
		}
	}
	if err := errorsOrNil(errs); err != nil {
		return err
	}
	if form == nil {
		return fmt.Errorf("%s %s: %w %s", c.Kind, c.Record, ErrUnknownFormVersion, c.Form)
	}
	return nil
}

// ChangeValidator returns a function checking received changes as
// ValidateChange does, judging dates on the day now returns: what
// store.Options.ValidateChange takes. A change of a version the set does
// not hold is refused with ErrUnknownFormVersion: HQ's rule.
func (fs *Forms) ChangeValidator(now func() time.Time) func(change.Change) error {
	return ChangeValidatorOf(func() *Forms { return fs }, now)
}

// ChangeValidatorOf is ChangeValidator over the set forms returns at each
// call: for a replica whose forms grow while it runs (a form published at
// HQ, received by a device), so that a held change is released against the
// forms held then.
func ChangeValidatorOf(forms func() *Forms, now func() time.Time) func(change.Change) error {
	return func(c change.Change) error { return forms().ValidateChange(c, now()) }
}

// AcceptUnknownVersions makes validate accept a change of a form version it
// does not hold once its values pass the value rule: a device's rule, since
// a change only reaches a device through HQ, which held the version, and
// the form itself arrives in the same round trip.
func AcceptUnknownVersions(validate func(change.Change) error) func(change.Change) error {
	return func(c change.Change) error {
		if err := validate(c); err != nil && !errors.Is(err, ErrUnknownFormVersion) {
			return err
		}
		return nil
	}
}

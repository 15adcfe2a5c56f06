package registry

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"fieldreg/change"
)

// The rules a FieldError names. They are stable codes: the CLI and the app
// may branch on them, and Message translates them.
const (
	RuleRequired     = "required"      // a required field is empty
	RuleType         = "type"          // the value is not of the field's type; Params: type
	RuleChoice       = "choice"        // not one of the field's choices (the value is not repeated: it may be personal data)
	RuleMin          = "min"           // below the minimum; Params: min
	RuleMax          = "max"           // above the maximum; Params: max
	RuleMaxLength    = "max_length"    // longer than allowed; Params: max length
	RulePattern      = "pattern"       // does not match the field's pattern
	RuleFutureDate   = "future_date"   // a date after today where that cannot be
	RuleAgeRange     = "age_range"     // an age outside 0..max; Params: max age
	RuleUnknownField = "unknown_field" // the form has no such field
	RuleUnknownKind  = "unknown_kind"  // there is no form for the record's kind
	RuleOneHead      = "one_head"      // a household needs exactly one head; Params: heads found
	RuleConsent      = "consent"       // consent must be given to register
	RuleMember       = "member"        // a member points at another household
	RuleMaxChoices   = "max_choices"   // too many codes in a select_multiple; Params: max
	RuleDeleted      = "deleted"       // a deleted record carries nothing but its deletion (ValidateDeletion)
	RuleConstraint   = "constraint"    // the form's constraint is false; Params: the field's label (package formrun)
	RuleNotRelevant  = "not_relevant"  // a value in a question the form does not ask now (package formrun)

	// The value rule (value.go), for every field of every form.
	RuleEncoding      = "encoding"      // not valid UTF-8
	RuleNormalization = "normalization" // not in Unicode normalization form C
	RuleControl       = "control"       // a NUL or other control character (tab and newline only in multi-line text)
	RuleBidi          = "bidi_control"  // a bidi embedding, override or isolate control
	RuleTooLong       = "too_long"      // longer than any value may be; Params: max bytes
)

// FieldError is one broken rule: which record, which field, which rule.
type FieldError struct {
	Record uuid.UUID
	Kind   string
	Field  string
	Rule   string
	Params []string
	// Text is the form's own message for the broken rule (an XLSForm's
	// required_message or constraint_message): when set, Message shows it
	// instead of the catalogue's.
	Text Labels
}

// Error returns the English message, prefixed by the record and field:
// "person 0190…: birth_date: date is in the future".
func (e FieldError) Error() string {
	var b strings.Builder
	if e.Kind != "" {
		b.WriteString(e.Kind)
		if e.Record != uuid.Nil {
			b.WriteString(" ")
			b.WriteString(e.Record.String())
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Message("en"))
	return b.String()
}

// Message returns the rule's message in lang (English when lang is "" or has
// no translation), without the record and field: the app shows it under the
// field. The form's own message (Text) comes first.
func (e FieldError) Message(lang string) string {
	if t := e.Text.In(lang); t != "" {
		return t
	}
	return ruleMessage(e.Rule, lang, e.Params)
}

// ValidationError is every rule a record (or household) breaks. Callers find
// it with errors.As; the message joins the field errors.
type ValidationError struct {
	Errors []FieldError
}

func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		msgs[i] = fe.Error()
	}
	return strings.Join(msgs, "; ")
}

// Fields returns, per field name, the first error about it: what a form screen
// shows under each field.
func (e *ValidationError) Fields() map[string]FieldError {
	out := make(map[string]FieldError, len(e.Errors))
	for _, fe := range e.Errors {
		if _, ok := out[fe.Field]; !ok {
			out[fe.Field] = fe
		}
	}
	return out
}

// errorsOrNil returns nil for no errors: a nil *ValidationError in an error
// interface would not be nil.
func errorsOrNil(errs []FieldError) error {
	if len(errs) == 0 {
		return nil
	}
	return &ValidationError{Errors: errs}
}

// Validate checks one record against its kind's form: required fields set,
// every value of its field's type and within its rules, no field the form
// does not know, every value within the value rule (value.go). Fields starting with "_" belong to the system (system.go)
// and are checked by its own rules. A deleted record is not checked beyond that: deleting
// must always be possible. now is the day future dates and ages are judged on.
//
// The form's expressions (relevant, constraint, choice_filter) are not
// evaluated here: this is what every replica checks of every record it
// stores, and those are rules of the record's author. Package
// registry/formrun adds them (formrun.Validate), for ops and the importers.
func (fs *Forms) Validate(r Record, now time.Time) error { return fs.validate(r, nil, now) }

// ValidateWritten is Validate for a record this replica just wrote the
// fields written of: those are checked in full against the current form,
// the others only for presence (a required field empty, consent missing).
// Their values were checked against the version that wrote them, which may
// be another one — a newer form's choice pulled from HQ, a field only
// another version has — and an edit of something else must not be refused
// for them.
func (fs *Forms) ValidateWritten(r Record, written []string, now time.Time) error {
	only := make(map[string]bool, len(written))
	for _, f := range written {
		only[f] = true
	}
	return fs.validate(r, only, now)
}

// validate is Validate, checking the values of only the fields in only
// (nil: every field) and the presence rules of all.
func (fs *Forms) validate(r Record, only map[string]bool, now time.Time) error {
	form, ok := fs.Form(r.Kind)
	if !ok {
		return errorsOrNil([]FieldError{{Record: r.ID, Kind: r.Kind, Rule: RuleUnknownKind, Params: []string{r.Kind}}})
	}
	var errs []FieldError
	var broken map[string]bool // fields that break the value rule: not checked further
	for _, name := range r.FieldNames() {
		if only != nil && !only[name] {
			continue
		}
		d, known := form.Field(name)
		if rule, params := CheckValue(r.Value(name), d.Multiline); rule != "" {
			errs = append(errs, FieldError{Record: r.ID, Kind: r.Kind, Field: name, Rule: rule, Params: params})
			if broken == nil {
				broken = make(map[string]bool)
			}
			broken[name] = true
			continue
		}
		if rule, system := checkSystemField(name, r.Value(name)); system {
			if rule != "" {
				errs = append(errs, FieldError{Record: r.ID, Kind: r.Kind, Field: name, Rule: rule})
			}
			continue
		}
		if !known {
			errs = append(errs, FieldError{Record: r.ID, Kind: r.Kind, Field: name, Rule: RuleUnknownField})
		}
	}
	if r.Deleted() {
		return errorsOrNil(errs)
	}
	for _, d := range form.Fields {
		if broken[d.Name] {
			continue
		}
		if d.Required && d.relevant != nil && r.Value(d.Name) == "" && shown(d, r, now) {
			errs = append(errs, FieldError{Record: r.ID, Kind: r.Kind, Field: d.Name, Rule: RuleRequired})
			continue
		}
		if only != nil && !only[d.Name] && r.Value(d.Name) != "" {
			continue // a value another write put there, checked then
		}
		if rule, params := d.Check(r.Value(d.Name), now); rule != "" {
			errs = append(errs, FieldError{Record: r.ID, Kind: r.Kind, Field: d.Name, Rule: rule, Params: params})
		}
	}
	return errorsOrNil(errs)
}

// shown reports whether a field with a relevant expression is shown for
// the record: whether its requirement applies. An expression that cannot be
// evaluated counts as shown, so that a required answer is never skipped by
// an error.
func shown(d FieldDef, r Record, now time.Time) bool {
	v, err := d.relevant.Eval(recordEnv{r: r, now: now})
	return err != nil || v.Bool()
}

// recordEnv is the xpath.Env of a record's values.
type recordEnv struct {
	r   Record
	now time.Time
}

func (e recordEnv) Lookup(name string) (string, bool) {
	_, ok := e.r.Fields[name]
	return e.r.Value(name), ok
}
func (e recordEnv) Current() string  { return "" }
func (e recordEnv) Today() time.Time { return e.now }

// DeletionFields are the only fields a change may write to a record that is
// deleted, or that it deletes: the deletion itself, the link a merge
// leaves to the person kept, and the erasure.
var DeletionFields = []string{change.DeletedField, FieldMergedInto, FieldErased}

// ValidateDeletion checks a change that deletes its record: it carries
// nothing but its deletion — every write is to one of DeletionFields, with
// a value their own rule accepts. Anything else would be stored unseen (a
// deleted record is listed, searched and exported by nobody) and grow the
// file and every sync: junk in the fields of a deleted record once grew a
// workspace to 250 MiB. It needs no form and no record, so it holds for
// every kind and every replica decides alike. (Other writes to a record
// already deleted are checked against its form as if it were live: see
// store.)
func ValidateDeletion(c change.Change) error {
	var errs []FieldError
	for _, w := range c.Writes {
		if !slices.Contains(DeletionFields, w.Field) {
			errs = append(errs, FieldError{Record: c.Record, Kind: c.Kind, Field: w.Field, Rule: RuleDeleted})
			continue
		}
		if rule, _ := checkSystemField(w.Field, w.Value); rule != "" {
			typ := TypeBoolean
			if w.Field == FieldMergedInto {
				typ = TypeRef
			}
			errs = append(errs, FieldError{Record: c.Record, Kind: c.Kind, Field: w.Field, Rule: rule, Params: []string{string(typ)}})
		}
	}
	return errorsOrNil(errs)
}

// ValidateValues checks a map of field values (a form being filled in, an
// imported row) as Validate checks a record of that kind.
func (fs *Forms) ValidateValues(kind string, id uuid.UUID, values map[string]string, now time.Time) error {
	r := Record{ID: id, Kind: kind, Fields: make(map[string]change.Field, len(values))}
	for name, v := range values {
		r.Fields[name] = change.Field{Versions: []change.Version{{Value: v, Stamp: change.Stamp{HLC: 1}}}}
	}
	return fs.Validate(r, now)
}

// Validator returns a function checking records as Validate does, judging
// dates on the day now returns: what store.Options.Validate takes.
func (fs *Forms) Validator(now func() time.Time) func(Record) error {
	return func(r Record) error { return fs.Validate(r, now()) }
}

// WrittenValidator returns a function checking records as ValidateWritten
// does: what store.Options.ValidateWritten takes.
func (fs *Forms) WrittenValidator(now func() time.Time) func(Record, []string) error {
	return func(r Record, written []string) error { return fs.ValidateWritten(r, written, now()) }
}

// Check validates one value against the field's rules and returns the
// broken rule and its parameters, or "" when the value is fine. Values must
// be canonical (see CanonicalValue), except that free text is taken as it
// is: nobody should lose what they typed over a trailing space.
//
// A note field stores nothing: any value is refused (RuleType). A required
// field with a Relevant expression is required only while relevant, which
// depends on the other fields: Check does not refuse it empty, Validate does
// when the record shows it. Constraints are judged by registry/formrun,
// which fills a form in with every expression.
func (d FieldDef) Check(v string, now time.Time) (rule string, params []string) {
	if v == "" {
		if d.Required && d.Relevant == "" || d.MustBeTrue {
			return RuleRequired, nil
		}
		return "", nil
	}
	canon, err := CanonicalValue(d.Type, v)
	if err != nil || canon != v && d.Type != TypeText {
		// Stored values are canonical; anything else came in by a path that
		// skipped CanonicalValue and would export or compare wrongly.
		return RuleType, []string{string(d.Type)}
	}
	switch d.Type {
	case TypeText:
		if d.MaxLength > 0 && utf8.RuneCountInString(v) > d.MaxLength {
			return RuleMaxLength, []string{strconv.Itoa(d.MaxLength)}
		}
	case TypeInteger, TypeDecimal:
		x, _ := strconv.ParseFloat(v, 64)
		if d.Min != nil && x < *d.Min {
			return RuleMin, []string{formatBound(*d.Min)}
		}
		if d.Max != nil && x > *d.Max {
			return RuleMax, []string{formatBound(*d.Max)}
		}
	case TypeBoolean:
		if d.MustBeTrue && v != "true" {
			return RuleConsent, nil
		}
	case TypeDate:
		if rule, params := d.checkDate(v, now); rule != "" {
			return rule, params
		}
	case TypeSelectOne:
		if _, ok := d.Choice(v); !ok {
			return RuleChoice, nil
		}
	case TypeSelectMultiple:
		seen := make(map[string]bool)
		for _, code := range strings.Fields(v) {
			if _, ok := d.Choice(code); !ok || seen[code] {
				return RuleChoice, nil
			}
			seen[code] = true
		}
		if d.MaxChoices > 0 && len(seen) > d.MaxChoices {
			return RuleMaxChoices, []string{strconv.Itoa(d.MaxChoices)}
		}
	}
	if d.Pattern != "" {
		re := d.pattern
		if re == nil {
			return RulePattern, nil // a form that skipped ParseForm/NewForms: refuse rather than guess
		}
		if !re.MatchString(v) {
			return RulePattern, nil
		}
	}
	return "", nil
}

func (d FieldDef) checkDate(v string, now time.Time) (string, []string) {
	if d.NotFuture && v > now.Format(DateLayout) {
		return RuleFutureDate, nil
	}
	if d.MaxAge > 0 {
		age, err := Age(v, now)
		if err != nil {
			return RuleType, []string{string(d.Type)}
		}
		if age < 0 || age > d.MaxAge {
			return RuleAgeRange, []string{strconv.Itoa(d.MaxAge)}
		}
	}
	return "", nil
}

func formatBound(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// AsValidation returns the field errors in err, if it is or wraps a
// *ValidationError.
func AsValidation(err error) ([]FieldError, bool) {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve.Errors, true
	}
	return nil, false
}

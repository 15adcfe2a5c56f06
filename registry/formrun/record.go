package formrun

import (
	"fmt"
	"sync"
	"time"

	"fieldreg/registry"
)

// Validator judges records as their author must, by the rules the app
// fills a form in with: registry's own checks (Forms.Validate), then the
// form's expressions. Over registry's checks it adds that
//
//   - a required question is required only while it is asked;
//   - a value in a question the form does not ask (its relevant is false)
//     is refused (registry.RuleNotRelevant), not dropped: an import or an
//     edit that gives one says something the form would not have let the
//     enumerator say, and dropping it would lose what someone typed
//     without telling them; the app drops such answers itself, and says so
//     (State.Cleared), before it saves;
//   - an answer its select's choice_filter does not offer is refused
//     (registry.RuleChoice);
//   - a constraint that is false is refused (registry.RuleConstraint, with
//     the form's constraint_message).
//
// A calculate field's stored value is not recomputed: its calculation may
// read today(), which was another day when the record was written.
//
// A Validator compiles each form once and is safe for concurrent use.
type Validator struct {
	forms *registry.Forms
	mu    sync.Mutex
	runs  map[*registry.Form]compileResult
}

type compileResult struct {
	c   *compiled
	err error
}

// NewValidator returns a Validator of records of forms' kinds.
func NewValidator(forms *registry.Forms) *Validator {
	return &Validator{forms: forms, runs: make(map[*registry.Form]compileResult)}
}

// Validate judges r by its kind's current form as the package doc says;
// parent is the record r belongs to when r is a repeat's (a member's
// household), nil when not known. now is the day dates are judged on.
// The error is a *registry.ValidationError listing every broken rule.
func Validate(forms *registry.Forms, r registry.Record, parent *registry.Record, now time.Time) error {
	return NewValidator(forms).Validate(r, parent, now)
}

// Validate is the package's Validate with v's compiled forms.
func (v *Validator) Validate(r registry.Record, parent *registry.Record, now time.Time) error {
	base := v.forms.Validate(r, now)
	form, ok := v.forms.Form(r.Kind)
	if !ok || r.Deleted() {
		return base
	}
	baseErrs, isValidation := registry.AsValidation(base)
	if base != nil && !isValidation {
		return base
	}
	c, err := v.compiled(form)
	if err != nil {
		return fmt.Errorf("%s form %s: %w", r.Kind, form.Ref(), err)
	}
	var parentValues map[string]string
	if parent != nil {
		parentValues = parent.Values()
	}
	st := c.at("en", now).EvalIn(r.Values(), parentValues)

	// Registry's errors about fields the form does not have (unknown or
	// system fields) stand; about a question, formrun's judgement (which
	// runs the same checks) comes first, and registry's required gives way
	// to formrun's, which knows whether the question is asked.
	var errs []registry.FieldError
	byField := make(map[string]registry.FieldError)
	for _, fe := range baseErrs {
		if _, isQuestion := c.index[fe.Field]; !isQuestion {
			errs = append(errs, fe)
		} else if _, seen := byField[fe.Field]; !seen {
			byField[fe.Field] = fe
		}
	}
	for i := range c.fields {
		name := c.fields[i].def.Name
		fe := st.recordError(i)
		if fe == nil {
			if b, ok := byField[name]; ok && b.Rule != registry.RuleRequired {
				fe = &b
			}
		}
		if fe != nil {
			fe.Record = r.ID
			errs = append(errs, *fe)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &registry.ValidationError{Errors: errs}
}

func (v *Validator) compiled(form *registry.Form) (*compiled, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	res, ok := v.runs[form]
	if !ok {
		res.c, res.err = compile(form)
		v.runs[form] = res
	}
	return res.c, res.err
}

// recordError is fieldError for a stored record, whose answers Eval may
// have dropped: a value in a question not asked, or not among the choices
// its filter offers, is refused rather than forgotten.
func (st *State) recordError(i int) *registry.FieldError {
	d := st.run.fields[i].def
	if st.cleared[i] {
		rule := registry.RuleNotRelevant
		if st.visible[i] {
			rule = registry.RuleChoice
		}
		return &registry.FieldError{Kind: st.run.form.Kind, Field: d.Name, Rule: rule}
	}
	return st.fieldError(i)
}

package formrun

import (
	"math"
	"slices"
	"strings"
	"time"

	"fieldreg/registry"
	"fieldreg/registry/xpath"
)

// State is a form evaluated over one set of answers: what to show, what
// each calculation gives, what each select offers, what is wrong. It is
// read-only once made; make a new one (Eval) when an answer changes.
type State struct {
	run     *Run
	answers map[string]string
	parent  map[string]string // nil: not known (see EvalIn)
	values  []string          // by field index: the value each question holds now
	visible []bool
	cleared []bool              // an answer given that Eval dropped
	choices [][]registry.Choice // a filtered select's choices; nil for the others
}

// Eval evaluates the form over answers (question name → value, as stored:
// canonical, "" or absent for unanswered). It never fails: a relevant
// that cannot be evaluated shows its question, a constraint that cannot be
// evaluated refuses the answer, a calculation that cannot be evaluated
// gives "". answers is read, not copied or changed.
func (r *Run) Eval(answers map[string]string) *State { return r.EvalIn(answers, nil) }

// EvalIn is Eval for a repeat's record (a household member): parent holds
// the answers of the record it belongs to (the household), which the
// form's expressions read as ${name} where name is no question of its own.
// A nil parent is "not known": see the package doc.
func (r *Run) EvalIn(answers, parent map[string]string) *State { return r.eval(answers, parent, nil) }

// Update is Eval after a change of the answers: the same result, faster,
// because a select's filtered choices are reused while nothing its filter
// reads has changed (the 5,000 sites of a cascade are filtered again only
// when the district changes, not on every keystroke elsewhere).
func (st *State) Update(answers map[string]string) *State {
	return st.run.eval(answers, st.parent, st)
}

// UpdateIn is Update with the parent's answers, as EvalIn.
func (st *State) UpdateIn(answers, parent map[string]string) *State {
	return st.run.eval(answers, parent, st)
}

func (r *Run) eval(answers, parent map[string]string, prev *State) *State {
	n := len(r.fields)
	st := &State{
		run:     r,
		answers: answers,
		parent:  parent,
		values:  make([]string, n),
		visible: make([]bool, n),
		cleared: make([]bool, n),
		choices: make([][]registry.Choice, n),
	}
	env := &env{st: st}
	for _, i := range r.order {
		f := &r.fields[i]
		d := f.def
		given := answers[d.Name]
		stores := d.Type != registry.TypeNote && d.Type != registry.TypeCalculate
		st.visible[i] = st.relevant(f, env)
		if !st.visible[i] {
			st.cleared[i] = stores && given != ""
			continue
		}
		switch {
		case d.Type == registry.TypeCalculate:
			st.values[i] = calculate(f, env)
		case !stores:
		case f.filter != nil && !(f.filterOuter && parent == nil):
			if prev != nil && prev.filteredSame(st, i) {
				st.choices[i] = prev.choices[i]
			} else {
				st.choices[i] = filterChoices(f, env)
			}
			kept := keepChosen(d.Type, given, st.choices[i])
			st.cleared[i] = kept != given
			st.values[i] = kept
		default:
			st.values[i] = given
		}
	}
	return st
}

// filteredSame reports whether the filter of field i reads the same values
// in next as it did in st, which filtered it: its choices are the same.
func (st *State) filteredSame(next *State, i int) bool {
	f := &st.run.fields[i]
	if !st.visible[i] || f.filterOuter && st.parent == nil {
		return false // st did not filter it
	}
	for _, j := range f.filterFields {
		if st.values[j] != next.values[j] {
			return false
		}
	}
	for _, name := range f.filterNames {
		if st.parent[name] != next.parent[name] {
			return false
		}
	}
	return true
}

func (st *State) relevant(f *field, env *env) bool {
	if f.relevant == nil || f.relevantOuter && st.parent == nil {
		return true
	}
	env.dot = ""
	v, err := f.relevant.Eval(env)
	return err != nil || v.Bool()
}

// calculate gives a calculate field its value; what is no finite number
// where a number was computed is "" (an unanswered operand), never "NaN".
func calculate(f *field, env *env) string {
	env.dot = ""
	v, err := f.calc.Eval(env)
	if err != nil {
		return ""
	}
	if k := v.Kind(); k == xpath.Number || k == xpath.Date {
		if x := v.Number(); math.IsNaN(x) || math.IsInf(x, 0) {
			return ""
		}
	}
	return v.String()
}

// filterChoices returns the choices f's choice_filter keeps. A filter that
// cannot be evaluated for a choice drops it.
func filterChoices(f *field, env *env) []registry.Choice {
	var out []registry.Choice
	env.dot = ""
	for k := range f.def.Choices {
		env.choice = &f.def.Choices[k]
		v, err := f.filter.Eval(env)
		if err == nil && v.Bool() {
			out = append(out, f.def.Choices[k])
		}
	}
	env.choice = nil
	return out
}

// keepChosen returns the part of answer v that is among choices: a
// select_one's answer or "", a select_multiple's codes that remain.
func keepChosen(t registry.FieldType, v string, choices []registry.Choice) string {
	if v == "" {
		return ""
	}
	has := func(name string) bool {
		return slices.ContainsFunc(choices, func(c registry.Choice) bool { return c.Name == name })
	}
	if t == registry.TypeSelectOne {
		if has(v) {
			return v
		}
		return ""
	}
	codes := strings.Fields(v)
	kept := slices.DeleteFunc(slices.Clone(codes), func(c string) bool { return !has(c) })
	if len(kept) == len(codes) {
		return v
	}
	return strings.Join(kept, " ")
}

// Visible reports whether the question is asked now. A name the form does
// not have is not.
func (st *State) Visible(name string) bool {
	i, ok := st.run.index[name]
	return ok && st.visible[i]
}

// Value returns what the question holds now: the answer when asked (and
// still among its choices), a calculate field's result, "" otherwise.
func (st *State) Value(name string) string {
	if i, ok := st.run.index[name]; ok {
		return st.values[i]
	}
	return ""
}

// Values returns what the form's questions hold, without the empty ones and
// notes: what to store. Answers Cleared lists are not in it; calculate
// fields are.
func (st *State) Values() map[string]string {
	out := make(map[string]string)
	for i, v := range st.values {
		if v != "" {
			out[st.run.fields[i].def.Name] = v
		}
	}
	return out
}

// Choices returns the choices a select offers now: those its choice_filter
// keeps, or all of them. The slice may be the form's own: do not change
// it. Nil for a question that is no select.
func (st *State) Choices(name string) []registry.Choice {
	i, ok := st.run.index[name]
	if !ok || !isSelect(st.run.fields[i].def.Type) {
		return nil
	}
	if f := &st.run.fields[i]; f.filter != nil && st.visible[i] && !(f.filterOuter && st.parent == nil) {
		return st.choices[i]
	}
	return st.run.fields[i].def.Choices
}

// Cleared returns, in question order, the questions whose answer Eval
// dropped: not asked now, or no longer among the choices. The app says so
// and the draft drops them.
func (st *State) Cleared() []string {
	var out []string
	for i, c := range st.cleared {
		if c {
			out = append(out, st.run.fields[i].def.Name)
		}
	}
	return out
}

// Error returns what is wrong with the question's answer, nil when nothing
// is (or the question is not asked, is a note or a calculation): what the
// app shows beside a field the enumerator leaves.
func (st *State) Error(name string) *registry.FieldError {
	i, ok := st.run.index[name]
	if !ok {
		return nil
	}
	return st.fieldError(i)
}

// Errors returns every question's error, in question order: what Save and
// Next refuse, the first being where the app takes the enumerator.
func (st *State) Errors() []registry.FieldError {
	var out []registry.FieldError
	for i := range st.run.fields {
		if fe := st.fieldError(i); fe != nil {
			out = append(out, *fe)
		}
	}
	return out
}

func (st *State) fieldError(i int) *registry.FieldError {
	f := &st.run.fields[i]
	d := f.def
	if !st.visible[i] || d.Type == registry.TypeNote || d.Type == registry.TypeCalculate {
		return nil
	}
	fail := func(rule string, params []string, text registry.Labels) *registry.FieldError {
		return &registry.FieldError{Kind: st.run.form.Kind, Field: d.Name, Rule: rule, Params: params, Text: text}
	}
	v := st.values[i]
	if v == "" {
		if d.Required || d.MustBeTrue {
			return fail(registry.RuleRequired, nil, d.RequiredMessage)
		}
		return nil
	}
	if rule, params := registry.CheckValue(v, d.Multiline); rule != "" {
		return fail(rule, params, nil)
	}
	if rule, params := d.Check(v, st.run.today); rule != "" {
		return fail(rule, params, nil)
	}
	if f.constraint != nil && !(f.constraintOuter && st.parent == nil) {
		res, err := f.constraint.Eval(&env{st: st, dot: v})
		if err != nil || !res.Bool() {
			label := d.Label.In(st.run.lang)
			if label == "" {
				label = d.Name
			}
			return fail(registry.RuleConstraint, []string{label}, d.ConstraintMessage)
		}
	}
	return nil
}

// env is what the form's expressions read: the values of the questions
// evaluated so far, the parent's answers, the question's own value (".")
// and, in a choice filter, the choice being tested.
type env struct {
	st     *State
	dot    string
	choice *registry.Choice
}

func (e *env) Lookup(name string) (string, bool) {
	if i, ok := e.st.run.index[name]; ok {
		return e.st.values[i], true
	}
	if col, ok := strings.CutPrefix(name, choiceColumn); ok && e.choice != nil {
		return e.Column(col)
	}
	v, ok := e.st.parent[name]
	return v, ok
}

func (e *env) Current() string { return e.dot }

func (e *env) Today() time.Time { return e.st.run.today }

// Column gives a choice filter the choice's name and extra columns.
func (e *env) Column(name string) (string, bool) {
	if e.choice == nil {
		return "", false
	}
	if name == "name" {
		return e.choice.Name, true
	}
	v, ok := e.choice.Filter[name]
	return v, ok
}

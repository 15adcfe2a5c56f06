package formrun

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fieldreg/registry"
	"fieldreg/registry/xpath"
)

// ErrCycle is wrapped by New when the form's expressions read each other in
// a cycle: no order of evaluation gives every question its value.
var ErrCycle = errors.New("formrun: expressions read each other in a cycle")

// ErrExpr is wrapped by New when an expression of the form does not parse.
var ErrExpr = errors.New("formrun: bad expression")

// choiceColumn is how package xlsform stores a choice filter's column:
// ${choice.admin1}. A question name has no dot, so it is never a question.
const choiceColumn = "choice."

// Run is a compiled form, ready to evaluate answers in one language on one
// day. It is read-only once made: one Run may serve every goroutine.
type Run struct {
	*compiled
	lang  string
	today time.Time
}

// compiled is what New derives from the form alone: Validator keeps it per
// form and makes a Run per record at the record's date.
type compiled struct {
	form   *registry.Form
	fields []field
	index  map[string]int // field name → its index in fields (form order)
	order  []int          // field indexes, each after every field it reads
}

// field is one question with its expressions parsed.
type field struct {
	def        *registry.FieldDef
	relevant   *xpath.Expr
	constraint *xpath.Expr
	calc       *xpath.Expr // calculate fields only
	filter     *xpath.Expr // selects with a choice_filter only
	// Whether an expression depends on a name that is no question of the
	// form (the parent's, which Eval without a parent cannot decide),
	// directly or through a question whose value depends on one.
	relevantOuter, constraintOuter, filterOuter bool
	// What the filter reads, for reusing its choices while none changes:
	// the form's fields, and names that are no field (the parent's).
	filterFields []int
	filterNames  []string
}

// New compiles form for answers given in lang (the language of the
// messages Error returns), judging dates and today() on today. It refuses
// a form whose expressions do not parse (ErrExpr) or read each other in a
// cycle (ErrCycle), naming the fields.
func New(form *registry.Form, lang string, today time.Time) (*Run, error) {
	c, err := compile(form)
	if err != nil {
		return nil, err
	}
	return c.at(lang, today), nil
}

func (c *compiled) at(lang string, today time.Time) *Run {
	return &Run{compiled: c, lang: lang, today: today}
}

// Form returns the form the run fills in.
func (r *Run) Form() *registry.Form { return r.form }

func compile(form *registry.Form) (*compiled, error) {
	c := &compiled{
		form:   form,
		fields: make([]field, len(form.Fields)),
		index:  make(map[string]int, len(form.Fields)),
	}
	for i := range form.Fields {
		c.index[form.Fields[i].Name] = i
	}
	deps := make([][]int, len(form.Fields))
	for i := range form.Fields {
		d := &form.Fields[i]
		f := &c.fields[i]
		f.def = d
		var err error
		parse := func(column, src string, filter bool) *xpath.Expr {
			if src == "" || err != nil {
				return nil
			}
			var e *xpath.Expr
			if filter {
				e, err = xpath.ParseFilter(src)
			} else {
				e, err = xpath.Parse(src)
			}
			if err != nil {
				err = fmt.Errorf("%w: field %q, %s %q: %w", ErrExpr, d.Name, column, src, err)
			}
			return e
		}
		f.relevant = parse("relevant", d.Relevant, false)
		f.constraint = parse("constraint", d.Constraint, false)
		if d.Type == registry.TypeCalculate {
			f.calc = parse("calculation", d.Calculation, false)
		}
		if isSelect(d.Type) {
			f.filter = parse("choice_filter", d.ChoiceFilter, true)
		}
		if err != nil {
			return nil, err
		}
		// A field's value depends on its relevance, its calculation and
		// (for a select) its filter: those are what it is ordered after.
		deps[i], _ = c.refs(f.relevant, f.calc, f.filter)
		f.filterFields, _ = c.refs(f.filter)
		if f.filter != nil {
			for _, name := range f.filter.Refs() {
				if _, ok := c.index[name]; !ok && !strings.HasPrefix(name, choiceColumn) {
					f.filterNames = append(f.filterNames, name)
				}
			}
		}
	}
	order, err := topoOrder(form, deps)
	if err != nil {
		return nil, err
	}
	c.order = order
	c.markOuter()
	return c, nil
}

// markOuter finds the expressions that depend on the parent's answers: those
// reading one, and those reading a question whose relevance, calculation or
// filter does (a calculation of a household answer, a question relevant on
// it). In evaluation order, each question's dependencies are marked first.
func (c *compiled) markOuter() {
	valueOuter := make([]bool, len(c.fields))
	reads := func(e *xpath.Expr) bool {
		fields, outer := c.refs(e)
		for _, j := range fields {
			outer = outer || valueOuter[j]
		}
		return outer
	}
	for _, i := range c.order {
		f := &c.fields[i]
		f.relevantOuter = reads(f.relevant)
		f.filterOuter = reads(f.filter)
		valueOuter[i] = f.relevantOuter || f.filterOuter || reads(f.calc)
	}
	for i := range c.fields {
		c.fields[i].constraintOuter = reads(c.fields[i].constraint)
	}
}

// refs returns the form fields the expressions read, and whether they read
// any name that is no field of the form (the parent's).
func (c *compiled) refs(exprs ...*xpath.Expr) (fields []int, outer bool) {
	for _, e := range exprs {
		if e == nil {
			continue
		}
		for _, name := range e.Refs() {
			if strings.HasPrefix(name, choiceColumn) {
				continue
			}
			if i, ok := c.index[name]; ok {
				if !slices.Contains(fields, i) {
					fields = append(fields, i)
				}
			} else {
				outer = true
			}
		}
	}
	return fields, outer
}

// topoOrder orders the fields so that each comes after every field it
// depends on, keeping form order where the dependencies allow (so cleared
// answers and errors come out in question order anyway). A cycle is an
// error naming its fields in the order they read each other.
func topoOrder(form *registry.Form, deps [][]int) ([]int, error) {
	const (
		unseen = iota
		active
		done
	)
	state := make([]int, len(deps))
	order := make([]int, 0, len(deps))
	var stack []int
	var visit func(i int) error
	visit = func(i int) error {
		switch state[i] {
		case done:
			return nil
		case active:
			start := slices.Index(stack, i)
			names := make([]string, 0, len(stack)-start+1)
			for _, j := range stack[start:] {
				names = append(names, form.Fields[j].Name)
			}
			names = append(names, form.Fields[i].Name)
			return fmt.Errorf("%w: %s", ErrCycle, strings.Join(names, " → "))
		}
		state[i] = active
		stack = append(stack, i)
		for _, j := range deps[i] {
			if err := visit(j); err != nil {
				return err
			}
		}
		stack = stack[:len(stack)-1]
		state[i] = done
		order = append(order, i)
		return nil
	}
	for i := range deps {
		if err := visit(i); err != nil {
			return nil, err
		}
	}
	return order, nil
}

func isSelect(t registry.FieldType) bool {
	return t == registry.TypeSelectOne || t == registry.TypeSelectMultiple
}

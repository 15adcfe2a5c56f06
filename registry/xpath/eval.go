package xpath

import "math"

// node is one piece of a parsed expression.
type node interface {
	eval(env Env) (Value, error)
}

type literal struct{ v Value }

func (n *literal) eval(Env) (Value, error) { return n.v, nil }

// ref is ${name}: the answer as a string, "" when unanswered.
type ref struct{ name string }

func (n *ref) eval(env Env) (Value, error) {
	s, _ := env.Lookup(n.name)
	return StringValue(s), nil
}

// column is a bare name in a choice filter: that column of the choice being filtered, ""
// when the env has no choice or the choice lacks the column.
type column struct{ name string }

func (n *column) eval(env Env) (Value, error) {
	if ce, ok := env.(ColumnEnv); ok {
		s, _ := ce.Column(n.name)
		return StringValue(s), nil
	}
	return StringValue(""), nil
}

// dot is ".": the value of the question the expression belongs to.
type dot struct{}

func (dot) eval(env Env) (Value, error) { return StringValue(env.Current()), nil }

type neg struct{ x node }

func (n *neg) eval(env Env) (Value, error) {
	v, err := n.x.eval(env)
	return NumberValue(-v.Number()), err
}

// logic is and/or, evaluated left to right and stopping as soon as the result is known.
type logic struct {
	and  bool
	l, r node
}

func (n *logic) eval(env Env) (Value, error) {
	l, err := n.l.eval(env)
	if err != nil {
		return Value{}, err
	}
	if l.Bool() != n.and {
		return BoolValue(!n.and), nil
	}
	r, err := n.r.eval(env)
	return BoolValue(r.Bool()), err
}

type binOp uint8

const (
	opEq binOp = iota
	opNe
	opLt
	opLe
	opGt
	opGe
	opAdd
	opSub
	opMul
	opDiv
	opMod
)

type binary struct {
	op   binOp
	l, r node
}

func (n *binary) eval(env Env) (Value, error) {
	l, err := n.l.eval(env)
	if err != nil {
		return Value{}, err
	}
	r, err := n.r.eval(env)
	if err != nil {
		return Value{}, err
	}
	switch n.op {
	case opEq:
		return BoolValue(equal(l, r)), nil
	case opNe:
		return BoolValue(!equal(l, r)), nil
	}
	// Relational and arithmetic operators convert both sides to numbers (XPath 1.0 3.4, 3.5);
	// NaN compares false with everything, which makes `${age} >= 18` false while age is unanswered.
	a, b := l.Number(), r.Number()
	switch n.op {
	case opLt:
		return BoolValue(a < b), nil
	case opLe:
		return BoolValue(a <= b), nil
	case opGt:
		return BoolValue(a > b), nil
	case opGe:
		return BoolValue(a >= b), nil
	case opAdd:
		return NumberValue(a + b), nil
	case opSub:
		return NumberValue(a - b), nil
	case opMul:
		return NumberValue(a * b), nil
	case opDiv:
		return NumberValue(a / b), nil
	}
	return NumberValue(math.Mod(a, b)), nil // XPath mod keeps the dividend's sign, like math.Mod
}

// equal is XPath 1.0 "=" between non-node-set values: as booleans if either side is one, else
// as numbers if either is a number (or an ODK date), else as strings. So `${n} = 0` is false
// while n is unanswered, and `${sex} = 'f'` compares text.
func equal(l, r Value) bool {
	switch {
	case l.kind == Boolean || r.kind == Boolean:
		return l.Bool() == r.Bool()
	case l.kind == Number || r.kind == Number || l.kind == Date || r.kind == Date:
		return l.Number() == r.Number()
	}
	return l.s == r.s
}

// call is a function call; fn receives the unevaluated arguments so that if() and coalesce()
// evaluate only what they need.
type call struct {
	name string
	fn   func(env Env, args []node) (Value, error)
	args []node
}

func (n *call) eval(env Env) (Value, error) { return n.fn(env, n.args) }

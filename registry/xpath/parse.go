package xpath

import (
	"fmt"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Limits that keep Parse and Eval bounded whatever text a form carries.
const (
	MaxLen     = 4096 // bytes of source
	MaxDepth   = 64   // nested parentheses, calls and unary minus
	MaxPattern = 1024 // bytes of a regex() pattern
)

// Expr is a parsed expression. It is immutable and safe for concurrent Eval.
type Expr struct {
	src  string
	root node
	refs []string
	cols []string
}

// String returns the source text the Expr was parsed from.
func (e *Expr) String() string { return e.src }

// Refs returns the names of the questions the expression reads through ${name}, sorted and
// without duplicates: the importer checks them against the form and orders calculations by them.
func (e *Expr) Refs() []string { return slices.Clone(e.refs) }

// Columns returns the choice-sheet columns a choice filter reads through bare names (admin1,
// name), sorted and without duplicates; nil for an expression from Parse.
func (e *Expr) Columns() []string { return slices.Clone(e.cols) }

// Eval computes the expression's value over env.
func (e *Expr) Eval(env Env) (Value, error) { return e.root.eval(env) }

// Parse compiles src. Errors are *Error values naming the character position and wrapping
// ErrSyntax (not an expression) or ErrUnsupported (an expression Fieldreg does not evaluate).
func Parse(src string) (*Expr, error) { return parse(src, false) }

// ParseFilter compiles an XLSForm choice_filter, which is evaluated once per choice: besides
// what Parse accepts, a bare name (admin1 in `admin1 = ${admin1}`, name in
// `selected(${needs}, name)`) is that column of the choice, read through ColumnEnv.
func ParseFilter(src string) (*Expr, error) { return parse(src, true) }

func parse(src string, columns bool) (*Expr, error) {
	if len(src) > MaxLen {
		return nil, &Error{Msg: fmt.Sprintf("expression is %d bytes; the limit is %d", len(src), MaxLen), Kind: ErrUnsupported}
	}
	if !utf8.ValidString(src) {
		return nil, &Error{Msg: "expression is not valid UTF-8", Kind: ErrSyntax}
	}
	p := &parser{lex: lexer{src: src}, columns: columns}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind == tEOF {
		return nil, &Error{Msg: "empty expression", Kind: ErrSyntax}
	}
	root, err := p.or() // the top level is not nesting; p.expr is for parenthesised ones
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF {
		if p.tok.kind == tRParen {
			return nil, p.errAt(p.tok.off, ErrSyntax, "\")\" without a matching \"(\"")
		}
		return nil, p.errAt(p.tok.off, ErrSyntax, "unexpected %s after the end of the expression", p.tok.describe())
	}
	slices.Sort(p.refs)
	slices.Sort(p.cols)
	return &Expr{src: src, root: root, refs: slices.Compact(p.refs), cols: slices.Compact(p.cols)}, nil
}

// parser is a recursive-descent parser over XPath 1.0's precedence levels, lowest first:
// or, and, = !=, < <= > >=, + -, * div mod, unary minus.
type parser struct {
	lex     lexer
	tok     token
	depth   int
	refs    []string
	columns bool     // bare names are choice columns (ParseFilter)
	cols    []string // the columns read
}

func (p *parser) advance() error {
	t, err := p.lex.next()
	p.tok = t
	return err
}

func (p *parser) errAt(off int, kind error, format string, args ...any) error {
	return p.lex.errAt(off, kind, format, args...)
}

// pos is the 1-based character position of the byte offset off.
func (p *parser) pos(off int) int { return utf8.RuneCountInString(p.lex.src[:off]) + 1 }

// isOp reports whether the current token is the operator op. Operator names (and, or, div,
// mod) are only operators where an operator is expected, which is the only place isOp is asked.
func (p *parser) isOp(op string) bool {
	return (p.tok.kind == tOp || p.tok.kind == tName) && p.tok.text == op
}

// enter counts one level of nesting; every recursive path goes through it.
func (p *parser) enter(off int) error {
	p.depth++
	if p.depth > MaxDepth {
		return p.errAt(off, ErrUnsupported, "expression nested deeper than %d", MaxDepth)
	}
	return nil
}

func (p *parser) expr() (node, error) {
	if err := p.enter(p.tok.off); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	return p.or()
}

func (p *parser) or() (node, error) {
	l, err := p.and()
	for err == nil && p.isOp("or") {
		var r node
		if r, err = p.operand(p.and); err == nil {
			l = &logic{and: false, l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) and() (node, error) {
	l, err := p.equality()
	for err == nil && p.isOp("and") {
		var r node
		if r, err = p.operand(p.equality); err == nil {
			l = &logic{and: true, l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) equality() (node, error)       { return p.binaryLevel(p.relational, equalityOps) }
func (p *parser) relational() (node, error)     { return p.binaryLevel(p.additive, relationalOps) }
func (p *parser) additive() (node, error)       { return p.binaryLevel(p.multiplicative, additiveOps) }
func (p *parser) multiplicative() (node, error) { return p.binaryLevel(p.unary, multiplicativeOps) }

type opName struct {
	text string
	op   binOp
}

var (
	equalityOps       = []opName{{"=", opEq}, {"!=", opNe}}
	relationalOps     = []opName{{"<", opLt}, {"<=", opLe}, {">", opGt}, {">=", opGe}}
	additiveOps       = []opName{{"+", opAdd}, {"-", opSub}}
	multiplicativeOps = []opName{{"*", opMul}, {"div", opDiv}, {"mod", opMod}}
)

func (p *parser) binaryLevel(next func() (node, error), ops []opName) (node, error) {
	l, err := next()
	for err == nil {
		op, ok := binOp(0), false
		for _, o := range ops {
			if p.isOp(o.text) {
				op, ok = o.op, true
				break
			}
		}
		if !ok {
			break
		}
		var r node
		if r, err = p.operand(next); err == nil {
			l = &binary{op: op, l: l, r: r}
		}
	}
	return l, err
}

// operand skips an operator and parses its right-hand side, saying which operator lacked one.
func (p *parser) operand(next func() (node, error)) (node, error) {
	opTok := p.tok
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind == tEOF {
		return nil, p.errAt(opTok.off, ErrSyntax, "%q needs an expression after it", opTok.text)
	}
	return next()
}

func (p *parser) unary() (node, error) {
	if !p.isOp("-") {
		return p.primary()
	}
	off := p.tok.off
	if err := p.enter(off); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	x, err := p.operand(p.unary)
	if err != nil {
		return nil, err
	}
	return &neg{x: x}, nil
}

func (p *parser) primary() (node, error) {
	t := p.tok
	switch t.kind {
	case tNumber:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, p.errAt(t.off, ErrSyntax, "bad number %q", t.text)
		}
		return &literal{v: NumberValue(f)}, p.advance()
	case tString:
		return &literal{v: StringValue(t.text)}, p.advance()
	case tRef:
		p.refs = append(p.refs, t.text)
		return &ref{name: t.text}, p.advance()
	case tDot:
		return dot{}, p.advance()
	case tLParen:
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind == tRParen {
			return nil, p.errAt(p.tok.off, ErrSyntax, "empty parentheses")
		}
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		switch p.tok.kind {
		case tRParen:
			return x, p.advance()
		case tEOF:
			return nil, p.errAt(t.off, ErrSyntax, "unclosed parenthesis")
		}
		return nil, p.errAt(p.tok.off, ErrSyntax, "expected \")\", found %s", p.tok.describe())
	case tName:
		return p.call()
	case tEOF:
		return nil, p.errAt(t.off, ErrSyntax, "expected an expression, found the end")
	case tOp:
		if t.text == "*" {
			return nil, p.errAt(t.off, ErrUnsupported, "\"*\": path expressions are not supported; use ${name}")
		}
	}
	return nil, p.errAt(t.off, ErrSyntax, "expected an expression, found %s", t.describe())
}

// call parses name(args...). A name not followed by "(" is an XPath path step: in a choice
// filter it is a column of the choice; elsewhere it is not supported, since questions are
// read through ${name}.
func (p *parser) call() (node, error) {
	name := p.tok
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind != tLParen {
		if p.columns && isQuestionName(name.text) {
			p.cols = append(p.cols, name.text)
			return &column{name: name.text}, nil
		}
		return nil, p.errAt(name.off, ErrUnsupported, "%q: path expressions are not supported; use ${%s}", name.text, name.text)
	}
	fn, ok := functions[name.text]
	if !ok {
		return nil, p.errAt(name.off, ErrUnsupported, "unknown function %q", name.text)
	}
	open := p.tok.off
	if err := p.enter(open); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	if err := p.advance(); err != nil {
		return nil, err
	}
	var args []node
	for p.tok.kind != tRParen {
		if len(args) > 0 {
			if p.tok.kind != tComma {
				if p.tok.kind == tEOF {
					return nil, p.errAt(open, ErrSyntax, "unclosed parenthesis")
				}
				return nil, p.errAt(p.tok.off, ErrSyntax, "expected \",\" or \")\" in %s(), found %s", name.text, p.tok.describe())
			}
			if err := p.advance(); err != nil {
				return nil, err
			}
		}
		if p.tok.kind == tEOF {
			return nil, p.errAt(open, ErrSyntax, "unclosed parenthesis")
		}
		a, err := p.or()
		if err != nil {
			return nil, err
		}
		args = append(args, a)
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if len(args) < fn.min || fn.max >= 0 && len(args) > fn.max {
		return nil, p.errAt(name.off, ErrSyntax, "%s() takes %s, got %d", name.text, fn.arity(), len(args))
	}
	if name.text == "regex" {
		return p.regex(name, args)
	}
	return &call{name: name.text, fn: fn.call, args: args}, nil
}

func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "the end"
	case tNumber:
		return "number " + t.text
	case tString:
		return "string " + strconv.Quote(t.text)
	case tRef:
		return "${" + t.text + "}"
	case tDot:
		return "\".\""
	case tLParen:
		return "\"(\""
	case tRParen:
		return "\")\""
	case tComma:
		return "\",\""
	}
	return strconv.Quote(t.text)
}

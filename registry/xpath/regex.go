package xpath

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"sync/atomic"
)

// regex(value, pattern) is true when pattern matches somewhere in value, as in ODK (Java's
// Matcher.find; anchor with ^ and $ to match the whole answer). Patterns are Go regexp (RE2)
// syntax; what RE2 lacks (lookaround, backreferences) is refused as unsupported. A literal
// pattern, the usual case, is compiled once at Parse.
func (p *parser) regex(name token, args []node) (node, error) {
	lit, ok := args[1].(*literal)
	if !ok || lit.v.kind != String {
		return &regexDynamic{value: args[0], pattern: args[1]}, nil
	}
	re, err := compilePattern(lit.v.s)
	if err != nil {
		err.Pos = p.pos(name.off)
		return nil, err
	}
	return &regexLiteral{value: args[0], re: re}, nil
}

// compilePattern returns an *Error without a position; the caller knows where the call is.
func compilePattern(pattern string) (*regexp.Regexp, *Error) {
	if len(pattern) > MaxPattern {
		return nil, &Error{Msg: fmt.Sprintf("regex(): pattern is %d bytes; the limit is %d", len(pattern), MaxPattern), Kind: ErrUnsupported}
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		kind := ErrSyntax
		var se *syntax.Error
		if errors.As(err, &se) && (se.Code == syntax.ErrInvalidPerlOp || se.Code == syntax.ErrInvalidEscape) {
			kind = ErrUnsupported // valid in Java's regex, which ODK uses, but not in RE2
		}
		return nil, &Error{Msg: "regex(): " + err.Error(), Kind: kind}
	}
	return re, nil
}

type regexLiteral struct {
	value node
	re    *regexp.Regexp
}

func (n *regexLiteral) eval(env Env) (Value, error) {
	v, err := n.value.eval(env)
	return BoolValue(n.re.MatchString(v.String())), err
}

// regexDynamic has a pattern computed at run time; it keeps the last compiled one, since
// such a pattern rarely changes between keystrokes.
type regexDynamic struct {
	value, pattern node
	last           atomic.Pointer[compiled]
}

type compiled struct {
	src string
	re  *regexp.Regexp
}

func (n *regexDynamic) eval(env Env) (Value, error) {
	v, err := n.value.eval(env)
	if err != nil {
		return Value{}, err
	}
	pv, err := n.pattern.eval(env)
	if err != nil {
		return Value{}, err
	}
	src := pv.String()
	c := n.last.Load()
	if c == nil || c.src != src {
		re, cerr := compilePattern(src)
		if cerr != nil {
			return Value{}, &Error{Msg: cerr.Msg, Kind: ErrEval}
		}
		c = &compiled{src: src, re: re}
		n.last.Store(c)
	}
	return BoolValue(c.re.MatchString(v.String())), nil
}

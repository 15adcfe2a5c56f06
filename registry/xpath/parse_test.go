package xpath

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestRefs(t *testing.T) {
	for _, c := range []struct {
		src  string
		want []string
	}{
		{"1 + 2", nil},
		{".", nil},
		{"${age} >= 18", []string{"age"}},
		{"${b} > ${a} and selected(${b}, 'x')", []string{"a", "b"}}, // sorted, unique
		{"if(${c}, ${b}, ${a}) + ${c}", []string{"a", "b", "c"}},
		{"concat('${not_a_ref}', ${name})", []string{"name"}}, // a string is text
		{"${hh-size.total} > 0", []string{"hh-size.total"}},
		{"${اسم} != ''", []string{"اسم"}},
	} {
		e, err := Parse(c.src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.src, err)
		}
		if got := e.Refs(); !slices.Equal(got, c.want) {
			t.Errorf("Refs(%q) = %q, want %q", c.src, got, c.want)
		}
		if e.String() != c.src {
			t.Errorf("String() = %q, want the source %q", e.String(), c.src)
		}
	}
}

func TestRefsIsACopy(t *testing.T) {
	e, err := Parse("${a} + ${b}")
	if err != nil {
		t.Fatal(err)
	}
	e.Refs()[0] = "changed"
	if got := e.Refs(); got[0] != "a" {
		t.Errorf("changing Refs' result changed the Expr: %q", got)
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		src  string
		kind error
		msg  string // the whole Error() text
	}{
		{"pulldata('fruits', 'name', 'key', ${x})", ErrUnsupported, `at 1: unknown function "pulldata"`},
		{"${age} > 3 and pulldata('f')", ErrUnsupported, `at 16: unknown function "pulldata"`},
		{"jr:choice-name(${x}, '${x}')", ErrUnsupported, `at 1: unknown function "jr:choice-name"`},
		{"count(${members})", ErrUnsupported, `at 1: unknown function "count"`},
		{"(1 + 2", ErrSyntax, "at 1: unclosed parenthesis"},
		{"1 + (2 * (3 + 4)", ErrSyntax, "at 5: unclosed parenthesis"},
		{"if(${a}, 1, 2", ErrSyntax, "at 3: unclosed parenthesis"},
		{"if(${a}", ErrSyntax, "at 3: unclosed parenthesis"},
		{"(1 2)", ErrSyntax, `at 4: expected ")", found number 2`},
		{"1 + 2)", ErrSyntax, `at 6: ")" without a matching "("`},
		{"'abc", ErrSyntax, "at 1: unclosed string"},
		{"${age", ErrSyntax, "at 1: unclosed ${"},
		{"${} = 1", ErrSyntax, `at 1: "" is not a question name`},
		{"${1x} = 1", ErrSyntax, `at 1: "1x" is not a question name`},
		{"${a b} = 1", ErrSyntax, `at 1: "a b" is not a question name`},
		{"$age = 1", ErrUnsupported, "at 1: XPath variables are not supported; use ${name}"},
		{"/data/age > 3", ErrUnsupported, `at 1: "/": path expressions are not supported; use ${name}`},
		{"../age > 3", ErrUnsupported, "at 1: path expressions are not supported; use ${name}"},
		{"age > 3", ErrUnsupported, `at 1: "age": path expressions are not supported; use ${age}`},
		{"${a}[1]", ErrUnsupported, `at 5: "[": path expressions are not supported; use ${name}`},
		{"${a} | ${b}", ErrUnsupported, `at 6: "|": path expressions are not supported; use ${name}`},
		{"* = 1", ErrUnsupported, `at 1: "*": path expressions are not supported; use ${name}`},
		{"selected(${a})", ErrSyntax, "at 1: selected() takes 2 arguments, got 1"},
		{"today(1)", ErrSyntax, "at 1: today() takes 0 arguments, got 1"},
		{"not()", ErrSyntax, "at 1: not() takes 1 argument, got 0"},
		{"round(1, 2, 3)", ErrSyntax, "at 1: round() takes 1 to 2 arguments, got 3"},
		{"max()", ErrSyntax, "at 1: max() takes at least 1 arguments, got 0"},
		{"1 +", ErrSyntax, `at 3: "+" needs an expression after it`},
		{"${a} > 3 and", ErrSyntax, `at 10: "and" needs an expression after it`},
		{"1 2", ErrSyntax, "at 3: unexpected number 2 after the end of the expression"},
		{"${a} ${b}", ErrSyntax, "at 6: unexpected ${b} after the end of the expression"},
		{"concat('a' 'b')", ErrSyntax, `at 12: expected "," or ")" in concat(), found string "b"`},
		{"concat('a',)", ErrSyntax, `at 12: expected an expression, found ")"`},
		{"()", ErrSyntax, "at 2: empty parentheses"},
		{"${a} ! 3", ErrSyntax, `at 6: "!" must be followed by "="; use not() to negate`},
		{"1 # 2", ErrSyntax, `at 3: unexpected '#'`},
		{"", ErrSyntax, "empty expression"},
		{"   ", ErrSyntax, "empty expression"},
		{"'مرحبا' = ${x} and foo(1)", ErrUnsupported, `at 20: unknown function "foo"`}, // characters, not bytes
		{"regex(., '[')", ErrSyntax, "at 1: regex(): error parsing regexp: missing closing ]: `[`"},
		{"regex(., '(?=a)')", ErrUnsupported, "at 1: regex(): error parsing regexp: invalid or unsupported Perl syntax: `(?=`"},
		{`regex(., '(a)\1')`, ErrUnsupported, "at 1: regex(): error parsing regexp: invalid escape sequence: `\\1`"},
		{"\xff", ErrSyntax, "expression is not valid UTF-8"},
	} {
		_, err := Parse(c.src)
		if !errors.Is(err, c.kind) {
			t.Errorf("Parse(%q) = %v, want %v", c.src, err, c.kind)
			continue
		}
		if err.Error() != c.msg {
			t.Errorf("Parse(%q) = %q, want %q", c.src, err.Error(), c.msg)
		}
		var xe *Error
		if !errors.As(err, &xe) {
			t.Errorf("Parse(%q) error is %T, want *Error", c.src, err)
		}
	}
}

func TestLimits(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("(", n) + "1" + strings.Repeat(")", n) }
	calls := func(n int) string { return strings.Repeat("not(", n) + "1" + strings.Repeat(")", n) }
	minus := func(n int) string { return strings.Repeat("-", n) + "1" }
	long := "${a}" + strings.Repeat(" + ${a}", (MaxLen-4)/7)
	for _, c := range []struct {
		name string
		src  string
		ok   bool
	}{
		{"parentheses at the limit", deep(MaxDepth), true},
		{"parentheses over the limit", deep(MaxDepth + 1), false},
		{"calls at the limit", calls(MaxDepth), true},
		{"calls over the limit", calls(MaxDepth + 1), false},
		{"minus at the limit", minus(MaxDepth), true},
		{"minus over the limit", minus(MaxDepth + 1), false},
		{"mixed over the limit", strings.Repeat("-(", MaxDepth/2) + "not(1" + strings.Repeat(")", MaxDepth/2+1), false},
		{"a long flat sum", long, true},
		{"one byte over the length limit", long + strings.Repeat(" ", MaxLen-len(long)+1), false},
		{"regex pattern at the limit", "regex(., '" + strings.Repeat("a", MaxPattern) + "')", true},
		{"regex pattern over the limit", "regex(., '" + strings.Repeat("a", MaxPattern+1) + "')", false},
	} {
		_, err := Parse(c.src)
		if c.ok && err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		if !c.ok && !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: err = %v, want ErrUnsupported", c.name, err)
		}
	}
	if len(long) > MaxLen {
		t.Fatalf("test bug: the long sum is %d bytes", len(long))
	}
}

// A long flat chain (a sum over many questions) is not nesting: it parses and evaluates.
func TestLongChainEvaluates(t *testing.T) {
	src := "1" + strings.Repeat(" + 1", (MaxLen-1)/4)
	e, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.Eval(testEnv(""))
	if err != nil {
		t.Fatal(err)
	}
	if want := float64(strings.Count(src, "1")); v.Number() != want {
		t.Errorf("sum = %v, want %v", v.Number(), want)
	}
}

func TestWhitespaceAndOperatorNames(t *testing.T) {
	runEval(t, []evalCase{
		{src: "\t${age}\n>=\r\n18 ", want: "true"},
		{src: "5. + 1", want: "6"},
		{src: "6 div 2 mod 2", want: "1"}, // (6 div 2) mod 2
		{src: "${age}div 2", want: "17"},
		{src: "selected (${multi}, 'a')", want: "true"}, // a space before "(" is allowed
	})
}

package xpath

import (
	"errors"
	"testing"
)

// FuzzParseEval feeds arbitrary text to Parse and evaluates whatever parses: neither may
// panic or run away, every error must be an *Error wrapping one of the sentinels, and a parsed
// expression's Refs must be sorted and unique.
func FuzzParseEval(f *testing.F) {
	for _, s := range []string{
		"${age} >= 18",
		"${a} > 3 and selected(${b}, 'x')",
		"if(${n} = '', 0, ${n} * 2) div 3 mod 2",
		"int((today() - ${dob}) div 365.25)",
		"regex(., '^[0-9]{10}$')",
		"regex(${age}, ${pattern})",
		"concat(${name}, ' ', substr(${arabic}, 0, 3), string-length(.))",
		"round(${half}, 2) + -count-selected(${multi})",
		"coalesce(${n}, once(today())) < date('2026-01-01')",
		"not(((1)))",
		"pulldata('a')",
		"/data/x",
		"'unclosed",
		"${",
	} {
		f.Add(s)
	}
	env := testEnv("7")
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			checkErr(t, src, err)
			return
		}
		refs := e.Refs()
		for i := 1; i < len(refs); i++ {
			if refs[i-1] >= refs[i] {
				t.Fatalf("Refs(%q) = %q: not sorted and unique", src, refs)
			}
		}
		v, err := e.Eval(env)
		if err != nil {
			checkErr(t, src, err)
			return
		}
		_, _, _ = v.String(), v.Number(), v.Bool()
	})
}

func checkErr(t *testing.T, src string, err error) {
	t.Helper()
	var xe *Error
	if !errors.As(err, &xe) {
		t.Fatalf("%q: error %v is %T, not *Error", src, err, err)
	}
	if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrEval) {
		t.Fatalf("%q: error %v wraps no sentinel", src, err)
	}
}

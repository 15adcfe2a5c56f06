package xpath

import (
	"errors"
	"testing"
)

// FuzzParseEval feeds arbitrary text to Parse and ParseFilter and evaluates whatever parses:
// none may panic or run away, every error must be an *Error wrapping one of the sentinels, and
// a parsed expression's Refs and Columns must be sorted and unique.
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
		"admin1 = ${admin1} and selected(${picked}, name)",
	} {
		f.Add(s)
	}
	env := testEnv("7")
	env.Columns = map[string]string{"name": "SY0101", "admin1": "SY01"}
	f.Fuzz(func(t *testing.T, src string) {
		for _, parse := range []func(string) (*Expr, error){Parse, ParseFilter} {
			e, err := parse(src)
			if err != nil {
				checkErr(t, src, err)
				continue
			}
			checkSortedUnique(t, src, e.Refs())
			checkSortedUnique(t, src, e.Columns())
			v, err := e.Eval(env)
			if err != nil {
				checkErr(t, src, err)
				continue
			}
			_, _, _ = v.String(), v.Number(), v.Bool()
		}
	})
}

func checkSortedUnique(t *testing.T, src string, names []string) {
	t.Helper()
	for i := 1; i < len(names); i++ {
		if names[i-1] >= names[i] {
			t.Fatalf("%q: names %q not sorted and unique", src, names)
		}
	}
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

package xpath

import (
	"errors"
	"testing"
)

func TestArithmetic(t *testing.T) {
	runEval(t, []evalCase{
		{src: "1 + 2", want: "3"},
		{src: "${age} + 1", want: "35"},
		{src: "${age}+1", want: "35"},
		{src: "10 - 4 - 3", want: "3"}, // left-associative
		{src: "2 + 3 * 4", want: "14"},
		{src: "(2 + 3) * 4", want: "20"},
		{src: "7 div 2", want: "3.5"},
		{src: "6 div 3", want: "2"}, // no trailing .0
		{src: "1 div 0", want: "Infinity"},
		{src: "-1 div 0", want: "-Infinity"},
		{src: "0 div 0", want: "NaN"},
		{src: "7 mod 3", want: "1"},
		{src: "-7 mod 3", want: "-1"}, // XPath: sign of the dividend
		{src: "7 mod -3", want: "1"},
		{src: "5 mod 0", want: "NaN"},
		{src: "5.5 mod 2", want: "1.5"},
		{src: "-${age}", want: "-34"},
		{src: "- - 3", want: "3"},
		{src: "2 - -3", want: "5"},
		{src: "${half} * 2", want: "5"},
		{src: "0.1 + 0.2", want: "0.30000000000000004"},
		{src: ".5 + .5", want: "1"},
		{src: "${spaced} + 1", want: "8"},   // whitespace around a number is ignored
		{src: "${n} + 1", want: "NaN"},      // unanswered is not zero
		{src: "${nobody} + 1", want: "NaN"}, // nor is a name the env does not know
		{src: "${name} * 2", want: "NaN"},
		{src: "'1e3' + 0", want: "NaN"}, // XPath numbers have no exponent
		{src: "'+1' + 0", want: "NaN"},
		{src: "'0x10' + 0", want: "NaN"},
		{src: "'1.' + 0", want: "1"},
		{src: "1000000 * 1000000", want: "1000000000000"}, // no exponent in output
		{src: "true() + 1", want: "2"},
		{src: "-0", want: "0"},
		{src: "${age} div 10", want: "3.4"},
	})
}

func TestComparisons(t *testing.T) {
	runEval(t, []evalCase{
		{src: "${age} >= 18", want: "true"},
		{src: "${age} < 18", want: "false"},
		{src: "${n} >= 18", want: "false"}, // unanswered: NaN compares false
		{src: "${n} < 18", want: "false"},
		{src: "${n} > 0", want: "false"},
		{src: "${nobody} >= 18", want: "false"},
		{src: "${n} = 0", want: "false"},
		{src: "${n} != 0", want: "true"},
		{src: "${n} = ''", want: "true"},
		{src: "${n} != ''", want: "false"},
		{src: "${age} != ''", want: "true"},
		{src: "${zero} = 0", want: "true"},
		{src: "${zero} = ''", want: "false"},
		{src: "${consent} = 'yes'", want: "true"},
		{src: "${consent} = \"yes\"", want: "true"},
		{src: "'yes' = ${consent}", want: "true"},
		{src: "${consent} = 'Yes'", want: "false"}, // text is compared exactly
		{src: "${consent} != 'no'", want: "true"},
		{src: "${age} = '34'", want: "true"},
		{src: "${age} = 34.0", want: "true"},  // a number on one side compares numbers
		{src: "'34.0' = '34'", want: "false"}, // two strings compare text
		{src: "${spaced} = 7", want: "true"},
		{src: "1 = 1", want: "true"},
		{src: "1 < 2", want: "true"},
		{src: "2 <= 2", want: "true"},
		{src: "3 > 2", want: "true"},
		{src: "2 >= 3", want: "false"},
		{src: "'b' > 'a'", want: "false"}, // relational operators compare numbers; both NaN
		{src: "'10' > '9'", want: "true"},
		{src: "0 div 0 = 0 div 0", want: "false"},
		{src: "0 div 0 != 0 div 0", want: "true"},
		{src: "true() = 'x'", want: "true"}, // a boolean on one side compares booleans
		{src: "false() = ''", want: "true"},
		{src: "true() = 1", want: "true"},
		{src: "false() = 0", want: "true"},
		{src: "1 < 2 = true()", want: "true"},
		{src: "1 < 2 < 3", want: "true"},  // (1 < 2) < 3: true is 1
		{src: "3 > 2 > 1", want: "false"}, // (3 > 2) > 1: 1 > 1
		{src: "1 + 1 = 2", want: "true"},
	})
}

func TestLogic(t *testing.T) {
	runEval(t, []evalCase{
		{src: "true() and true()", want: "true"},
		{src: "true() and false()", want: "false"},
		{src: "false() or true()", want: "true"},
		{src: "false() or false()", want: "false"},
		{src: "${age} > -1 and ${age} < 120", want: "true"},
		{src: "${age} < 19 or ${age} > 64", want: "false"},
		{src: "${n} > 0 or ${n} = ''", want: "true"},
		{src: "true() or false() and false()", want: "true"}, // and binds tighter
		{src: "(true() or false()) and false()", want: "false"},
		{src: "${name} and 1", want: "true"}, // a non-empty string is true
		{src: "${n} and 1", want: "false"},
		{src: "0 or 0 div 0", want: "false"}, // 0 and NaN are false
		{src: "${consent}='yes' and ${sex}='f'", want: "true"},
		// Short circuit: the right-hand side's eval error is never reached.
		{src: "false() and regex('x', ${badregex})", want: "false"},
		{src: "true() or regex('x', ${badregex})", want: "true"},
	})
}

func TestDot(t *testing.T) {
	runEval(t, []evalCase{
		{src: ". >= 18", dot: "20", want: "true"},
		{src: ". >= 18", dot: "", want: "false"},
		{src: ". < ${age}", dot: "20", want: "true"},
		{src: "string-length(.) = 10", dot: "0991234567", want: "true"},
		{src: ".", dot: "x", want: "x"},
		{src: "selected(., 'c')", dot: "a c", want: "true"},
	})
}

func TestDates(t *testing.T) {
	runEval(t, []evalCase{
		{src: "today()", want: "2026-12-01"},
		{src: "today() + 0", want: "20788"},      // 56*365 + 14 leap days + 334 days of 2026 before December
		{src: "today() - ${dob}", want: "12418"}, // 34*365 + the 8 leap days from 1996 to 2024
		// The age formula forms use is a day short on a birthday (12418 / 365.25 = 33.998):
		// the evaluator must reproduce it, not "fix" it, so results match ODK's.
		{src: "int((today() - ${dob}) div 365.25)", want: "33"},
		{src: "int((today() - ${visit}) div 365.25)", want: "0"},
		{src: "${visit} < today()", want: "true"},
		{src: "${visit} > today()", want: "false"},
		{src: "${visit} = today() - 1", want: "true"},
		{src: "today() = '2026-12-01'", want: "true"},
		{src: "today() + 1", want: "20789"},
		{src: "date(today() + 1)", want: "2026-12-02"},
		{src: "${n} < today()", want: "false"}, // an unanswered date is no date
		{src: "${dob} + 0", want: "8370"},
		{src: "'1970-01-01' + 0", want: "0"},
		{src: "'1969-12-31' + 0", want: "-1"},
		{src: "'2026-02-29' + 0", want: "NaN"}, // not a day of the calendar
		{src: "'2026-13-01' + 0", want: "NaN"},
		{src: "'2026-12-01T12:00:00Z' + 0", want: "20788.5"},
		{src: "'2026-12-01T12:00:00.000+03:00' + 0", want: "20788.375"},
		{src: "'2026-12-01x' + 0", want: "NaN"},
		{src: "boolean(today())", want: "true"},
	})
}

func TestEvalErrors(t *testing.T) {
	for _, src := range []string{
		"regex('x', ${badregex})",
		"regex('x', concat('a', '(?=b)'))",
		"date('soon')",
		"date(true())",
		"1 + date('soon')",
		"if(date('soon'), 1, 2)",
	} {
		e, err := Parse(src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		_, err = e.Eval(testEnv(""))
		if !errors.Is(err, ErrEval) {
			t.Errorf("Eval(%q) = %v, want ErrEval", src, err)
		}
	}
}

// One Expr serves every goroutine of the app; the run-time regex cache must not race.
func TestConcurrentEval(t *testing.T) {
	e, err := Parse("regex(${age}, ${pattern}) and regex(${name}, concat('^', ${name}, '$'))")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	for g := range 4 {
		go func() {
			env := testEnv("")
			env.Values = map[string]string{"age": "34", "pattern": "^[0-9]+$", "name": string(rune('a' + g))}
			for range 200 {
				v, err := e.Eval(env)
				if err == nil && !v.Bool() {
					err = errors.New("regex did not match")
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

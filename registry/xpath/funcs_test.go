package xpath

import "testing"

func TestSelected(t *testing.T) {
	runEval(t, []evalCase{
		{src: "selected(${multi}, 'a')", want: "true"},
		{src: "selected(${multi}, 'b')", want: "true"},
		{src: "selected(${multi}, 'c')", want: "true"},
		{src: "selected(${multi}, 'd')", want: "false"},
		{src: "selected(${multi}, 'a b')", want: "false"}, // one choice, not a sublist
		{src: "selected(${multi}, ' a ')", want: "true"},
		{src: "selected(${multi}, '')", want: "false"},
		{src: "selected(${one}, 'a')", want: "true"}, // select_one answers work too
		{src: "selected('ab', 'a')", want: "false"},  // whole names, not prefixes
		{src: "selected(${n}, 'a')", want: "false"},
		{src: "selected('  a\tb  ', 'b')", want: "true"},
		{src: "not(selected(${multi}, 'd'))", want: "true"},
	})
}

func TestSelectedAt(t *testing.T) {
	runEval(t, []evalCase{
		{src: "selected-at(${multi}, 0)", want: "a"},
		{src: "selected-at(${multi}, 2)", want: "c"},
		{src: "selected-at(${multi}, 3)", want: ""},
		{src: "selected-at(${multi}, -1)", want: ""},
		{src: "selected-at(${multi}, 0.5)", want: ""},
		{src: "selected-at(${n}, 0)", want: ""},
	})
}

func TestCountSelected(t *testing.T) {
	runEval(t, []evalCase{
		{src: "count-selected(${multi})", want: "3"},
		{src: "count-selected(${one})", want: "1"},
		{src: `count-selected("")`, want: "0"},
		{src: "count-selected(${n})", want: "0"},
		{src: "count-selected('  a   b ')", want: "2"},
		{src: "count-selected(.) <= 2", dot: "x y", want: "true"},
	})
}

func TestStringLength(t *testing.T) {
	runEval(t, []evalCase{
		{src: "string-length(${name})", want: "5"},
		{src: "string-length(${arabic})", want: "9"}, // characters, not the 17 bytes
		{src: "string-length('')", want: "0"},
		{src: "string-length(${n})", want: "0"},
		{src: "string-length(12.50)", want: "4"}, // of the number's string: 12.5
		{src: "string-length()", dot: "abc", want: "3"},
		{src: "string-length(${phone}) = 10", want: "true"},
	})
}

func TestRegex(t *testing.T) {
	runEval(t, []evalCase{
		{src: "regex(${phone}, '^0[0-9]{9}$')", want: "true"},
		{src: "regex('099123', '^0[0-9]{9}$')", want: "false"},
		{src: "regex(${name}, 'min')", want: "true"}, // found anywhere, like ODK
		{src: "regex(${name}, '^min')", want: "false"},
		{src: "regex(${n}, '^$')", want: "true"},
		{src: "regex(., '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$')", dot: "a.b@example.org", want: "true"},
		{src: "regex(${arabic}, '^\\p{Arabic}+ \\p{Arabic}+$')", want: "true"},
		{src: "regex(${age}, ${pattern})", want: "true"}, // a pattern from an answer
		{src: "regex(${name}, ${pattern})", want: "false"},
		{src: "regex(${age}, concat('^', '3'))", want: "true"},
		{src: "regex(34, '^3')", want: "true"},
	})
}

func TestToday(t *testing.T) {
	runEval(t, []evalCase{
		{src: "today()", want: "2026-12-01"},
		{src: "string(today())", want: "2026-12-01"},
		{src: "concat('on ', today())", want: "on 2026-12-01"},
		{src: "today() > '2026-11-30'", want: "true"},
	})
}

func TestInt(t *testing.T) {
	runEval(t, []evalCase{
		{src: "int(2.5)", want: "2"},
		{src: "int(-2.5)", want: "-2"}, // toward zero, not floor
		{src: "int(${neg})", want: "-2"},
		{src: "int(${half})", want: "2"},
		{src: "int('7')", want: "7"},
		{src: "int(${n})", want: "NaN"},
		{src: "int(${name})", want: "NaN"},
		{src: "int(1 div 0)", want: "Infinity"},
		{src: "int(0.9999)", want: "0"},
	})
}

func TestIf(t *testing.T) {
	runEval(t, []evalCase{
		{src: "if(${age} >= 18, 'adult', 'minor')", want: "adult"},
		{src: "if(${n} >= 18, 'adult', 'minor')", want: "minor"},
		{src: "if(${n} = '', 0, ${n})", want: "0"},
		{src: "if(${consent}, 1, 2)", want: "1"}, // a non-empty string is true
		{src: "if(${n}, 1, 2)", want: "2"},
		{src: "if(true(), 'x', date('never'))", want: "x"}, // only the chosen branch runs
		{src: "if(false(), date('never'), 'y')", want: "y"},
		{src: "if(1 < 2, 3, 4) + 1", want: "4"},
	})
}

func TestCoalesce(t *testing.T) {
	runEval(t, []evalCase{
		{src: "coalesce(${n}, 'none')", want: "none"},
		{src: "coalesce(${name}, 'none')", want: "Amina"},
		{src: "coalesce(${nobody}, ${age})", want: "34"},
		{src: "coalesce(${n}, ${n})", want: ""},
		{src: "coalesce(${zero}, 5)", want: "0"}, // "0" is an answer
		{src: "coalesce(${n}, 5) + 1", want: "6"},
	})
}

func TestConcat(t *testing.T) {
	runEval(t, []evalCase{
		{src: "concat(${name}, ' (', ${age}, ')')", want: "Amina (34)"},
		{src: "concat('a')", want: "a"},
		{src: "concat()", want: ""},
		{src: "concat(${n}, ${n})", want: ""},
		{src: "concat(1 div 2, ' ', 3.0, ' ', true())", want: "0.5 3 true"},
		{src: "concat(${arabic}, '!')", want: "مرحبا بكم!"},
	})
}

func TestConversionFunctions(t *testing.T) {
	runEval(t, []evalCase{
		{src: "number('12')", want: "12"},
		{src: "number(' 12 ')", want: "12"},
		{src: "number('')", want: "NaN"},
		{src: "number('abc')", want: "NaN"},
		{src: "number(true())", want: "1"},
		{src: "number(false())", want: "0"},
		{src: "number()", dot: "4.5", want: "4.5"},
		{src: "number(${dob})", want: "8370"},
		{src: "string(3.0)", want: "3"},
		{src: "string(-0.25)", want: "-0.25"},
		{src: "string(true())", want: "true"},
		{src: "string()", dot: "x", want: "x"},
		{src: "string(${age}) = '34'", want: "true"},
		{src: "boolean('')", want: "false"},
		{src: "boolean('false')", want: "true"}, // any non-empty string
		{src: "boolean(0)", want: "false"},
		{src: "boolean(-1)", want: "true"},
		{src: "boolean(0 div 0)", want: "false"},
		{src: "boolean-from-string('true')", want: "true"},
		{src: "boolean-from-string('1')", want: "true"},
		{src: "boolean-from-string('yes')", want: "false"},
		{src: "true()", want: "true"},
		{src: "false()", want: "false"},
		{src: "not(true())", want: "false"},
		{src: "not(${n})", want: "true"},
		{src: "not(${age} > 18)", want: "false"},
	})
}

func TestRound(t *testing.T) {
	runEval(t, []evalCase{
		{src: "round(2.5)", want: "3"},
		{src: "round(-2.5)", want: "-2"}, // XPath: halves toward positive infinity
		{src: "round(2.4)", want: "2"},
		{src: "round(3.14159, 2)", want: "3.14"},
		{src: "round(2.675, 2)", want: "2.68"}, // the decimal written, not its binary neighbour
		{src: "round(1234, -2)", want: "1200"},
		{src: "round(${half}, 0)", want: "3"},
		{src: "round(${n})", want: "NaN"},
		{src: "round(1.5, ${n})", want: "NaN"},
		{src: "round(1 div 3, 20)", want: "0.3333333333333333"},
		{src: "round(1 div 0)", want: "Infinity"},
	})
}

func TestNumberFunctions(t *testing.T) {
	runEval(t, []evalCase{
		{src: "floor(-2.5)", want: "-3"},
		{src: "floor(2.5)", want: "2"},
		{src: "ceiling(2.1)", want: "3"},
		{src: "ceiling(-2.1)", want: "-2"},
		{src: "abs(${neg})", want: "2.5"},
		{src: "pow(2, 10)", want: "1024"},
		{src: "pow(${age}, 0)", want: "1"},
		{src: "min(3, 1, 2)", want: "1"},
		{src: "max(3, 1, 2)", want: "3"},
		{src: "max(${age}, 18)", want: "34"},
		{src: "max(${n}, 18)", want: "NaN"}, // an unanswered input makes the result unknown
	})
}

func TestStringFunctions(t *testing.T) {
	runEval(t, []evalCase{
		{src: "contains(${name}, 'min')", want: "true"},
		{src: "contains(${name}, 'x')", want: "false"},
		{src: "contains(${name}, '')", want: "true"},
		{src: "starts-with(${phone}, '099')", want: "true"},
		{src: "starts-with(${phone}, '98')", want: "false"},
		{src: "ends-with(${phone}, '567')", want: "true"},
		{src: "substr('hello', 1, 3)", want: "el"},
		{src: "substr('hello', 1)", want: "ello"},
		{src: "substr('hello', -3)", want: "llo"},
		{src: "substr('hello', 3, 1)", want: ""},
		{src: "substr('hello', 0, 99)", want: "hello"},
		{src: "substr(${arabic}, 0, 5)", want: "مرحبا"}, // characters, not bytes
		{src: "substr(${n}, 0, 1)", want: ""},
		{src: "substring-before('2026-12-01', '-')", want: "2026"},
		{src: "substring-after('2026-12-01', '-')", want: "12-01"},
		{src: "substring-before('abc', 'x')", want: ""},
		{src: "substring-after('abc', 'x')", want: ""},
		{src: "normalize-space('  a   b  ')", want: "a b"},
		{src: "normalize-space()", dot: " x ", want: "x"},
	})
}

func TestDateFunctions(t *testing.T) {
	runEval(t, []evalCase{
		{src: "date('2026-12-01')", want: "2026-12-01"},
		{src: "date(${dob}) < today()", want: "true"},
		{src: "date(0)", want: "1970-01-01"},
		{src: "date(-1)", want: "1969-12-31"},
		{src: "date('20788')", want: "2026-12-01"},
		{src: "date(20788.9)", want: "2026-12-01"},
		{src: "date('2026-12-01T23:00:00Z')", want: "2026-12-01"},
		{src: "date(${n})", want: ""}, // an unanswered date stays unanswered
		{src: "date(1 div 0)", want: ""},
		{src: "date(today())", want: "2026-12-01"},
		{src: "decimal-date-time('1970-01-02T00:00:00Z')", want: "1"},
		{src: "decimal-date-time('1969-12-31T00:00:00Z')", want: "-1"},
		{src: "decimal-date-time('1970-01-01T06:00:00Z')", want: "0.25"},
		{src: "decimal-date-time(today())", want: "20788"},
		{src: "decimal-date-time(${n})", want: "NaN"},
	})
}

func TestOnce(t *testing.T) {
	runEval(t, []evalCase{
		{src: "once(today())", dot: "", want: "2026-12-01"},
		{src: "once(today())", dot: "2026-01-05", want: "2026-01-05"}, // kept once set
		{src: "once(${age} * 2)", dot: "", want: "68"},
	})
}

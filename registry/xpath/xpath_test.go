package xpath

import (
	"testing"
	"time"
)

// testToday is the date every test env reports: evaluation never reads the clock.
var testToday = time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)

// answers is a household a test form might have collected so far; "unanswered" questions
// are absent or "".
func testEnv(dot string) MapEnv {
	return MapEnv{
		Values: map[string]string{
			"age":      "34",
			"n":        "",
			"zero":     "0",
			"half":     "2.5",
			"neg":      "-2.5",
			"multi":    "a b c",
			"one":      "a",
			"name":     "Amina",
			"arabic":   "مرحبا بكم",
			"dob":      "1992-12-01",
			"visit":    "2026-11-30",
			"consent":  "yes",
			"phone":    "0991234567",
			"spaced":   "  7  ",
			"pattern":  "^[0-9]+$",
			"badregex": "(",
			"sex":      "f",
		},
		Dot:  dot,
		Date: testToday,
	}
}

type evalCase struct {
	src  string
	dot  string // the current question's value
	want string // the result's String()
}

func runEval(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, c := range cases {
		e, err := Parse(c.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.src, err)
			continue
		}
		v, err := e.Eval(testEnv(c.dot))
		if err != nil {
			t.Errorf("Eval(%q): %v", c.src, err)
			continue
		}
		if got := v.String(); got != c.want {
			t.Errorf("%q (dot %q) = %q, want %q", c.src, c.dot, got, c.want)
		}
	}
}

package xpath

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// function is an entry of the function table: how many arguments it takes (max -1: any
// number) and how it is computed.
type function struct {
	min, max int
	call     func(env Env, args []node) (Value, error)
}

func (f function) arity() string {
	switch {
	case f.min == f.max && f.min == 1:
		return "1 argument"
	case f.min == f.max:
		return strconv.Itoa(f.min) + " arguments"
	case f.max < 0:
		return "at least " + strconv.Itoa(f.min) + " arguments"
	}
	return fmt.Sprintf("%d to %d arguments", f.min, f.max)
}

// functions is the supported function library: XPath 1.0's core functions that forms use and
// ODK's additions (https://getodk.github.io/xforms-spec/#xpath-functions). A name missing here
// is refused at Parse with ErrUnsupported.
var functions = map[string]function{
	// Logic and control flow.
	"true":     {0, 0, func(Env, []node) (Value, error) { return BoolValue(true), nil }},
	"false":    {0, 0, func(Env, []node) (Value, error) { return BoolValue(false), nil }},
	"not":      {1, 1, boolFn(func(v Value) bool { return !v.Bool() })},
	"boolean":  {1, 1, boolFn(Value.Bool)},
	"if":       {3, 3, ifFn},
	"coalesce": {2, 2, coalesce},
	"once":     {1, 1, once},
	"boolean-from-string": {1, 1, boolFn(func(v Value) bool {
		s := v.String()
		return s == "true" || s == "1"
	})},

	// Conversions.
	"string": {0, 1, func(env Env, args []node) (Value, error) {
		v, err := argOrDot(env, args)
		return StringValue(v.String()), err
	}},
	"number": {0, 1, func(env Env, args []node) (Value, error) {
		v, err := argOrDot(env, args)
		return NumberValue(v.Number()), err
	}},
	"int": {1, 1, numFn(math.Trunc)},

	// Choices: a select_multiple answer is its choice names separated by spaces.
	"selected":       {2, 2, selected},
	"selected-at":    {2, 2, selectedAt},
	"count-selected": {1, 1, countSelected},

	// Text.
	"string-length": {0, 1, func(env Env, args []node) (Value, error) {
		v, err := argOrDot(env, args)
		return NumberValue(float64(utf8.RuneCountInString(v.String()))), err
	}},
	"concat":           {0, -1, concat},
	"contains":         {2, 2, strPred(strings.Contains)},
	"starts-with":      {2, 2, strPred(strings.HasPrefix)},
	"ends-with":        {2, 2, strPred(strings.HasSuffix)},
	"substr":           {2, 3, substr},
	"substring-before": {2, 2, strOp(func(s, sep string) string { b, _, _ := strings.Cut(s, sep); return ifFound(s, sep, b) })},
	"substring-after":  {2, 2, strOp(func(s, sep string) string { _, a, _ := strings.Cut(s, sep); return ifFound(s, sep, a) })},
	"normalize-space": {0, 1, func(env Env, args []node) (Value, error) {
		v, err := argOrDot(env, args)
		return StringValue(strings.Join(strings.Fields(v.String()), " ")), err
	}},
	// regex is parsed specially (see regex.go); this entry gives its arity.
	"regex": {2, 2, nil},

	// Numbers.
	"round":   {1, 2, round},
	"floor":   {1, 1, numFn(math.Floor)},
	"ceiling": {1, 1, numFn(math.Ceil)},
	"abs":     {1, 1, numFn(math.Abs)},
	"pow":     {2, 2, pow},
	"min":     {1, -1, extremum(math.Min)},
	"max":     {1, -1, extremum(math.Max)},

	// Dates: as numbers, days since 1970-01-01.
	"today": {0, 0, func(env Env, _ []node) (Value, error) { return DateValue(env.Today()), nil }},
	"date":  {1, 1, date},
	"decimal-date-time": {1, 1, func(env Env, args []node) (Value, error) {
		v, err := args[0].eval(env)
		return NumberValue(v.Number()), err
	}},
}

func argOrDot(env Env, args []node) (Value, error) {
	if len(args) == 0 {
		return StringValue(env.Current()), nil
	}
	return args[0].eval(env)
}

func evalStrings(env Env, args []node) (a, b string, err error) {
	va, err := args[0].eval(env)
	if err != nil {
		return "", "", err
	}
	vb, err := args[1].eval(env)
	return va.String(), vb.String(), err
}

func boolFn(f func(Value) bool) func(Env, []node) (Value, error) {
	return func(env Env, args []node) (Value, error) {
		v, err := args[0].eval(env)
		return BoolValue(f(v)), err
	}
}

func numFn(f func(float64) float64) func(Env, []node) (Value, error) {
	return func(env Env, args []node) (Value, error) {
		v, err := args[0].eval(env)
		return NumberValue(f(v.Number())), err
	}
}

func strPred(f func(s, t string) bool) func(Env, []node) (Value, error) {
	return func(env Env, args []node) (Value, error) {
		a, b, err := evalStrings(env, args)
		return BoolValue(f(a, b)), err
	}
}

func strOp(f func(s, t string) string) func(Env, []node) (Value, error) {
	return func(env Env, args []node) (Value, error) {
		a, b, err := evalStrings(env, args)
		return StringValue(f(a, b)), err
	}
}

// ifFound returns part when sep occurs in s, "" otherwise (XPath substring-before/after).
func ifFound(s, sep, part string) string {
	if !strings.Contains(s, sep) {
		return ""
	}
	return part
}

func ifFn(env Env, args []node) (Value, error) {
	c, err := args[0].eval(env)
	if err != nil {
		return Value{}, err
	}
	if c.Bool() {
		return args[1].eval(env)
	}
	return args[2].eval(env)
}

// coalesce is its first argument unless that is empty, then its second.
func coalesce(env Env, args []node) (Value, error) {
	v, err := args[0].eval(env)
	if err != nil || v.String() != "" {
		return v, err
	}
	return args[1].eval(env)
}

// once keeps the question's value once it has one, so a calculation such as once(today())
// records the day of the first entry.
func once(env Env, args []node) (Value, error) {
	if cur := env.Current(); cur != "" {
		return StringValue(cur), nil
	}
	return args[0].eval(env)
}

func concat(env Env, args []node) (Value, error) {
	var b strings.Builder
	for _, a := range args {
		v, err := a.eval(env)
		if err != nil {
			return Value{}, err
		}
		b.WriteString(v.String())
	}
	return StringValue(b.String()), nil
}

// nextChoice splits the next space-separated choice name off list without allocating; it
// is on the path of every relevant that tests a select_multiple, so it scans bytes itself.
func nextChoice(list string) (choice, rest string) {
	i := 0
	for i < len(list) && isSpace(list[i]) {
		i++
	}
	j := i
	for j < len(list) && !isSpace(list[j]) {
		j++
	}
	return list[i:j], list[j:]
}

func selected(env Env, args []node) (Value, error) {
	list, choice, err := evalStrings(env, args)
	choice = strings.TrimSpace(choice)
	for c, rest := nextChoice(list); c != ""; c, rest = nextChoice(rest) {
		if c == choice {
			return BoolValue(true), err
		}
	}
	return BoolValue(false), err
}

// selectedAt is the choice at a 0-based index, "" past the end.
func selectedAt(env Env, args []node) (Value, error) {
	l, err := args[0].eval(env)
	if err != nil {
		return Value{}, err
	}
	iv, err := args[1].eval(env)
	i := iv.Number()
	if i != math.Trunc(i) || i < 0 {
		return StringValue(""), err
	}
	for c, rest := nextChoice(l.String()); c != ""; c, rest = nextChoice(rest) {
		if i == 0 {
			return StringValue(c), err
		}
		i--
	}
	return StringValue(""), err
}

func countSelected(env Env, args []node) (Value, error) {
	l, err := args[0].eval(env)
	n := 0
	for c, rest := nextChoice(l.String()); c != ""; c, rest = nextChoice(rest) {
		n++
	}
	return NumberValue(float64(n)), err
}

// substr(s, start, end) is ODK's: characters from the 0-based start up to, not including,
// end (the end of s if absent); negative positions count from the end.
func substr(env Env, args []node) (Value, error) {
	sv, err := args[0].eval(env)
	if err != nil {
		return Value{}, err
	}
	runes := []rune(sv.String())
	pos := func(i int, def int) (int, error) {
		if i >= len(args) {
			return def, nil
		}
		v, err := args[i].eval(env)
		f := math.Trunc(v.Number())
		switch {
		case math.IsNaN(f):
			return def, err
		case f < 0:
			f = math.Max(0, float64(len(runes))+f)
		}
		return int(math.Min(f, float64(len(runes)))), err
	}
	start, err := pos(1, 0)
	if err != nil {
		return Value{}, err
	}
	end, err := pos(2, len(runes))
	if err != nil || start >= end {
		return StringValue(""), err
	}
	return StringValue(string(runes[start:end])), nil
}

// round is XPath's (halves toward positive infinity: round(2.5) = 3, round(-2.5) = -2) with
// ODK's optional number of decimal places.
func round(env Env, args []node) (Value, error) {
	xv, err := args[0].eval(env)
	if err != nil {
		return Value{}, err
	}
	x := xv.Number()
	if len(args) == 1 {
		return NumberValue(roundHalfUp(x)), nil
	}
	pv, err := args[1].eval(env)
	places := math.Trunc(pv.Number())
	switch {
	case math.IsNaN(places):
		return NumberValue(math.NaN()), err
	case places > 15:
		return NumberValue(x), err
	case places < -300:
		places = -300
	}
	p := math.Pow(10, places)
	scaled := x * p
	// 2.675 is 2.67499999… in binary; take the decimal the form's author wrote, as a person would.
	if math.Abs(scaled) < 1e9 {
		scaled = math.Round(scaled*1e6) / 1e6
	}
	return NumberValue(roundHalfUp(scaled) / p), err
}

func roundHalfUp(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	return math.Floor(x + 0.5)
}

func pow(env Env, args []node) (Value, error) {
	x, err := args[0].eval(env)
	if err != nil {
		return Value{}, err
	}
	y, err := args[1].eval(env)
	return NumberValue(math.Pow(x.Number(), y.Number())), err
}

func extremum(pick func(a, b float64) float64) func(Env, []node) (Value, error) {
	return func(env Env, args []node) (Value, error) {
		var acc float64
		for i, a := range args {
			v, err := a.eval(env)
			if err != nil {
				return Value{}, err
			}
			if i == 0 {
				acc = v.Number()
			} else {
				acc = pick(acc, v.Number()) // math.Min/Max give NaN if either is NaN
			}
		}
		return NumberValue(acc), nil
	}
}

// date converts a date string or a count of days to a date; an unanswered date stays "".
func date(env Env, args []node) (Value, error) {
	v, err := args[0].eval(env)
	if err != nil {
		return Value{}, err
	}
	switch v.kind {
	case Date:
		return v, nil
	case Number:
		return dateFromDays(v.n), nil
	case Boolean:
		return Value{}, &Error{Msg: fmt.Sprintf("date(%s): not a date", v.String()), Kind: ErrEval}
	}
	s := strings.TrimSpace(v.s)
	if s == "" {
		return StringValue(""), nil
	}
	if days, ok := parseDays(s); ok {
		return dateFromDays(days), nil
	}
	if isXPathNumber(s) {
		return dateFromDays(stringToNumber(s)), nil
	}
	return Value{}, &Error{Msg: fmt.Sprintf("date(%q): not a date", s), Kind: ErrEval}
}

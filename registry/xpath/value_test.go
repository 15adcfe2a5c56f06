package xpath

import (
	"math"
	"testing"
	"time"
)

func TestValueConversions(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		name   string
		v      Value
		kind   Kind
		str    string
		num    float64
		truthy bool
	}{
		{"empty string", StringValue(""), String, "", nan, false},
		{"text", StringValue("abc"), String, "abc", nan, true},
		{"numeric text", StringValue(" 42 "), String, " 42 ", 42, true},
		{"negative decimal text", StringValue("-0.5"), String, "-0.5", -0.5, true},
		{"text zero is true", StringValue("0"), String, "0", 0, true},
		{"date text", StringValue("1970-01-11"), String, "1970-01-11", 10, true},
		{"integer", NumberValue(3), Number, "3", 3, true},
		{"decimal", NumberValue(3.25), Number, "3.25", 3.25, true},
		{"zero", NumberValue(0), Number, "0", 0, false},
		{"negative zero", NumberValue(math.Copysign(0, -1)), Number, "0", 0, false},
		{"large", NumberValue(1e21), Number, "1000000000000000000000", 1e21, true},
		{"small", NumberValue(1e-7), Number, "0.0000001", 1e-7, true},
		{"NaN", NumberValue(nan), Number, "NaN", nan, false},
		{"infinity", NumberValue(math.Inf(1)), Number, "Infinity", math.Inf(1), true},
		{"true", BoolValue(true), Boolean, "true", 1, true},
		{"false", BoolValue(false), Boolean, "false", 0, false},
		{"date", DateValue(time.Date(1970, 1, 2, 23, 59, 0, 0, time.UTC)), Date, "1970-01-02", 1, true},
		{"date before 1970", DateValue(time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)), Date, "1969-12-31", -1, true},
	} {
		if c.v.Kind() != c.kind {
			t.Errorf("%s: Kind() = %v, want %v", c.name, c.v.Kind(), c.kind)
		}
		if got := c.v.String(); got != c.str {
			t.Errorf("%s: String() = %q, want %q", c.name, got, c.str)
		}
		if got := c.v.Number(); got != c.num && !(math.IsNaN(got) && math.IsNaN(c.num)) {
			t.Errorf("%s: Number() = %v, want %v", c.name, got, c.num)
		}
		if got := c.v.Bool(); got != c.truthy {
			t.Errorf("%s: Bool() = %v, want %v", c.name, got, c.truthy)
		}
	}
}

// today() is the calendar day in the Env's location, not in UTC: at 01:00 in Damascus on
// 2 December it is still 1 December in UTC.
func TestTodayUsesTheEnvLocation(t *testing.T) {
	damascus := time.FixedZone("+03", 3*3600)
	env := MapEnv{Date: time.Date(2026, 12, 2, 1, 0, 0, 0, damascus)}
	e, err := Parse("today()")
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.Eval(env)
	if err != nil {
		t.Fatal(err)
	}
	if v.String() != "2026-12-02" {
		t.Errorf("today() = %s, want 2026-12-02", v)
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{String: "string", Number: "number", Boolean: "boolean", Date: "date"} {
		if k.String() != want {
			t.Errorf("Kind(%d).String() = %q, want %q", k, k.String(), want)
		}
	}
}

package xpath

import "testing"

// A form re-evaluates every relevant on each keystroke; with 300 questions that is 300 Evals,
// so one must cost well under a microsecond and allocate nothing.
func BenchmarkEvalRelevant(b *testing.B) {
	e, err := Parse("${a} > 3 and selected(${b}, 'x')")
	if err != nil {
		b.Fatal(err)
	}
	var env Env = MapEnv{Values: map[string]string{"a": "5", "b": "w x y"}}
	b.ReportAllocs()
	for b.Loop() {
		v, err := e.Eval(env)
		if err != nil || !v.Bool() {
			b.Fatalf("Eval = %v, %v", v, err)
		}
	}
}

func BenchmarkEvalAge(b *testing.B) {
	e, err := Parse("int((today() - ${dob}) div 365.25) >= 18")
	if err != nil {
		b.Fatal(err)
	}
	var env Env = testEnv("")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Eval(env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("if(${age} >= 18 and regex(${phone}, '^0[0-9]{9}$'), concat(${name}, ' adult'), 'minor')"); err != nil {
			b.Fatal(err)
		}
	}
}

package formrun

import (
	"fmt"
	"testing"
	"time"

	"fieldreg/registry"
)

// bigForm is a real-sized registration: 300 questions, a cascade
// governorate → district → site over 14 + 140 + 5,000 choices, and the
// rest a mix an operation writes: numbers with constraints, yes/no
// questions that open the ones after them, a chain of calculations, notes.
// answers fills about half of it in.
func bigForm(tb testing.TB) (*registry.Form, map[string]string) {
	tb.Helper()
	var a1, a2, sites []registry.Choice
	for i := range 14 {
		a1 = append(a1, registry.Choice{Name: fmt.Sprintf("SY%02d", i), Label: en(fmt.Sprintf("Governorate %d", i))})
		for j := range 10 {
			a2 = append(a2, registry.Choice{Name: fmt.Sprintf("SY%02d%02d", i, j), Label: en("District"),
				Filter: map[string]string{"admin1": fmt.Sprintf("SY%02d", i)}})
		}
	}
	for k := range 5000 {
		d := a2[k%len(a2)]
		sites = append(sites, registry.Choice{Name: fmt.Sprintf("cp_%04d", k), Label: en(fmt.Sprintf("Site %d", k)),
			Filter: map[string]string{"admin2": d.Name, "admin1": d.Filter["admin1"], "pcode": fmt.Sprintf("CP%04d", k)}})
	}
	fields := []registry.FieldDef{
		{Name: "admin1", Type: registry.TypeSelectOne, Label: en("Governorate"), Required: true, Choices: a1},
		{Name: "admin2", Type: registry.TypeSelectOne, Label: en("District"), Required: true, ChoiceFilter: "admin1 = ${admin1}", Choices: a2},
		{Name: "site", Type: registry.TypeSelectOne, Label: en("Site"), Required: true, ChoiceFilter: "admin2 = ${admin2}", Choices: sites},
	}
	answers := map[string]string{"admin1": "SY03", "admin2": "SY0304", "site": "cp_0034"}
	for i := 0; len(fields) < 300; i++ {
		q := fmt.Sprintf("q%03d", i)
		switch i % 5 {
		case 0: // a yes/no that opens the next questions
			fields = append(fields, registry.FieldDef{Name: q, Type: registry.TypeSelectOne, Label: en(q), Choices: choices("yes", "no")})
			answers[q] = []string{"yes", "no"}[i%2]
		case 1, 2: // a number asked on it, with a constraint and its message
			fields = append(fields, registry.FieldDef{Name: q, Type: registry.TypeInteger, Label: en(q), Required: true,
				Relevant:   fmt.Sprintf("${q%03d} = 'yes'", i-i%5),
				Constraint: ". >= 0 and . < 100", ConstraintMessage: en("0 to 99")})
			answers[q] = fmt.Sprint(i % 90)
		case 3: // a running total
			prev := "0"
			if i >= 5 {
				prev = fmt.Sprintf("${q%03d}", i-5)
			}
			fields = append(fields, registry.FieldDef{Name: q, Type: registry.TypeCalculate,
				Calculation: fmt.Sprintf("%s + coalesce(${q%03d}, 0) + coalesce(${q%03d}, 0)", prev, i-2, i-1)})
		case 4: // text with a regex, or a note
			if i%10 == 4 {
				fields = append(fields, registry.FieldDef{Name: q, Type: registry.TypeText, Label: en(q),
					Constraint: "regex(., '^[A-Z]{2}[0-9]+$')", Relevant: fmt.Sprintf("${q%03d} > 10", i-1)})
				answers[q] = "AB12"
			} else {
				fields = append(fields, registry.FieldDef{Name: q, Type: registry.TypeNote, Label: en(q),
					Relevant: fmt.Sprintf("${q%03d} > 50", i-1)})
			}
		}
	}
	return parsed(tb, &registry.Form{Kind: registry.KindHousehold, Title: en("Registration"), Fields: fields}), answers
}

func TestBigFormEvaluates(t *testing.T) {
	form, answers := bigForm(t)
	st := mustRun(t, form, "en").Eval(answers)
	if got := len(st.Choices("site")); got != 5000/140+1 && got != 5000/140 {
		t.Errorf("%d sites in one district", got)
	}
	if st.Value("site") != "cp_0034" {
		t.Errorf("site %q, cleared %v", st.Value("site"), st.Cleared())
	}
	for _, n := range st.Cleared() {
		if st.Visible(n) {
			t.Errorf("%s cleared though asked", n)
		}
	}
	// The last running total is the sum of every number asked.
	want := 0
	for i := 0; i < 297; i++ {
		if i%5 == 1 || i%5 == 2 {
			if (i-i%5)%2 == 0 { // its yes/no was "yes"
				want += i % 90
			}
		}
	}
	last := ""
	for _, d := range form.Fields {
		if d.Type == registry.TypeCalculate {
			last = d.Name
		}
	}
	if got := st.Value(last); got != fmt.Sprint(want) {
		t.Errorf("%s = %s, want %d", last, got, want)
	}
}

// What a keystroke costs: one Eval of the whole form, then the error of the
// field being typed in. It must stay well under a frame (16 ms).
func BenchmarkEvalBigForm(b *testing.B) {
	form, answers := bigForm(b)
	run := mustRun(b, form, "en")
	b.ReportAllocs()
	for b.Loop() {
		answers["q001"] = fmt.Sprint(b.N % 100)
		st := run.Eval(answers)
		_ = st.Error("q001")
	}
}

// Save: every error of the form.
func BenchmarkErrorsBigForm(b *testing.B) {
	form, answers := bigForm(b)
	st := mustRun(b, form, "en").Eval(answers)
	b.ReportAllocs()
	for b.Loop() {
		_ = st.Errors()
	}
}

// Opening the form: compiling every expression and ordering them.
func BenchmarkNewBigForm(b *testing.B) {
	form, _ := bigForm(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(form, "en", time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
}

// A keystroke as the app makes it: Update from the state before, which
// filters the cascade again only when what it reads changed.
func BenchmarkUpdateBigForm(b *testing.B) {
	form, answers := bigForm(b)
	st := mustRun(b, form, "en").Eval(answers)
	b.ReportAllocs()
	for b.Loop() {
		answers["q001"] = fmt.Sprint(b.N % 100)
		st = st.Update(answers)
		_ = st.Error("q001")
	}
}

package xlsform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fieldreg/registry"
)

// FuzzRead feeds Read outside bytes: it must never panic, and what it
// accepts must be forms a device can store and read back.
func FuzzRead(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join("testdata", "*.xlsx"))
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("PK\x03\x04"))
	core, err := registry.BuiltinForms()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		forms, err := Read(bytes.NewReader(data), core)
		if err != nil {
			return
		}
		for _, form := range forms {
			doc, err := json.Marshal(form)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := registry.ParseForm(doc); err != nil {
				t.Fatalf("accepted form %s does not read back: %v", form.Kind, err)
			}
		}
	})
}

// realSized is a registration extension the size of a large operation's:
// 300 questions in groups (a third with a relevant, some constraints and
// calculations), 5,000 choices of which 4,500 sites under 20 admin1 and
// 480 admin2 areas in a 3-level cascade, and a member repeat.
func realSized(t testing.TB) []byte {
	survey := sheet{{"type", "name", "label::English (en)", "label::Arabic (ar)", "required", "relevant", "constraint", "constraint_message::English (en)", "calculation", "choice_filter", "hxl"}}
	add := func(cells ...any) {
		row := make([]any, len(survey[0]))
		copy(row, cells)
		survey = append(survey, row)
	}
	add("select_one admin1", "admin1", "Governorate", "المحافظة", "yes")
	add("select_one admin2", "admin2", "District", "المنطقة", "yes", "", "", "", "", "admin1=${admin1}")
	add("select_one site", "site", "Site", "الموقع", "yes", "", "", "", "", "admin2=${admin2}", "#loc+code")
	questions := 3
	member := 0
	for g := 0; questions < 300; g++ {
		repeat := g == 10
		if repeat {
			add("begin repeat", "members", "Members", "الأفراد")
		} else {
			add("begin group", fmt.Sprintf("g%d", g), fmt.Sprintf("Group %d", g), fmt.Sprintf("مجموعة %d", g))
		}
		for i := 0; i < 20 && questions < 300; i++ {
			name := fmt.Sprintf("q%d", questions)
			label, ar := fmt.Sprintf("Question %d", questions), fmt.Sprintf("سؤال %d", questions)
			prev := fmt.Sprintf("q%d", questions-1)
			if repeat {
				member++
			}
			switch {
			case i == 0 || repeat && i == 1:
				add("integer", name, label, ar, "yes", "", ". >= 0 and . < 100", "0 to 99")
			case i%3 == 0:
				add("select_one yes_no", name, label, ar, "", "${"+prev+"} > 2")
			case i%5 == 0:
				add("calculate", name, "", "", "", "", "", "", "${"+prev+"} * 2")
			case i%7 == 0:
				add("select_multiple needs", name, label, ar, "", "", "", "", "", "", "#indicator+needs")
			default:
				add("text", name, label, ar, "", "", "string-length(.) < 200", "Too long")
			}
			questions++
		}
		if repeat {
			add("end repeat")
		} else {
			add("end group")
		}
	}
	choices := sheet{{"list_name", "name", "label::English (en)", "label::Arabic (ar)", "admin1", "admin2", "pcode"}}
	for i := 0; i < 2; i++ {
		choices = append(choices, []any{"yes_no", []string{"yes", "no"}[i], []string{"Yes", "No"}[i], []string{"نعم", "لا"}[i]})
	}
	for i := 0; i < 18; i++ {
		choices = append(choices, []any{"needs", fmt.Sprintf("need_%d", i), fmt.Sprintf("Need %d", i), fmt.Sprintf("حاجة %d", i)})
	}
	for a1 := 0; a1 < 20; a1++ {
		c1 := fmt.Sprintf("SY%02d", a1)
		choices = append(choices, []any{"admin1", c1, "Governorate " + c1, "محافظة " + c1, "", "", c1})
		for a2 := 0; a2 < 24; a2++ {
			c2 := fmt.Sprintf("%s%02d", c1, a2)
			choices = append(choices, []any{"admin2", c2, "District " + c2, "منطقة " + c2, c1, "", c2})
			for s := 0; s < 10 && (a1*24+a2)*10+s < 4480; s++ {
				c3 := fmt.Sprintf("CP%s%d", c2, s)
				choices = append(choices, []any{"site", c3, "Site " + c3, "موقع " + c3, c1, c2, c3})
			}
		}
	}
	return book{{"survey", survey}, {"choices", choices}, settings("household", "2026120101")}.xlsx(t)
}

func countChoices(forms []*registry.Form) (questions, choices int) {
	lists := map[string]bool{}
	for _, f := range forms {
		for _, d := range f.Fields {
			questions++
			if d.ListName != "" && !lists[d.ListName] {
				lists[d.ListName] = true
				choices += len(d.Choices)
			}
		}
	}
	return questions, choices
}

// The real-sized form imports in well under a second (the figure goes to
// docs/benchmarks.md); the test prints it and fails only if the form is not
// what it should be.
func TestRealSizedFormImports(t *testing.T) {
	data := realSized(t)
	start := time.Now()
	forms := read(t, data)
	took := time.Since(start)
	q, c := countChoices(forms)
	if q < 300 || c < 5000 {
		t.Fatalf("the real-sized form has %d fields and %d choices, want at least 300 and 5,000", q, c)
	}
	if _, ok := formOf(t, forms, registry.KindPerson).Field("q210"); !ok {
		t.Error("the member repeat's questions are not on the person form")
	}
	t.Logf("imported %d KiB: %d fields (core included), %d choices, in %v", len(data)>>10, q, c, took)
}

func BenchmarkReadRealSized(b *testing.B) {
	data := realSized(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Read(bytes.NewReader(data), nil); err != nil {
			b.Fatal(err)
		}
	}
}

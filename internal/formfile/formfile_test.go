package formfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fieldreg/registry"
	"fieldreg/registry/formrun"
	"fieldreg/xlsform"
)

const wash = `{"id":"wash","version":"3","kind":"wash","title":{"en":"WASH"},"fields":[{"name":"q1","type":"text","label":{"en":"Q1"}}]}`

func TestRead(t *testing.T) {
	tests := []struct {
		name, file, body string
		refs             []string
		err              error  // errors.Is
		says             string // in the message
	}{
		{"one form", "wash.json", wash, []string{"wash@3"}, nil, ""},
		{"a workbook's forms", "forms.JSON", "[" + wash + "," + strings.Replace(wash, `"kind":"wash"`, `"kind":"latrine"`, 1) + "]", []string{"wash@3", "wash@3"}, nil, ""},
		{"not JSON", "wash.json", "kind: wash", nil, registry.ErrBadForm, "wash.json"},
		{"an empty list", "wash.json", "[]", nil, registry.ErrBadForm, "empty list"},
		{"the second form bad", "wash.json", "[" + wash + `,{"kind":"x"}]`, nil, registry.ErrBadForm, "form 2 of 2"},
		{"an unknown field", "wash.json", strings.Replace(wash, `"title"`, `"colour":1,"title"`, 1), nil, registry.ErrBadForm, "colour"},
		{"another kind of file", "wash.csv", wash, nil, ErrUnknownKind, "wash.csv"},
		{"a cycle of calculations", "wash.json", strings.Replace(wash, `{"name":"q1","type":"text","label":{"en":"Q1"}}`,
			`{"name":"a","type":"calculate","calculation":"${b} + 1","label":{"en":"A"}},{"name":"b","type":"calculate","calculation":"${a} + 1","label":{"en":"B"}}`, 1),
			nil, formrun.ErrCycle, "wash@3"},
		{"a workbook that is not one", "form.xlsx", wash, nil, xlsform.ErrBadForm, "form.xlsx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.file)
			if err := os.WriteFile(path, []byte(tt.body), 0o600); err != nil {
				t.Fatal(err)
			}
			forms, err := Read(path)
			if tt.err != nil {
				if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.says) || !strings.Contains(err.Error(), tt.file) {
					t.Fatalf("got %v, want %v naming the file and %q", err, tt.err, tt.says)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var refs []string
			for _, f := range forms {
				refs = append(refs, f.Ref())
			}
			if strings.Join(refs, " ") != strings.Join(tt.refs, " ") {
				t.Errorf("refs %v, want %v", refs, tt.refs)
			}
		})
	}
	if _, err := Read(filepath.Join(t.TempDir(), "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
}

// FuzzParseJSON: a form file is outside bytes; whatever it holds, reading
// it returns forms or an error, never a panic.
func FuzzParseJSON(f *testing.F) {
	f.Add([]byte(wash))
	f.Add([]byte("[" + wash + "]"))
	f.Add([]byte("[{}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		forms, err := parseJSON(data)
		if err == nil && len(forms) == 0 {
			t.Fatal("no error and no form")
		}
	})
}

// The example XLSForms under docs/examples are what an operation starts
// from: they read as the forms they say they are.
func TestReadExamples(t *testing.T) {
	for file, want := range map[string][]string{
		"registration.xlsx": {"household", "person"},
		"assessment.xlsx":   nil,
	} {
		forms, err := Read(filepath.Join("..", "..", "docs", "examples", file))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		var kinds []string
		for _, f := range forms {
			kinds = append(kinds, f.Kind)
		}
		if want != nil && strings.Join(kinds, " ") != strings.Join(want, " ") {
			t.Errorf("%s: kinds %v, want %v", file, kinds, want)
		}
		if len(forms) == 0 {
			t.Errorf("%s: no forms", file)
		}
	}
}

package registry

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fieldreg/assets/i18n"
)

// Every rule code the package defines has a message in the catalogue, in
// every language a form speaks. The codes are read from the source, so a
// rule added tomorrow without its message fails here, not on a user's screen.
func TestEveryRuleHasAMessage(t *testing.T) {
	c := i18n.Builtin()
	for _, lang := range Languages {
		if !c.Speaks(lang) {
			t.Errorf("the catalogue has no %s messages", lang)
		}
	}
	rules := ruleCodes(t)
	if len(rules) < 15 {
		t.Fatalf("found only %d rule codes in the source: %v", len(rules), rules)
	}
	for name, code := range rules {
		if !c.Has(ruleKey(code)) {
			t.Errorf("%s (%q) has no message %q in assets/i18n", name, code, ruleKey(code))
			continue
		}
		en := (FieldError{Rule: code}).Message("en")
		for _, lang := range Languages[1:] {
			if m := (FieldError{Rule: code}).Message(lang); m == en {
				t.Errorf("%s in %s is the English %q", name, lang, m)
			}
		}
	}
}

// ruleCodes returns the string constants named Rule… in the package's
// non-test files.
func ruleCodes(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	codes := make(map[string]string)
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if !strings.HasPrefix(name.Name, "Rule") || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						code, err := strconv.Unquote(lit.Value)
						if err != nil {
							t.Fatal(err)
						}
						codes[name.Name] = code
					}
				}
			}
		}
	}
	return codes
}

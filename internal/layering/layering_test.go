// Package layering holds the test that keeps the packages on their floors
// (docs/design.md, "Layout"): each floor imports only the floors below it.
package layering

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const module = "fieldreg"

// imports lists every package of the module with the module packages it
// imports, directly or not.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps=false", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, module+"/...")
	cmd.Dir = root(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	deps := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		deps[f[0]] = f[1:]
	}
	return deps
}

func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func under(pkg string, prefixes ...string) bool {
	for _, p := range prefixes {
		p = module + "/" + p
		if pkg == p || strings.HasPrefix(pkg, p+"/") {
			return true
		}
	}
	return false
}

// The ground floors — the change package, the domain, the store and the
// codecs — know nothing of sync, HQ or the screens above them.
func TestLowerFloorsImportNoUpperFloor(t *testing.T) {
	for pkg, deps := range imports(t) {
		if !under(pkg, "change", "registry", "store", "exchange") {
			continue
		}
		for _, d := range deps {
			if under(d, "sync", "hq", "app", "cmd", "ops", "internal") {
				t.Errorf("%s imports %s, a floor above it", pkg, d)
			}
		}
	}
}

// Only the field app and its main package link Fyne: the CLIs and HQ build
// without cgo everywhere.
func TestOnlyTheAppImportsFyne(t *testing.T) {
	for pkg, deps := range imports(t) {
		if pkg == module || under(pkg, "app") {
			continue
		}
		for _, d := range deps {
			if strings.HasPrefix(d, "fyne.io/") {
				t.Errorf("%s links %s", pkg, d)
				break
			}
		}
	}
}

// The front ends write through the rules below them: no system field
// literal, so no merge, delete or head rule of their own.
func TestFrontEndsSpellNoSystemField(t *testing.T) {
	literal := regexp.MustCompile(`"_(deleted|merged_into|not_duplicate)"`)
	for _, dir := range []string{"app", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root(t), dir), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for i, line := range bytes.Split(src, []byte("\n")) {
				if m := literal.Find(line); m != nil {
					t.Errorf("%s:%d spells %s: use the registry's constant and the ops package", path, i+1, m)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

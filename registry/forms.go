package registry

import (
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sync"

	"fieldreg/assets"
)

// Forms is a set of form schemas, one per record kind. It is read-only once
// made, so one value may be shared by every goroutine.
type Forms struct {
	byKind map[string]*Form
}

// NewForms makes a set from forms of distinct kinds.
func NewForms(forms ...*Form) (*Forms, error) {
	fs := &Forms{byKind: make(map[string]*Form, len(forms))}
	for _, f := range forms {
		if err := f.check(); err != nil {
			return nil, err
		}
		if _, dup := fs.byKind[f.Kind]; dup {
			return nil, fmt.Errorf("%w: kind %q defined twice", ErrBadForm, f.Kind)
		}
		fs.byKind[f.Kind] = f
	}
	return fs, nil
}

var builtin struct {
	once  sync.Once
	forms *Forms
	err   error
}

// BuiltinForms returns the forms embedded in the binary (assets/forms):
// household, person and assessment. They are parsed once; every caller gets
// the same read-only set.
func BuiltinForms() (*Forms, error) {
	builtin.once.Do(func() { builtin.forms, builtin.err = LoadForms(assets.Forms, "forms") })
	return builtin.forms, builtin.err
}

// LoadForms parses every *.json file in dir of fsys as a form schema: how a
// deployment supplies its own forms (its site list, its assessment) from a
// directory, os.DirFS(path).
func LoadForms(fsys fs.FS, dir string) (*Forms, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("list forms: %w", err)
	}
	var forms []*Form
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read form %s: %w", name, err)
		}
		f, err := ParseForm(data)
		if err != nil {
			return nil, fmt.Errorf("form %s: %w", name, err)
		}
		forms = append(forms, f)
	}
	return NewForms(forms...)
}

// Form returns the form of a kind.
func (fs *Forms) Form(kind string) (*Form, bool) {
	f, ok := fs.byKind[kind]
	return f, ok
}

// Kinds returns the kinds the set has a form for, sorted.
func (fs *Forms) Kinds() []string { return slices.Sorted(maps.Keys(fs.byKind)) }

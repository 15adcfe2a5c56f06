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

// Forms is a set of form schemas: every version of every record kind's
// form. The current form of a kind is its last version added. A set is
// read-only once made, so one value may be shared by every goroutine; Add
// makes a new one.
type Forms struct {
	current  map[string]*Form  // kind → its last version added
	versions map[formKey]*Form // every version
	order    []*Form           // every version, in the order added
}

// formKey names one form: one kind of one version. A workbook's forms
// share a ref, one per kind.
type formKey struct{ ref, kind string }

// NewForms makes a set from forms, later ones the newer versions of their
// kind. The same version of a kind may not be given twice.
func NewForms(forms ...*Form) (*Forms, error) {
	return (&Forms{}).Add(forms...)
}

// Add returns a new set holding fs's forms and then forms, which become the
// current ones of their kinds. fs is unchanged. A form whose version of its
// kind is already held is refused: a published version never changes.
func (fs *Forms) Add(forms ...*Form) (*Forms, error) {
	if fs == nil {
		fs = &Forms{}
	}
	out := &Forms{
		current:  make(map[string]*Form, len(fs.current)+len(forms)),
		versions: make(map[formKey]*Form, len(fs.versions)+len(forms)),
		order:    make([]*Form, 0, len(fs.order)+len(forms)),
	}
	maps.Copy(out.current, fs.current)
	maps.Copy(out.versions, fs.versions)
	out.order = append(out.order, fs.order...)
	for _, f := range forms {
		if err := f.check(); err != nil {
			return nil, err
		}
		k := formKey{f.Ref(), f.Kind}
		if _, dup := out.versions[k]; dup {
			return nil, fmt.Errorf("%w: kind %q of form %s defined twice", ErrBadForm, f.Kind, k.ref)
		}
		out.versions[k] = f
		out.current[f.Kind] = f
		out.order = append(out.order, f)
	}
	return out, nil
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

// Form returns the current form of a kind: its last version added.
func (fs *Forms) Form(kind string) (*Form, bool) {
	f, ok := fs.current[kind]
	return f, ok
}

// CurrentRef returns the ref of kind's current form, "" when the set has
// none: what a change written here records (store.Options.FormRef).
func (fs *Forms) CurrentRef(kind string) string {
	if f, ok := fs.current[kind]; ok {
		return f.Ref()
	}
	return ""
}

// Version returns the form of kind in the version ref names. The empty ref
// is a change's from before forms were versioned: the kind's first version
// (LegacyRef).
func (fs *Forms) Version(ref, kind string) (*Form, bool) {
	if ref == "" {
		ref = LegacyRef(kind)
	}
	f, ok := fs.versions[formKey{ref, kind}]
	return f, ok
}

// Refs returns the ref of every version the set holds, each once, in the
// order first added.
func (fs *Forms) Refs() []string {
	var refs []string
	seen := make(map[string]bool)
	for _, f := range fs.order {
		if r := f.Ref(); !seen[r] {
			seen[r] = true
			refs = append(refs, r)
		}
	}
	return refs
}

// All returns every form the set holds, every kind of every version, in the
// order added.
func (fs *Forms) All() []*Form { return slices.Clone(fs.order) }

// Kinds returns the kinds the set has a form for, sorted.
func (fs *Forms) Kinds() []string { return slices.Sorted(maps.Keys(fs.current)) }

package store

import (
	"fmt"
	"sync/atomic"
	"time"

	"fieldreg/change"
	"fieldreg/registry"
)

// AddFormDocs returns base (the built-in forms) with the stored form
// versions added in publish order, the later of a kind its current form:
// every binary's forms. A doc that does not parse, or whose JSON names
// another version or kind than it is stored under, is an error naming it.
func AddFormDocs(base *registry.Forms, docs []FormDoc) (*registry.Forms, error) {
	forms := make([]*registry.Form, 0, len(docs))
	for _, d := range docs {
		f, err := registry.ParseForm(d.JSON)
		if err != nil {
			return nil, fmt.Errorf("stored form %s (%s): %w", d.Ref, d.Kind, err)
		}
		if f.Ref() != d.Ref || f.Kind != d.Kind {
			return nil, fmt.Errorf("%w: stored form %s (%s) describes %s (%s)", registry.ErrBadForm, d.Ref, d.Kind, f.Ref(), f.Kind)
		}
		forms = append(forms, f)
	}
	out, err := base.Add(forms...)
	if err != nil {
		return nil, fmt.Errorf("stored forms: %w", err)
	}
	return out, nil
}

// FormSet is the forms a workspace is validated with while it is open: the
// built-ins and the versions stored in it. A workspace's options are made
// before it opens, and sync stores new versions while it is open, so the
// set is read at each validation; given in Options.Forms, the store
// reloads it at unlock and whenever it stores forms. Safe for concurrent
// use.
type FormSet struct {
	base *registry.Forms
	cur  atomic.Pointer[registry.Forms]
	err  atomic.Pointer[error]
}

// NewFormSet starts a set with the built-in forms only.
func NewFormSet(base *registry.Forms) *FormSet {
	s := &FormSet{base: base}
	s.cur.Store(base)
	return s
}

// Forms returns the current set of forms.
func (s *FormSet) Forms() *registry.Forms { return s.cur.Load() }

// Err is why the stored forms could not be loaded the last time they were
// (a damaged or unreadable form), nil when they were: the set then holds
// what it held before, at least the built-ins.
func (s *FormSet) Err() error {
	if p := s.err.Load(); p != nil {
		return *p
	}
	return nil
}

func (s *FormSet) setErr(err error) {
	if err == nil {
		s.err.Store(nil)
	} else {
		s.err.Store(&err)
	}
}

// Load makes the set the built-ins plus docs: for a store that does not
// keep the set itself (Options.Forms).
func (s *FormSet) Load(docs []FormDoc) error {
	forms, err := s.with(docs)
	if err != nil {
		s.setErr(err)
		return err
	}
	s.cur.Store(forms)
	s.setErr(nil)
	return nil
}

// with returns the built-ins plus docs.
func (s *FormSet) with(docs []FormDoc) (*registry.Forms, error) {
	return AddFormDocs(s.base, docs)
}

// ChangeValidator checks a received change against the version it names,
// among the forms current when it runs: what Options.ValidateChange takes
// (registry.Forms.ChangeValidator). A version the set does not hold is
// refused with registry.ErrUnknownFormVersion (a device wraps it in
// registry.AcceptUnknownVersions).
func (s *FormSet) ChangeValidator(now func() time.Time) func(change.Change) error {
	return registry.ChangeValidatorOf(s.Forms, now)
}

// CurrentRef is the ref of the current form of kind: what Options.FormRef
// takes.
func (s *FormSet) CurrentRef(kind string) string { return s.Forms().CurrentRef(kind) }

// Validator validates a record against the forms current when it runs: what
// Options.Validate takes.
func (s *FormSet) Validator(now func() time.Time) func(registry.Record) error {
	return func(r registry.Record) error { return s.cur.Load().Validate(r, now()) }
}

// WrittenValidator validates a record a commit wrote, its written fields in
// full and the rest for presence, against the forms current when it runs:
// what Options.ValidateWritten takes.
func (s *FormSet) WrittenValidator(now func() time.Time) func(registry.Record, []string) error {
	return func(r registry.Record, written []string) error {
		return s.cur.Load().ValidateWritten(r, written, now())
	}
}

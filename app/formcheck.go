package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"github.com/google/uuid"

	"fieldreg/registry"
)

// wireEntry makes Enter move on to the next input, scrolls an input into
// view when it gets the focus, and checks a field when the enumerator
// leaves it.
func (v *formView) wireEntry(in *fieldInput, e *fieldEntry) {
	if !e.MultiLine {
		e.OnSubmitted = func(string) { v.u.win.Canvas().FocusNext() }
	}
	e.arrived = func() {
		if v.focused != nil {
			v.focused(in)
		}
	}
	e.left = func() {
		// A birth date is left for its age box beside it: it is judged
		// when one of the two holds something, or at Next.
		if in.age == nil || in.value() != "" || in.age.Text != "" {
			v.left[in.def.Name] = true
		}
		v.showFieldError(in)
	}
}

// showFieldError shows (or clears) the message of one field only, once the
// enumerator has left it: the others are not their business yet. The
// message is the form's own (required_message, constraint_message) when it
// has one.
func (v *formView) showFieldError(in *fieldInput) {
	name := in.def.Name
	if !v.left[name] && !in.errors.Visible() {
		return // not yet left: no red before typing
	}
	vals, refused := v.valuesAndAge()
	msg := ""
	switch {
	case refused != nil && refused.Field == name:
		msg = v.u.fieldMessage(*refused)
	case v.st != nil:
		if fe := v.st.Error(name); fe != nil {
			msg = v.u.fieldMessage(*fe)
		}
	default:
		if errs, ok := registry.AsValidation(v.u.forms.ValidateValues(v.form.Kind, uuid.Nil, vals, v.u.cfg.Now())); ok {
			for _, fe := range errs {
				if fe.Field == name {
					msg = v.u.fieldMessage(fe)
					break
				}
			}
		}
	}
	setError(in.errors, msg)
}

// fieldMessage is a field's message in the user's language; a value of the
// wrong type says the format expected, with an example.
func (u *UI) fieldMessage(fe registry.FieldError) string {
	if fe.Rule == registry.RuleType && len(fe.Params) > 0 {
		key := "form.format." + fe.Params[0]
		if t := u.tr.T(key); t != key {
			return t
		}
	}
	return u.tr.bidi(fe.Message(u.tr.lang))
}

// firstError is the first input, in form order, showing a message.
func (v *formView) firstError() *fieldInput {
	for _, in := range v.inputs {
		if in.errors.Visible() {
			return in
		}
	}
	return nil
}

// object is the input's widget on screen.
func (in *fieldInput) object() fyne.CanvasObject {
	switch {
	case in.entry != nil:
		return in.entry
	case in.slot != nil:
		return in.slot
	case in.check != nil:
		return in.check
	}
	return in.checks
}

// showFirstError scrolls the first field with a message into view and puts
// the keyboard there when it takes text.
func (v *formView) showFirstError(s *container.Scroll) {
	in := v.firstError()
	if in == nil || s == nil {
		return
	}
	scrollTo(s, in.object())
	if in.entry != nil {
		v.u.win.Canvas().Focus(in.entry)
	}
}

// scrollTo scrolls s so that o is in view, with the line above it (its
// label) too.
func scrollTo(s *container.Scroll, o fyne.CanvasObject) {
	pos, ok := positionIn(s.Content, o)
	if !ok || s.Size().Height == 0 {
		return // not laid out yet: nothing to follow
	}
	top := pos.Y - o.Size().Height - theme.Padding()
	if top < 0 {
		top = 0
	}
	view := s.Size().Height
	if pos.Y >= s.Offset.Y && pos.Y+o.Size().Height <= s.Offset.Y+view {
		return // already in view
	}
	s.ScrollToOffset(fyne.NewPos(s.Offset.X, top))
}

// positionIn is where o sits inside root, found through containers.
func positionIn(root, o fyne.CanvasObject) (fyne.Position, bool) {
	if root == o {
		return fyne.NewPos(0, 0), true
	}
	c, ok := root.(*fyne.Container)
	if !ok {
		return fyne.Position{}, false
	}
	for _, child := range c.Objects {
		if p, ok := positionIn(child, o); ok {
			return child.Position().Add(p), true
		}
	}
	return fyne.Position{}, false
}

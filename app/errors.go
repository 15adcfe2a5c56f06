package app

import (
	"errors"

	"fyne.io/fyne/v2/dialog"

	"fieldreg/registry"
	"fieldreg/store"
)

// plainError says what went wrong and what to do, in the user's language.
// The error's own text is English and technical; it goes to the log only.
func (u *UI) plainError(err error) string {
	var verr *registry.ValidationError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &verr):
		return u.validationText(verr)
	case errors.Is(err, store.ErrWrongPassphrase):
		return u.tr.T("error.wrong_passphrase")
	case errors.Is(err, store.ErrInUse):
		return u.tr.T("error.in_use")
	case errors.Is(err, store.ErrLocked):
		return u.tr.T("error.locked")
	case errors.Is(err, store.ErrCorrupt):
		return u.tr.T("error.corrupt")
	case errors.Is(err, store.ErrTooLarge):
		return u.tr.T("error.too_large")
	case errors.Is(err, store.ErrForbidden):
		return u.tr.T("error.forbidden")
	case errors.Is(err, store.ErrNotFound):
		return u.tr.T("error.not_found")
	}
	return u.tr.T("error.unexpected")
}

// validationText lists every problem, one a line, in the user's language.
func (u *UI) validationText(verr *registry.ValidationError) string {
	s := ""
	for i, fe := range verr.Errors {
		if i > 0 {
			s += "\n"
		}
		if fe.Rule == registry.RuleOneHead {
			s += u.fieldMessage(fe) // about the household, not the field it counts
			continue
		}
		s += u.fieldLabel(fe.Kind, fe.Field) + ": " + u.fieldMessage(fe)
	}
	return s
}

// fieldLabel is a field's label from its form, or its name.
func (u *UI) fieldLabel(kind, field string) string {
	if u.forms != nil {
		if f, ok := u.forms.Form(kind); ok {
			if d, ok := f.Field(field); ok {
				return d.Label.In(u.tr.lang)
			}
		}
	}
	return field
}

// showMessage tells the user something in a dialog closed with "OK" in
// their language.
func (u *UI) showMessage(title, msg string) {
	d := dialog.NewInformation(title, msg, u.win)
	d.SetDismissText(u.tr.T("dialog.ok"))
	d.Show()
}

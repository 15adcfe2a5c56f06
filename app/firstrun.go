package app

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fieldreg/store"
)

// firstRunScreen creates the workspace: the administrator's name and
// passphrase, the language, and optionally the HQ enrollment code.
type firstRunScreen struct {
	u        *UI
	content  fyne.CanvasObject
	language *choiceSelect
	admin    *widget.Entry
	pass     *widget.Entry
	repeat   *widget.Entry
	strength *widget.Label
	code     *widget.Entry
	create   *widget.Button
	message  *widget.Label
	working  *widget.ProgressBarInfinite
}

func newFirstRunScreen(u *UI) *firstRunScreen {
	s := &firstRunScreen{u: u}
	s.language = u.languageSelect()
	s.admin = widget.NewEntry()
	s.admin.SetPlaceHolder(u.tr.T("firstrun.admin_placeholder"))
	s.pass = widget.NewPasswordEntry()
	s.repeat = widget.NewPasswordEntry()
	s.strength = u.text(u.tr.T("passphrase.hint"))
	s.strength.Importance = widget.MediumImportance
	s.pass.OnChanged = func(p string) {
		u.touch()
		s.strength.SetText(u.tr.T(passphraseStrength(p).key()))
	}
	s.code = widget.NewMultiLineEntry()
	s.code.SetPlaceHolder(u.tr.T("firstrun.code_placeholder"))
	s.code.SetMinRowsVisible(2)
	s.code.Wrapping = fyne.TextWrapBreak
	s.create = u.button(u.tr.T("firstrun.create"), theme.ConfirmIcon(), s.submit)
	s.create.Importance = widget.HighImportance
	s.message = u.errorText()
	s.working = widget.NewProgressBarInfinite()
	s.working.Stop()
	s.working.Hide()

	s.content = centered(container.NewVBox(
		u.heading(u.tr.T("firstrun.title")),
		u.text(u.tr.T("firstrun.intro")),
		u.form(
			widget.NewFormItem(u.tr.T("settings.language"), s.language),
			widget.NewFormItem(u.tr.T("firstrun.admin"), s.admin),
			widget.NewFormItem(u.tr.T("unlock.passphrase"), s.pass),
			widget.NewFormItem("", newHintHeight(s.strength, u.passphraseHints()...)),
			widget.NewFormItem(u.tr.T("firstrun.repeat"), s.repeat),
			widget.NewFormItem(u.tr.T("firstrun.code"), s.code),
		),
		s.create,
		s.working,
		s.message,
	))
	return s
}

func (s *firstRunScreen) submit() {
	u := s.u
	admin := strings.TrimSpace(s.admin.Text)
	switch {
	case admin == "":
		setError(s.message, u.tr.T("firstrun.need_admin"))
		return
	case passphraseStrength(s.pass.Text) == strengthTooShort:
		setError(s.message, u.tr.T("passphrase.too_short"))
		return
	case s.pass.Text != s.repeat.Text:
		setError(s.message, u.tr.T("firstrun.mismatch"))
		return
	}
	pass := []byte(s.pass.Text)
	code := strings.TrimSpace(s.code.Text)
	setError(s.message, "")
	s.create.Disable()
	s.working.Show()
	s.working.Start()
	u.background(func() func() {
		dups, r := newIndexes(u.cfg.Now)
		ws, err := store.Create(u.cfg.Dir, admin, pass, u.storeOptions())
		clear(pass)
		var enrollErr error
		if err == nil && code != "" {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			_, enrollErr = u.cfg.Sync.Enroll(ctx, ws, code)
			cancel()
		}
		return func() {
			s.create.Enable()
			s.working.Stop()
			s.working.Hide()
			if err != nil {
				setError(s.message, u.plainError(err))
				return
			}
			s.pass.SetText("")
			s.repeat.SetText("")
			u.opened(ws, dups, r)
			if enrollErr != nil {
				u.showMessage(u.tr.T("sync.enroll_failed"), u.tr.T(u.cfg.Sync.ExplainKey(enrollErr)))
			}
		}
	})
}

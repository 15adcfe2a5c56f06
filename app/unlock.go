package app

import (
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fieldreg/registry"
	"fieldreg/registry/match"
	"fieldreg/store"
)

// unlockScreen asks for a user name and passphrase.
type unlockScreen struct {
	u        *UI
	content  fyne.CanvasObject
	language *choiceSelect
	user     *widget.Entry
	pass     *widget.Entry
	unlock   *widget.Button
	message  *widget.Label
	working  *widget.ProgressBarInfinite
}

func newUnlockScreen(u *UI) *unlockScreen {
	s := &unlockScreen{u: u}
	s.language = u.languageSelect()
	s.user = widget.NewEntry()
	s.user.SetPlaceHolder(u.tr.T("unlock.user"))
	s.user.SetText(u.app.Preferences().String(prefLastUser))
	s.pass = widget.NewPasswordEntry()
	s.pass.SetPlaceHolder(u.tr.T("unlock.passphrase"))
	s.pass.OnSubmitted = func(string) { s.submit() }
	s.unlock = u.button(u.tr.T("unlock.button"), theme.LoginIcon(), s.submit)
	s.unlock.Importance = widget.HighImportance
	s.message = u.errorText()
	s.working = widget.NewProgressBarInfinite()
	s.working.Stop()
	s.working.Hide()

	form := container.NewVBox(
		u.heading(u.tr.T("app.title")),
		u.text(u.tr.T("unlock.intro")),
		u.form(
			widget.NewFormItem(u.tr.T("settings.language"), s.language),
			widget.NewFormItem(u.tr.T("unlock.user"), s.user),
			widget.NewFormItem(u.tr.T("unlock.passphrase"), s.pass),
		),
		s.unlock,
		s.working,
		s.message,
	)
	s.content = centered(form)
	return s
}

// submit tries the passphrase, unless recent failures ask for a wait.
func (s *unlockScreen) submit() {
	u := s.u
	if wait := s.waitLeft(); wait > 0 {
		setError(s.message, u.tr.T("unlock.wait", int(wait.Round(time.Second)/time.Second)))
		return
	}
	user := strings.TrimSpace(s.user.Text)
	pass := []byte(s.pass.Text)
	if user == "" || len(pass) == 0 {
		setError(s.message, u.tr.T("unlock.missing"))
		return
	}
	s.busy(true)
	setError(s.message, "")
	u.background(func() func() {
		dups, r := newIndexes(u.cfg.Now)
		ws, err := store.Open(u.cfg.Dir, user, pass, u.storeOptions())
		clear(pass)
		return func() {
			s.busy(false)
			if err != nil {
				s.failed(err)
				return
			}
			s.pass.SetText("")
			u.app.Preferences().SetInt(prefFailures, 0)
			u.opened(ws, dups, r)
		}
	})
}

func (s *unlockScreen) failed(err error) {
	u := s.u
	if !errors.Is(err, store.ErrWrongPassphrase) {
		setError(s.message, u.plainError(err))
		return
	}
	n := u.app.Preferences().Int(prefFailures) + 1
	u.app.Preferences().SetInt(prefFailures, n)
	u.app.Preferences().SetString(prefFailedAt, u.cfg.Now().UTC().Format(time.RFC3339))
	msg := u.tr.T("error.wrong_passphrase")
	if d := unlockDelay(n); d > 0 {
		msg += "\n" + u.tr.T("unlock.wait", int(d/time.Second))
	}
	setError(s.message, msg)
	s.pass.SetText("")
}

// waitLeft is how long the user must still wait before the next try. The
// failure count survives a restart of the app, so restarting does not help
// a guesser.
func (s *unlockScreen) waitLeft() time.Duration {
	p := s.u.app.Preferences()
	d := unlockDelay(p.Int(prefFailures))
	if d == 0 {
		return 0
	}
	at, err := time.Parse(time.RFC3339, p.String(prefFailedAt))
	if err != nil {
		return 0
	}
	return at.Add(d).Sub(s.u.cfg.Now())
}

func (s *unlockScreen) busy(on bool) {
	if on {
		s.unlock.Disable()
		s.working.Show()
		s.working.Start()
		return
	}
	s.unlock.Enable()
	s.working.Stop()
	s.working.Hide()
}

// newIndexes makes the in-memory indexes the app keeps beside the store's own.
func newIndexes(now func() time.Time) (*match.RecordIndex, *roster) {
	return match.NewRecordIndex(match.DefaultConfig()), newRoster(now)
}

// storeOptions are the options every Create and Open of the app uses. They
// hold no indexer: any would make unlock decode every record whole. The
// roster and the duplicate index are attached once the home screen shows
// (attachRoster, attachDuplicates).
func (u *UI) storeOptions() store.Options {
	opts := store.Options{KDF: u.cfg.KDF, Now: u.cfg.Now}
	if u.formSet != nil {
		opts.Forms, opts.Validate = u.formSet, u.formSet.Validator(u.cfg.Now)
		opts.ValidateChange = registry.AcceptUnknownVersions(u.formSet.ChangeValidator(u.cfg.Now))
		opts.ValidateWritten = u.formSet.WrittenValidator(u.cfg.Now)
		opts.FormRef = u.formSet.CurrentRef
	}
	return opts
}

// languageSelect lets the user pick the interface language, each named in
// its own script.
func (u *UI) languageSelect() *choiceSelect {
	codes := []string{"en", "fr", "es", "ar"}
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = languageNames[c]
	}
	sel := newChoiceSelect(u.win, names, nil)
	sel.SetSelected(languageNames[u.tr.lang])
	sel.OnChanged = func(name string) {
		for _, c := range codes {
			if languageNames[c] == name {
				u.touch()
				u.setLanguage(c)
			}
		}
	}
	return sel
}

// centered keeps a small form readable on a wide screen and usable on a
// narrow one: at most 560 dp wide, centred, scrolling when tall.
func centered(o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVScroll(container.New(&maxWidthLayout{max: 560}, o))
}

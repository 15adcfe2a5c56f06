package app

import (
	"context"
	"fmt"

	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fieldreg/store"
)

var autoLockChoices = []int{1, 2, 5, 10, 15, 30}

// settingsScreen: language, auto-lock, passphrase, users (admins), HQ
// enrollment, lock now, and wiping the device.
type settingsScreen struct {
	u       *UI
	content fyne.CanvasObject

	language *choiceSelect
	theme    *choiceSelect
	autoLock *choiceSelect
	syncLock *choiceSelect

	newPass, repeatPass *widget.Entry
	passStrength        *widget.Label
	changePass          *widget.Button
	passMessage         *widget.Label

	users      *fyne.Container
	userName   *widget.Entry
	userRole   *choiceSelect
	userPass   *widget.Entry
	addUser    *widget.Button
	userMsg    *widget.Label
	enrollInfo *widget.Label
	enrollCode *widget.Entry
	enroll     *widget.Button

	lockNow *widget.Button
	wipe    *widget.Button
}

func newSettingsScreen(u *UI) *settingsScreen {
	s := &settingsScreen{u: u}
	s.language = u.languageSelect()

	var minutes []string
	for _, m := range autoLockChoices {
		minutes = append(minutes, u.tr.N("settings.minutes", m))
	}
	s.autoLock = newChoiceSelect(u.win, minutes, func(string) {
		u.touch()
		if i := s.autoLock.SelectedIndex(); i >= 0 {
			u.app.Preferences().SetInt(prefAutoLockMin, autoLockChoices[i])
		}
	})
	current := u.app.Preferences().IntWithFallback(prefAutoLockMin, defaultAutoLockMinutes)
	for i, m := range autoLockChoices {
		if m == current {
			s.autoLock.SetSelectedIndex(i)
		}
	}

	s.syncLock = s.syncLockSelect()
	s.theme = s.themeSelect()

	s.newPass, s.repeatPass = widget.NewPasswordEntry(), widget.NewPasswordEntry()
	s.passStrength = u.text(u.tr.T("passphrase.hint"))
	s.passStrength.Importance = widget.MediumImportance
	s.newPass.OnChanged = func(p string) { s.passStrength.SetText(u.tr.T(passphraseStrength(p).key())) }
	s.changePass = u.button(u.tr.T("settings.change_passphrase"), theme.ConfirmIcon(), s.setPassphrase)
	s.passMessage = u.text("")

	general := widget.NewCard(u.tr.T("settings.general"), "", u.form(
		widget.NewFormItem(u.tr.T("settings.language"), s.language),
		widget.NewFormItem(u.tr.T("settings.theme"), s.theme),
		widget.NewFormItem(u.tr.T("settings.autolock"), s.autoLock),
		widget.NewFormItem(u.tr.T("settings.sync_lock"), s.syncLock),
	))
	passphrase := widget.NewCard(u.tr.T("settings.passphrase_title", u.ws.User()), "", container.NewVBox(
		u.form(
			widget.NewFormItem(u.tr.T("settings.new_passphrase"), s.newPass),
			widget.NewFormItem("", newHintHeight(s.passStrength, u.passphraseHints()...)),
			widget.NewFormItem(u.tr.T("firstrun.repeat"), s.repeatPass),
		),
		s.changePass, s.passMessage,
	))
	cards := []fyne.CanvasObject{general, passphrase}
	if u.ws.Role().MayManageUsers() {
		cards = append(cards, s.usersCard())
	}
	cards = append(cards, s.enrollCard())

	s.lockNow = u.button(u.tr.T("settings.lock_now"), theme.LogoutIcon(), u.lock)
	s.wipe = u.button(u.tr.T("settings.wipe"), theme.DeleteIcon(), u.confirmWipe)
	s.wipe.Importance = widget.DangerImportance
	if !u.ws.Role().MaySupervise() {
		s.wipe.Disable() // the store refuses an enumerator's wipe; HQ's order still erases
	}
	device := widget.NewCard(u.tr.T("settings.device"), u.tr.T("settings.wipe_hint"), u.row(s.lockNow, s.wipe))
	cards = append(cards, device)

	s.content = container.NewVScroll(container.NewPadded(container.New(&responsiveGrid{minCell: 520, rtl: u.tr.rtl()}, cards...)))
	return s
}

// themeSelect picks light, dark, the system's choice or the high-contrast
// theme for the sun; Fyne redraws every screen in it at once.
func (s *settingsScreen) themeSelect() *choiceSelect {
	u := s.u
	names := make([]string, len(themeModes))
	for i, m := range themeModes {
		key := "settings.theme_" + m
		names[i] = u.tr.T(key)
	}
	sel := newChoiceSelect(u.win, names, nil)
	current := u.app.Preferences().StringWithFallback(prefTheme, themeSystem)
	for i, m := range themeModes {
		if m == current {
			sel.SetSelectedIndex(i)
		}
	}
	sel.OnChanged = func(string) {
		u.touch()
		if i := sel.SelectedIndex(); i >= 0 {
			u.app.Preferences().SetString(prefTheme, themeModes[i])
			u.app.Settings().SetTheme(fieldTheme{mode: themeModes[i]})
		}
	}
	return sel
}

// syncLockSelect sets how many days without reaching HQ the device allows
// before it only offers to sync. Only an admin may change it: it is what
// makes a lost device stop being useful.
func (s *settingsScreen) syncLockSelect() *choiceSelect {
	u := s.u
	var days []string
	for _, d := range syncLockChoices {
		days = append(days, u.tr.N("settings.days", d))
	}
	sel := newChoiceSelect(u.win, days, nil)
	current := u.syncLockDays()
	for i, d := range syncLockChoices {
		if d == current {
			sel.SetSelectedIndex(i)
		}
	}
	sel.OnChanged = func(string) {
		u.touch()
		if i := sel.SelectedIndex(); i >= 0 {
			if err := u.ws.SetSyncLock(syncLockChoices[i]); err != nil {
				u.showError("settings.sync_lock", err)
			}
		}
	}
	if u.ws.Role() != store.RoleAdmin {
		sel.Disable()
	}
	return sel
}

func (s *settingsScreen) setPassphrase() {
	u := s.u
	switch {
	case passphraseStrength(s.newPass.Text) == strengthTooShort:
		s.passMessage.SetText(u.tr.T("passphrase.too_short"))
		return
	case s.newPass.Text != s.repeatPass.Text:
		s.passMessage.SetText(u.tr.T("firstrun.mismatch"))
		return
	}
	pass := []byte(s.newPass.Text)
	ws := u.ws
	s.changePass.Disable()
	u.background(func() func() {
		err := ws.SetPassphrase(ws.User(), pass)
		clear(pass)
		return func() {
			s.changePass.Enable()
			if err != nil {
				s.passMessage.SetText(u.plainError(err))
				return
			}
			s.newPass.SetText("")
			s.repeatPass.SetText("")
			s.passMessage.SetText(u.tr.T("settings.passphrase_changed"))
		}
	})
}

// usersCard lets an admin add and remove users.
func (s *settingsScreen) usersCard() fyne.CanvasObject {
	u := s.u
	s.users = container.NewVBox()
	s.userName = widget.NewEntry()
	roles := []store.Role{store.RoleEnumerator, store.RoleSupervisor, store.RoleAdmin}
	var roleNames []string
	for _, r := range roles {
		roleNames = append(roleNames, u.tr.T("role."+string(r)))
	}
	s.userRole = newChoiceSelect(u.win, roleNames, nil)
	s.userRole.SetSelectedIndex(0)
	s.userPass = widget.NewPasswordEntry()
	s.userMsg = u.text("")
	s.addUser = u.button(u.tr.T("settings.add_user"), theme.ContentAddIcon(), func() {
		name := strings.TrimSpace(s.userName.Text)
		if name == "" {
			s.userMsg.SetText(u.tr.T("firstrun.need_admin"))
			return
		}
		if passphraseStrength(s.userPass.Text) == strengthTooShort {
			s.userMsg.SetText(u.tr.T("passphrase.too_short"))
			return
		}
		role := roles[max(0, s.userRole.SelectedIndex())]
		pass := []byte(s.userPass.Text)
		ws := u.ws
		s.addUser.Disable()
		u.background(func() func() {
			err := ws.AddUser(name, role, pass)
			clear(pass)
			return func() {
				s.addUser.Enable()
				if err != nil {
					s.userMsg.SetText(u.plainError(err))
					return
				}
				s.userName.SetText("")
				s.userPass.SetText("")
				s.userMsg.SetText(u.tr.T("settings.user_added", name))
				s.listUsers()
			}
		})
	})
	s.listUsers()
	return widget.NewCard(u.tr.T("settings.users"), "", container.NewVBox(
		s.users,
		u.form(
			widget.NewFormItem(u.tr.T("unlock.user"), s.userName),
			widget.NewFormItem(u.tr.T("settings.role"), s.userRole),
			widget.NewFormItem(u.tr.T("unlock.passphrase"), s.userPass),
		),
		s.addUser, s.userMsg,
	))
}

func (s *settingsScreen) listUsers() {
	u := s.u
	s.users.RemoveAll()
	for _, usr := range u.ws.Users() {
		usr := usr
		line := u.text(fmt.Sprintf("%s — %s", usr.Name, u.tr.T("role."+string(usr.Role))))
		if usr.Name == u.ws.User() {
			s.users.Add(line)
			continue
		}
		remove := u.button(u.tr.T("register.remove"), theme.DeleteIcon(), func() {
			u.confirm(u.tr.T("settings.remove_user"), u.tr.T("settings.remove_user_confirm", usr.Name), func() {
				if err := u.ws.RemoveUser(usr.Name); err != nil {
					s.userMsg.SetText(u.plainError(err))
				}
				s.listUsers()
			})
		})
		s.users.Add(u.withAction(remove, line))
	}
}

// enrollCard shows this device's HQ enrollment, or takes a code.
func (s *settingsScreen) enrollCard() fyne.CanvasObject {
	u := s.u
	s.enrollInfo = u.text("")
	s.enrollCode = widget.NewMultiLineEntry()
	s.enrollCode.SetPlaceHolder(u.tr.T("firstrun.code_placeholder"))
	s.enrollCode.Wrapping = fyne.TextWrapBreak
	s.enrollCode.SetMinRowsVisible(2)
	s.enroll = u.button(u.tr.T("settings.enroll"), theme.MailSendIcon(), func() {
		code := strings.TrimSpace(s.enrollCode.Text)
		if code == "" {
			return
		}
		ws, svc := u.ws, u.cfg.Sync
		s.enroll.Disable()
		u.background(func() func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			_, err := svc.Enroll(ctx, ws, code)
			return func() {
				s.enroll.Enable()
				if err != nil {
					s.enrollInfo.SetText(u.tr.T(svc.ExplainKey(err)))
					return
				}
				s.enrollCode.SetText("")
				s.showEnrollment()
			}
		})
	})
	s.showEnrollment()
	return widget.NewCard(u.tr.T("settings.hq"), "", container.NewVBox(s.enrollInfo, s.enrollCode, s.enroll))
}

func (s *settingsScreen) showEnrollment() {
	u := s.u
	e, ok, err := u.cfg.Sync.Enrolled(u.ws)
	if err != nil || !ok {
		s.enrollInfo.SetText(u.tr.T("sync.not_enrolled"))
		return
	}
	s.enrollInfo.SetText(u.tr.T("settings.enrollment", e.HQAddr, e.Team, strings.Join(e.Sites, ", "), e.Device, u.formatTime(e.Enrolled)))
}

// confirmWipe asks the user to type a word before the crypto-erase: a tap
// by mistake must not destroy the registrations.
func (u *UI) confirmWipe() {
	word := u.tr.T("settings.wipe_word")
	entry := widget.NewEntry()
	entry.SetPlaceHolder(word)
	content := container.NewVBox(u.text(u.tr.T("settings.wipe_confirm", word)), entry)
	dialog.ShowCustomConfirm(u.tr.T("settings.wipe"), u.tr.T("settings.wipe"), u.tr.T("detail.cancel"), content, func(ok bool) {
		if ok && strings.EqualFold(strings.TrimSpace(entry.Text), word) {
			u.wipeNow()
		}
	}, u.win)
}

func (s *settingsScreen) wipeNow() { s.u.wipeNow() }

// wipeNow crypto-erases the workspace and goes back to first run.
func (u *UI) wipeNow() {
	if u.syncs != nil {
		u.syncs.cancel()
	}
	u.tasks.Wait()
	took, err := u.ws.Wipe()
	if err != nil {
		u.showError("settings.wipe_failed", err)
		return
	}
	fyne.LogError("workspace wiped in "+took.String(), nil)
	u.unfollow()
	u.ws, u.dups, u.roster, u.rosterErr = nil, nil, nil, nil
	u.dropScreens()
	u.showStart()
}

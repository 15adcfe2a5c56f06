package app

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2/theme"
)

func TestThemeSettingSticks(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.showTab(tabSettings)
	s := u.settings
	s.theme.SetSelected(u.tr.T("settings.theme_sun"))
	th := u.app.Settings().Theme()
	if got := th.Color(theme.ColorNameBackground, theme.VariantDark); got != color.White {
		t.Errorf("the sun theme's background (system in dark) = %v, want white", got)
	}
	if got := th.Color(theme.ColorNameForeground, theme.VariantDark); got != color.Black {
		t.Errorf("the sun theme's text = %v, want black", got)
	}
	s.theme.SetSelected(u.tr.T("settings.theme_dark"))
	if got, want := u.app.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantLight), theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark); got != want {
		t.Errorf("dark theme on a light system: background %v, want %v", got, want)
	}
	// Restarted, the app keeps the choice.
	u.lock()
	u2 := openTestUI(t, u.app, u.cfg.Dir, u.clock)
	if got, want := u2.app.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantLight), theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark); got != want {
		t.Errorf("after a restart the background is %v, want dark %v", got, want)
	}
}

func TestUnlockFocusesThePassphraseOfAKnownUser(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.lock()
	if u.unlock.user.Text != testAdmin {
		t.Fatalf("user not prefilled: %q", u.unlock.user.Text)
	}
	if got := u.win.Canvas().Focused(); got != u.unlock.pass {
		t.Errorf("focus on %T, want the passphrase", got)
	}
}

func TestBlankDraftIsNotAnnounced(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.showTab(tabRegister)
	if got := u.input(u.register.household, "consent_date").value(); got != "2026-11-27" {
		t.Errorf("consent date starts as %q, want today", got)
	}
	u.lock()
	u.unlockWith(testAdmin, testPass)
	if u.register.message.Visible() && u.register.message.Text != "" {
		t.Errorf("a blank registration announced: %q", u.register.message.Text)
	}
	if u.currentTab() == tabRegister {
		t.Error("a blank registration reopened the register tab")
	}
}

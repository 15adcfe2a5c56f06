package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"fieldreg/assets/fonts"
)

// fieldTheme is Fyne's default theme with larger text and padding, so every
// button and input is at least 44 dp tall for a finger in the sun, and with
// Noto Sans Arabic in front of Fyne's Noto Sans: Fyne falls back to its own
// font for any glyph the theme font lacks, and Noto Sans Arabic has no Latin
// letters, so Arabic comes from one font and Latin from the other.
//
// mode is the user's choice in Settings: the system's variant, always light,
// always dark, or the high-contrast light theme for the sun (themeSun).
type fieldTheme struct{ mode string }

// The theme choices, as stored in the preferences.
const (
	themeSystem = "system"
	themeLight  = "light"
	themeDark   = "dark"
	themeSun    = "sun"
)

var themeModes = []string{themeSystem, themeLight, themeDark, themeSun}

// sunColors is black on white with dark borders and controls: in direct sun
// a tablet's screen loses most of its contrast, and Fyne's light greys on
// white vanish first.
var sunColors = map[fyne.ThemeColorName]color.Color{
	theme.ColorNameBackground:        color.White,
	theme.ColorNameForeground:        color.Black,
	theme.ColorNameInputBackground:   color.NRGBA{R: 0xf4, G: 0xf4, B: 0xf4, A: 0xff},
	theme.ColorNameInputBorder:       color.NRGBA{R: 0x20, G: 0x20, B: 0x20, A: 0xff},
	theme.ColorNameButton:            color.NRGBA{R: 0xdc, G: 0xdc, B: 0xdc, A: 0xff},
	theme.ColorNameHover:             color.NRGBA{R: 0xc8, G: 0xc8, B: 0xc8, A: 0xff},
	theme.ColorNameSeparator:         color.NRGBA{R: 0x40, G: 0x40, B: 0x40, A: 0xff},
	theme.ColorNameDisabled:          color.NRGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xff},
	theme.ColorNamePlaceHolder:       color.NRGBA{R: 0x3c, G: 0x3c, B: 0x3c, A: 0xff},
	theme.ColorNamePrimary:           color.NRGBA{R: 0x00, G: 0x4d, B: 0x49, A: 0xff},
	theme.ColorNameFocus:             color.NRGBA{R: 0x00, G: 0x4d, B: 0x49, A: 0xff},
	theme.ColorNameScrollBar:         color.NRGBA{R: 0x30, G: 0x30, B: 0x30, A: 0xff},
	theme.ColorNameMenuBackground:    color.White,
	theme.ColorNameOverlayBackground: color.White,
}

var (
	arabicRegular = fyne.NewStaticResource("NotoSansArabic-Regular.ttf", fonts.ArabicRegular)
	arabicBold    = fyne.NewStaticResource("NotoSansArabic-Bold.ttf", fonts.ArabicBold)
)

func (fieldTheme) Font(style fyne.TextStyle) fyne.Resource {
	switch {
	case style.Monospace, style.Symbol:
		return theme.DefaultTheme().Font(style)
	case style.Bold:
		return arabicBold
	}
	return arabicRegular
}

func (t fieldTheme) Color(name fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	switch t.mode {
	case themeLight:
		v = theme.VariantLight
	case themeDark:
		v = theme.VariantDark
	case themeSun:
		v = theme.VariantLight
		if c, ok := sunColors[name]; ok {
			return c
		}
	}
	switch name {
	case theme.ColorNamePrimary:
		// A deep teal reads on both backgrounds and survives glare.
		// White button text must read on it in both variants.
		if v == theme.VariantDark {
			return color.NRGBA{R: 0x17, G: 0x80, B: 0x78, A: 0xff}
		}
		return color.NRGBA{R: 0x0b, G: 0x6e, B: 0x69, A: 0xff}
	case theme.ColorNameSuccess, theme.ColorNameError, theme.ColorNameWarning:
		// Fyne's bright status colours fade on a white screen in the sun;
		// darker shades keep a 4.5:1 contrast for the message text.
		if v != theme.VariantDark {
			return map[fyne.ThemeColorName]color.Color{
				theme.ColorNameSuccess: color.NRGBA{R: 0x1b, G: 0x6e, B: 0x30, A: 0xff},
				theme.ColorNameError:   color.NRGBA{R: 0xb7, G: 0x1c, B: 0x1c, A: 0xff},
				theme.ColorNameWarning: color.NRGBA{R: 0x8a, G: 0x50, B: 0x00, A: 0xff},
			}[name]
		}
	case theme.ColorNamePlaceHolder:
		// Fyne's default placeholder grey is too faint outdoors.
		if v == theme.VariantDark {
			return color.NRGBA{R: 0xb0, G: 0xb0, B: 0xb0, A: 0xff}
		}
		return color.NRGBA{R: 0x5f, G: 0x5f, B: 0x5f, A: 0xff}
	}
	return theme.DefaultTheme().Color(name, v)
}

func (fieldTheme) Icon(name fyne.ThemeIconName) fyne.Resource {
	return theme.DefaultTheme().Icon(name)
}

func (fieldTheme) Size(name fyne.ThemeSizeName) float32 {
	switch name {
	case theme.SizeNameText:
		return 16
	case theme.SizeNameHeadingText:
		return 24
	case theme.SizeNameSubHeadingText:
		return 19
	case theme.SizeNameInnerPadding:
		return 12
	case theme.SizeNameInputBorder:
		return 2
	}
	return theme.DefaultTheme().Size(name)
}

// compactTheme is the app's theme with little padding inside text, for the
// labels and hints of a form: they are read, not tapped, so they need not
// be 44 dp tall, and a form fits six and more fields on a laptop screen.
type compactTheme struct{}

func (compactTheme) current() fyne.Theme { return fyne.CurrentApp().Settings().Theme() }

func (t compactTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return t.current().Color(n, v)
}
func (t compactTheme) Font(s fyne.TextStyle) fyne.Resource     { return t.current().Font(s) }
func (t compactTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.current().Icon(n) }
func (t compactTheme) Size(n fyne.ThemeSizeName) float32 {
	if n == theme.SizeNameInnerPadding {
		return 4
	}
	return t.current().Size(n)
}

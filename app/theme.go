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
type fieldTheme struct{}

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

func (fieldTheme) Color(name fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
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

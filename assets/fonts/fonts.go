// Package fonts embeds the fonts the field app needs beyond Fyne's own.
//
// Fyne's bundled Noto Sans has no Arabic glyphs, and a tablet in the field
// cannot be counted on to have a system font that does. Noto Sans Arabic is
// embedded here (SIL Open Font License 1.1, see OFL.txt); it pairs with Fyne's
// Noto Sans for Latin text.
package fonts

import _ "embed"

// ArabicRegular and ArabicBold are Noto Sans Arabic. They hold Arabic letters,
// Western digits and common punctuation, but no Latin letters.
var (
	//go:embed NotoSansArabic-Regular.ttf
	ArabicRegular []byte
	//go:embed NotoSansArabic-Bold.ttf
	ArabicBold []byte
	//go:embed OFL.txt
	License string
)

package registry

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NormalizeName folds a name for search and matching: Unicode NFKC, lower case,
// Latin diacritics and Arabic vowel marks removed, Arabic letter variants
// unified (alef forms, teh marbuta, alef maksura, hamza carriers, Persian yeh
// and kaf), tatweel dropped, and runs of anything but letters and digits made
// one space; invisible format characters (zero-width space, soft hyphen) are
// dropped. "  Zoë  AL-Hassan " becomes "zoe al hassan"; "أحمد" and "احمد"
// fold to the same string.
func NormalizeName(s string) string {
	s = norm.NFKC.String(s)
	decomposed := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(decomposed))
	space := false
	for _, r := range decomposed {
		if unicode.Is(unicode.Mn, r) {
			continue // combining marks: Latin accents, Arabic harakat, shadda
		}
		if r == 'ـ' { // tatweel only stretches a word
			continue
		}
		if unicode.Is(unicode.Cf, r) {
			// Invisible format characters — zero-width space and joiners,
			// soft hyphen, a byte-order mark pasted from another file — are
			// not seen by the person typing the search, so they neither
			// split a word nor belong to it.
			continue
		}
		r = foldArabic(r)
		if r < 0 {
			continue
		}
		switch r {
		case 'ß':
			b.WriteString("ss")
			space = false
			continue
		case 'ø', 'Ø':
			r = 'o'
		case 'đ', 'Đ':
			r = 'd'
		case 'ł', 'Ł':
			r = 'l'
		case 'ı':
			r = 'i'
		case 'æ', 'Æ':
			b.WriteString("ae")
			space = false
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		space = true
	}
	// Decomposition may have split letters (e.g. Hangul); recompose what is left.
	return norm.NFC.String(b.String())
}

// foldArabic maps Arabic letter variants that enumerators and keyboards use
// interchangeably to one form; -1 means drop the rune.
func foldArabic(r rune) rune {
	switch r {
	case 'أ', 'إ', 'آ', 'ٱ', 'ٲ', 'ٳ':
		return 'ا'
	case 'ى', 'ی', 'ې', 'ئ':
		return 'ي'
	case 'ة':
		return 'ه'
	case 'ؤ':
		return 'و'
	case 'ک':
		return 'ك'
	case 'ء':
		return -1 // hamza on the line is written or omitted at will
	}
	if r >= '٠' && r <= '٩' { // Arabic-Indic digits
		return '0' + (r - '٠')
	}
	if r >= '۰' && r <= '۹' { // Extended Arabic-Indic (Persian, Urdu) digits
		return '0' + (r - '۰')
	}
	return r
}

// NameTokens splits a normalized name into its words.
func NameTokens(s string) []string { return strings.Fields(NormalizeName(s)) }

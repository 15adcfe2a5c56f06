package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"

	"fieldreg/assets/i18n"
	"fieldreg/registry"
)

// translator speaks one language of the one catalogue (assets/i18n): screen
// strings, rule messages and sync explanations alike, falling back to
// English, then to the key itself so a missing string shows up in review
// instead of an empty label.
type translator struct {
	lang string
	cat  *i18n.Catalogue
}

func newTranslator(lang string) *translator {
	if !supportedLanguage(lang) {
		lang = i18n.Fallback
	}
	return &translator{lang: lang, cat: i18n.Builtin()}
}

// T returns the text of key, ready to show on its own; with args, the text
// is a fmt format.
func (t *translator) T(key string, args ...any) string { return t.bidi(t.raw(key, args...)) }

// raw is T for text that will be part of a longer line: the line as a
// whole goes through bidi.
func (t *translator) raw(key string, args ...any) string {
	s := t.cat.Lookup(t.lang, key, args...)
	if t.lang == "fr" {
		s = elideFrench(s, args)
	}
	return s
}

// elideFrench writes "de" before a name that starts with a vowel as "d’":
// "Phrase secrète d’amina", not "de amina". Only the words put in by args
// are looked at; the catalogue's own text is already right.
func elideFrench(s string, args []any) string {
	for _, a := range args {
		name, ok := a.(string)
		if !ok || name == "" || !strings.ContainsRune("aeiouyàâéèêëîïôûüAEIOUYÀÂÉÈÊËÎÏÔÛÜ", []rune(name)[0]) {
			continue
		}
		for _, de := range []string{"de ", "De "} {
			s = strings.ReplaceAll(s, de+name, de[:1]+"’"+name)
		}
	}
	return s
}

// bidi puts a line of mixed-direction text in the order Fyne can draw (see
// visualRTL); in left-to-right languages text is shown as is.
func (t *translator) bidi(s string) string {
	if t.rtl() {
		return visualRTL(s)
	}
	return s
}

// rtl reports whether the language is written right to left.
func (t *translator) rtl() bool { return t.lang == "ar" }

// align is the alignment for running text in the current language: Fyne lays
// out left to right only, so Arabic text is at least aligned to the right.
func (t *translator) align() fyne.TextAlign {
	if t.rtl() {
		return fyne.TextAlignTrailing
	}
	return fyne.TextAlignLeading
}

func supportedLanguage(lang string) bool {
	for _, l := range registry.Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// languageNames are shown in their own script so anyone can find theirs.
var languageNames = map[string]string{
	"en": "English",
	"fr": "Français",
	"es": "Español",
	"ar": "العربية",
}

// N is plural's text ready to show on its own, as T is raw's.
func (t *translator) N(key string, n int) string { return t.bidi(t.plural(key, n)) }

// plural is the text of key for the count n, in the plural form the
// language uses for n: the catalogue holds key.one, key.other and, for
// Arabic, key.zero, key.two, key.few and key.many (CLDR's categories), each
// a format of n. A form the language lacks falls back to key.other.
func (t *translator) plural(key string, n int) string {
	k := key + "." + pluralCategory(t.lang, n)
	s := t.cat.Lookup(t.lang, k)
	if s == k {
		s = t.cat.Lookup(t.lang, key+".other")
	}
	if strings.Contains(s, "%") { // "سنتان" (two years) has no number in it
		s = fmt.Sprintf(s, n)
	}
	return s
}

// pluralCategory is CLDR's plural category of the whole number n.
func pluralCategory(lang string, n int) string {
	if n < 0 {
		n = -n
	}
	switch lang {
	case "ar":
		switch m := n % 100; {
		case n == 0:
			return "zero"
		case n == 1:
			return "one"
		case n == 2:
			return "two"
		case m >= 3 && m <= 10:
			return "few"
		case m >= 11:
			return "many"
		}
		return "other"
	case "fr":
		if n == 0 || n == 1 {
			return "one"
		}
		return "other"
	}
	if n == 1 {
		return "one"
	}
	return "other"
}

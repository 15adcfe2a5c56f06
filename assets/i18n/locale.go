package i18n

import "strings"

// LanguageFromEnv picks the language of a command-line user from the
// environment, as gettext does: the locale is the first set of LC_ALL,
// LC_MESSAGES and LANG; "C", "POSIX" or none means English; otherwise
// LANGUAGE, a list such as "pt:fr", names the preferred languages in order,
// and the locale's own language comes after them. The first language the
// catalogue speaks wins; English when it speaks none. getenv is os.Getenv
// outside tests.
func (c *Catalogue) LanguageFromEnv(getenv func(string) string) string {
	locale := ""
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if locale = getenv(name); locale != "" {
			break
		}
	}
	if lang := localeLanguage(locale); lang == "" || lang == "c" || lang == "posix" {
		return Fallback
	}
	for _, l := range append(strings.Split(getenv("LANGUAGE"), ":"), locale) {
		if lang := localeLanguage(l); c.Speaks(lang) {
			return lang
		}
	}
	return Fallback
}

// localeLanguage is the language part of a locale name, lower-cased:
// "fr_FR.UTF-8" and "fr-CA" give "fr", "ar_SA@latin" gives "ar".
func localeLanguage(locale string) string {
	if i := strings.IndexAny(locale, "_-.@"); i >= 0 {
		locale = locale[:i]
	}
	return strings.ToLower(strings.TrimSpace(locale))
}

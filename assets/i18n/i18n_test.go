package i18n

import (
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// fmtVerbs finds the placeholders of a text: fmt verbs, with an optional
// argument index; "%%" is a literal percent sign, not a placeholder.
var fmtVerbs = regexp.MustCompile(`%%|%(\[\d+\])?[a-z]`)

func placeholders(s string) string {
	var out []string
	for _, v := range fmtVerbs.FindAllString(s, -1) {
		if v != "%%" {
			out = append(out, v)
		}
	}
	return strings.Join(out, " ")
}

// pluralCategories are CLDR's plural categories: a key ending in one of
// them is a plural form of the key before it (app: translator.plural).
var pluralCategories = []string{"zero", "one", "two", "few", "many", "other"}

// pluralBase splits a plural form's key into its base.
func pluralBase(key string) (string, bool) {
	i := strings.LastIndexByte(key, '.')
	if i < 0 {
		return key, false
	}
	for _, c := range pluralCategories {
		if key[i+1:] == c {
			return key[:i], true
		}
	}
	return key, false
}

func pluralOther(key string) string {
	base, _ := pluralBase(key)
	return base + ".other"
}

// Every text exists in every language, with the same placeholders, so no
// screen, rule message or sync explanation shows a key, falls back to
// English, or prints a broken "%!d(MISSING)".
func TestEveryKeyInEveryLanguage(t *testing.T) {
	c := Builtin()
	if got := c.Languages(); strings.Join(got, " ") != "en ar es fr" {
		t.Errorf("languages %v, want en, ar, es, fr", got)
	}
	en := c.Keys(Fallback)
	for _, lang := range c.Languages()[1:] {
		for _, key := range en {
			got, ok := c.texts[lang][key]
			if !ok || got == "" {
				if _, plural := pluralBase(key); plural && key != pluralOther(key) {
					continue // a plural category English has and this language need not (fr "one" is "other"…)
				}
				t.Errorf("%s: %q missing", lang, key)
				continue
			}
			if _, plural := pluralBase(key); plural {
				// A plural form may spell its number out ("سنة واحدة", one
				// year): it may drop the placeholder, never add another.
				if b := placeholders(got); b != "" && b != placeholders(c.texts[Fallback][key]) {
					t.Errorf("%s: %q has placeholders %q, English has %q", lang, key, b, placeholders(c.texts[Fallback][key]))
				}
				continue
			}
			if a, b := placeholders(c.texts[Fallback][key]), placeholders(got); a != b {
				t.Errorf("%s: %q has placeholders %q, English has %q", lang, key, b, a)
			}
		}
		for _, key := range c.Keys(lang) {
			if base, plural := pluralBase(key); plural && c.Has(base+".other") {
				continue // the language's own plural categories (Arabic has six)
			}
			if !c.Has(key) {
				t.Errorf("%s: %q is not an English key", lang, key)
			}
		}
	}
}

// One placeholder convention: the rule messages' old "{0}" must not come
// back, or it would be shown as is.
func TestOnePlaceholderConvention(t *testing.T) {
	c := Builtin()
	numbered := regexp.MustCompile(`\{\d+\}`)
	for _, lang := range c.Languages() {
		for _, key := range c.Keys(lang) {
			if s := c.texts[lang][key]; numbered.MatchString(s) {
				t.Errorf("%s: %q uses {n} placeholders: %q", lang, key, s)
			}
		}
	}
}

func TestLookup(t *testing.T) {
	c, err := Parse(fstest.MapFS{
		"en.json": {Data: []byte(`{"a": "apple", "n": "%d left", "only_en": "English only"}`)},
		"fr.json": {Data: []byte(`{"a": "pomme", "n": "%d restants", "only_en": ""}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang, key string
		args      []any
		want      string
	}{
		{"fr", "a", nil, "pomme"},
		{"en", "a", nil, "apple"},
		{"fr", "n", []any{3}, "3 restants"},
		{"fr", "only_en", nil, "English only"}, // an empty text falls back
		{"sw", "a", nil, "apple"},              // a language not spoken: English
		{"", "a", nil, "apple"},
		{"fr", "nope", nil, "nope"}, // no text anywhere: the key shows in review
	}
	for _, tt := range tests {
		if got := c.Lookup(tt.lang, tt.key, tt.args...); got != tt.want {
			t.Errorf("Lookup(%q, %q, %v) = %q, want %q", tt.lang, tt.key, tt.args, got, tt.want)
		}
	}
	if !c.Has("only_en") || c.Has("nope") {
		t.Error("Has does not follow the English file")
	}
}

func TestParseNeedsEnglish(t *testing.T) {
	if _, err := Parse(fstest.MapFS{"fr.json": {Data: []byte(`{}`)}}); err == nil {
		t.Error("a catalogue without English was accepted")
	}
	if _, err := Parse(fstest.MapFS{"en.json": {Data: []byte(`{"a": 1}`)}}); err == nil {
		t.Error("a text that is not a string was accepted")
	}
}

func TestLanguageFromEnv(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"nothing set", nil, "en"},
		{"LANG", map[string]string{"LANG": "fr_FR.UTF-8"}, "fr"},
		{"bare language", map[string]string{"LANG": "es"}, "es"},
		{"modifier", map[string]string{"LANG": "ar_SA@calendar"}, "ar"},
		{"dash and case", map[string]string{"LANG": "FR-ca"}, "fr"},
		{"C", map[string]string{"LANG": "C"}, "en"},
		{"C.UTF-8", map[string]string{"LANG": "C.UTF-8"}, "en"},
		{"POSIX", map[string]string{"LANG": "POSIX"}, "en"},
		{"not spoken", map[string]string{"LANG": "de_DE.UTF-8"}, "en"},
		{"LC_MESSAGES before LANG", map[string]string{"LANG": "es_ES.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8"}, "fr"},
		{"LC_ALL before all", map[string]string{"LANG": "es_ES", "LC_MESSAGES": "es_ES", "LC_ALL": "ar_EG.UTF-8"}, "ar"},
		{"LC_ALL=C silences LANG", map[string]string{"LANG": "fr_FR.UTF-8", "LC_ALL": "C"}, "en"},
		{"LANGUAGE before the locale", map[string]string{"LANG": "es_ES.UTF-8", "LANGUAGE": "fr"}, "fr"},
		{"LANGUAGE list, first spoken wins", map[string]string{"LANG": "en_US.UTF-8", "LANGUAGE": "de:pt_BR:ar:fr"}, "ar"},
		{"LANGUAGE none spoken: the locale", map[string]string{"LANG": "es_ES.UTF-8", "LANGUAGE": "de:it"}, "es"},
		{"LANGUAGE ignored under C", map[string]string{"LANG": "C", "LANGUAGE": "fr"}, "en"},
		{"LANGUAGE ignored without a locale", map[string]string{"LANGUAGE": "fr"}, "en"},
	}
	c := Builtin()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.LanguageFromEnv(func(k string) string { return tt.env[k] }); got != tt.want {
				t.Errorf("LanguageFromEnv(%v) = %q, want %q", tt.env, got, tt.want)
			}
		})
	}
}

// Package i18n is the one catalogue of every message Fieldreg shows a user:
// the app's screens, the validation rules' messages ("rule.<code>") and the
// plain-words explanations of sync errors ("sync_error.<reason>"). Other
// packages return codes; the app and the CLIs turn them into words here.
//
// Each language is one JSON object (en.json, fr.json, es.json, ar.json)
// mapping a key to its text. Placeholders are fmt verbs (%s, %d), filled
// only when arguments are given. Form labels are not here: they come from
// the form schemas. The package holds no Fyne: registry, sync/client and the
// CLIs use it too.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
)

// Fallback is the language every key has, used where another lacks a text.
const Fallback = "en"

//go:embed *.json
var files embed.FS

// Catalogue is the messages of every language, by key.
type Catalogue struct {
	texts map[string]map[string]string // language → key → text
}

// builtin is parsed once, on first use: the embedded files never change.
var builtin = sync.OnceValues(func() (*Catalogue, error) { return Parse(files) })

// Builtin returns the catalogue embedded in the binary. Its files are checked
// by this package's tests, so a broken one panics rather than burden every
// caller with an error that cannot happen in a tested build.
func Builtin() *Catalogue {
	c, err := builtin()
	if err != nil {
		panic(err)
	}
	return c
}

// Parse reads a catalogue from the *.json files at the root of fsys, one per
// language, named by its code ("fr.json"). The fallback language must be one.
func Parse(fsys fs.FS) (*Catalogue, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, fmt.Errorf("list translations: %w", err)
	}
	c := &Catalogue{texts: make(map[string]map[string]string, len(names))}
	for _, name := range names {
		lang := strings.TrimSuffix(path.Base(name), ".json")
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("load translations %q: %w", lang, err)
		}
		var msgs map[string]string
		if err := json.Unmarshal(data, &msgs); err != nil {
			return nil, fmt.Errorf("parse translations %q: %w", lang, err)
		}
		c.texts[lang] = msgs
	}
	if _, ok := c.texts[Fallback]; !ok {
		return nil, fmt.Errorf("no %s.json: every key needs an English text", Fallback)
	}
	return c, nil
}

// Lookup returns the text of key in lang, with args filled in as by
// fmt.Sprintf. A language without the key, or one the catalogue does not
// speak, gives English; a key English lacks gives the key itself, so a
// missing text shows up in review instead of as an empty line.
func (c *Catalogue) Lookup(lang, key string, args ...any) string {
	s, ok := c.texts[lang][key]
	if !ok || s == "" {
		s, ok = c.texts[Fallback][key]
	}
	if !ok {
		s = key
	}
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether key has a text (in English, so in every language).
func (c *Catalogue) Has(key string) bool {
	_, ok := c.texts[Fallback][key]
	return ok
}

// Speaks reports whether the catalogue has a file for lang.
func (c *Catalogue) Speaks(lang string) bool {
	_, ok := c.texts[lang]
	return ok
}

// Languages returns the languages the catalogue speaks, English first.
func (c *Catalogue) Languages() []string {
	langs := make([]string, 0, len(c.texts))
	for l := range c.texts {
		if l != Fallback {
			langs = append(langs, l)
		}
	}
	sort.Strings(langs)
	return append([]string{Fallback}, langs...)
}

// Keys returns every key of lang, sorted.
func (c *Catalogue) Keys(lang string) []string {
	keys := make([]string, 0, len(c.texts[lang]))
	for k := range c.texts[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

package xlsform

import (
	"fmt"
	"slices"
	"strings"

	"fieldreg/registry"
)

// workbook is what the three sheets say, read but not yet turned into forms.
type workbook struct {
	survey, choices, settings *table

	id, version string
	title       registry.Labels
	defaultLang string
	langs       []string // every language a label is written in; English always among them
	lists       map[string]*choiceList
}

// readSettings reads the settings sheet: its first row below the header.
// form_id and version are required: the id names the form (a registration
// extension is "household"), the version tells its versions apart in every
// change written with it. instance_name and style are accepted and change
// nothing stored: a record is named by its own fields, and the app has one
// style.
func (w *workbook) readSettings() error {
	t := w.settings
	var r row
	if len(t.rows) > 0 {
		r = t.rows[0]
	}
	if len(t.rows) > 1 {
		return fmt.Errorf("%w: settings row %d: one row of settings only", ErrBadForm, t.rows[1].num)
	}
	for i, c := range t.cols {
		if r.cells == nil || r.cells[i] == "" {
			continue
		}
		switch c.base {
		case "form_id", "version", "form_title", "default_language", "instance_name", "style":
		default:
			if c.base != "" && !informative(c) {
				return fmt.Errorf("%w: %s: the setting %q", ErrUnsupported, t.where(r, i), c.header)
			}
		}
		if c.lang != "" || c.rest != "" {
			return fmt.Errorf("%w: %s: a setting has no languages", ErrBadForm, t.where(r, i))
		}
	}
	at := func(base string) string {
		if r.cells == nil {
			return ""
		}
		return t.value(r, base)
	}
	w.id = at("form_id")
	if w.id == "" {
		return fmt.Errorf("%w: settings: no form_id (the form's name: \"household\" to extend the registration)", ErrBadForm)
	}
	if !validName(w.id) {
		return fmt.Errorf("%w: %s: form_id %q must be lower-case letters, digits and _", ErrBadForm, t.where(r, t.index("form_id")), w.id)
	}
	w.version = at("version")
	if w.version == "" {
		return fmt.Errorf("%w: settings: no version (every published form needs one, e.g. 2026120101)", ErrBadForm)
	}
	if len(w.version) > 64 || strings.ContainsAny(w.version, "@ \t\n") {
		return fmt.Errorf("%w: %s: version %q: up to 64 characters, no spaces or @", ErrBadForm, t.where(r, t.index("version")), w.version)
	}
	if dl := at("default_language"); dl != "" {
		code, err := languageCode(dl)
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrBadForm, t.where(r, t.index("default_language")), err)
		}
		w.defaultLang = code
	}
	w.findLanguages()
	if title := at("form_title"); title != "" {
		w.title = w.fill(registry.Labels{w.defaultLang: title})
	} else {
		w.title = w.fill(registry.Labels{w.defaultLang: w.id})
	}
	return nil
}

// findLanguages lists the languages the survey and choices are written in
// and settles the default language: the setting, else English when a bare
// "label" or an English column exists, else the first language written.
func (w *workbook) findLanguages() {
	bare := false
	for _, t := range []*table{w.survey, w.choices} {
		for _, c := range t.cols {
			if !translatable[c.base] {
				continue
			}
			if c.lang == "" {
				bare = true
			} else if !slices.Contains(w.langs, c.lang) {
				w.langs = append(w.langs, c.lang)
			}
		}
	}
	if w.defaultLang == "" {
		switch {
		case bare || slices.Contains(w.langs, "en") || len(w.langs) == 0:
			w.defaultLang = "en"
		default:
			w.defaultLang = w.langs[0]
		}
	}
	for _, l := range []string{w.defaultLang, "en"} {
		if !slices.Contains(w.langs, l) {
			w.langs = append(w.langs, l)
		}
	}
}

// labels reads the texts of a translatable column (label, hint, …) of a
// row. A bare column is the default language. A language the row leaves
// empty gets the default language's text.
func (w *workbook) labels(t *table, r row, base string) registry.Labels {
	var l registry.Labels
	for i, c := range t.cols {
		if c.base != base || r.cells[i] == "" {
			continue
		}
		lang := c.lang
		if lang == "" {
			lang = w.defaultLang
		}
		if l == nil {
			l = registry.Labels{}
		}
		// Beside a bare label that is English, label::English wins.
		if c.lang != "" || l[lang] == "" {
			l[lang] = r.cells[i]
		}
	}
	return w.fill(l)
}

// fill gives every language of the workbook a text: the default
// language's, else the first written.
func (w *workbook) fill(l registry.Labels) registry.Labels {
	if len(l) == 0 {
		return nil
	}
	from := l[w.defaultLang]
	if from == "" {
		for _, lang := range w.langs {
			if from = l[lang]; from != "" {
				break
			}
		}
	}
	for _, lang := range w.langs {
		if l[lang] == "" {
			l[lang] = from
		}
	}
	return l
}

// informative columns say something to the people writing the form and
// nothing to the one filling it in: accepted and not kept.
// guidance_hint is ODK's text for printed forms; tags and Kobo's "$kuid",
// "$autoname" and the like are bookkeeping of the tool the form was made
// with.
func informative(c column) bool {
	return c.base == "guidance_hint" || c.base == "tags" || strings.HasPrefix(c.base, "$")
}

func validName(s string) bool {
	if s == "" || s[0] == '_' || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

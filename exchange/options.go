package exchange

import (
	"strings"

	"fieldreg/registry"
)

// Options says how a CSV, HXL or XLSX export writes its cells. The zero
// value writes codes and no byte-order mark.
type Options struct {
	// HXL adds the hashtag row under the header (CSV only).
	HXL bool
	// Labels writes a choice's label in Lang instead of its code (English
	// when the form has no label in Lang); a select_multiple's labels are
	// joined by "; ". Codes are the default: they are what analysis joins
	// on and what an import reads back exactly.
	Labels bool
	Lang   string
	// BOM starts a CSV with the UTF-8 byte-order mark, without which Excel
	// reads UTF-8 as the machine's code page and Arabic turns to mojibake.
	// Every reader of ours drops it; a script reading the file with a plain
	// CSV library sees it glued to the first header.
	BOM bool
	// TmpDir is where an XLSX export keeps the rows it has streamed until
	// the workbook is written: its own directory, so personal data stays
	// where the export goes ("": the system's temporary directory).
	TmpDir string
}

// utf8BOM is the UTF-8 byte-order mark.
const utf8BOM = "\ufeff"

// showValue is what a column shows of a field's value: its geopoint part,
// or with Labels a choice's label, or the value itself.
func showValue(c column, v string, opt Options) string {
	if v == "" {
		return ""
	}
	if c.geoPart >= 0 {
		return geoSplit(v)[c.geoPart]
	}
	if opt.Labels {
		return choiceLabels(c.def, v, opt.Lang)
	}
	return v
}

// choiceLabels returns the labels of a select value's codes in lang, a
// select_multiple's joined by "; "; a code the form does not list (a
// choice since removed) stays as it is, and any other type's value too.
func choiceLabels(d registry.FieldDef, v, lang string) string {
	switch d.Type {
	case registry.TypeSelectOne:
		return choiceLabel(d, v, lang)
	case registry.TypeSelectMultiple:
		codes := strings.Fields(v)
		for i, code := range codes {
			codes[i] = choiceLabel(d, code, lang)
		}
		return strings.Join(codes, "; ")
	}
	return v
}

func choiceLabel(d registry.FieldDef, code, lang string) string {
	c, ok := d.Choice(code)
	if !ok {
		return code
	}
	if l := c.Label.In(lang); l != "" {
		return l
	}
	return code
}

package registry

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// FieldType is the type of a form field. Every value is stored as a string;
// the type says which strings are valid and how to show them.
type FieldType string

// The field types, named as in XLSForm where it has one.
const (
	TypeText           FieldType = "text"
	TypeInteger        FieldType = "integer"
	TypeDecimal        FieldType = "decimal"
	TypeDate           FieldType = "date"            // YYYY-MM-DD
	TypeBoolean        FieldType = "boolean"         // true or false
	TypeSelectOne      FieldType = "select_one"      // one choice name
	TypeSelectMultiple FieldType = "select_multiple" // choice names separated by one space
	TypeGeopoint       FieldType = "geopoint"        // "lat lon" or "lat lon alt acc"
	TypeRef            FieldType = "ref"             // the id (UUID) of another record
	TypeNote           FieldType = "note"            // shows its label; stores nothing
	TypeCalculate      FieldType = "calculate"       // stores its Calculation's result, as text
)

func (t FieldType) valid() bool {
	switch t {
	case TypeText, TypeInteger, TypeDecimal, TypeDate, TypeBoolean,
		TypeSelectOne, TypeSelectMultiple, TypeGeopoint, TypeRef, TypeNote, TypeCalculate:
		return true
	}
	return false
}

// Languages are the languages every label of a built-in form is written in.
// English comes first: it is the fallback.
var Languages = []string{"en", "fr", "es", "ar"}

// Labels maps a language code ("en", "fr", "es", "ar") to a text.
type Labels map[string]string

// In returns the text in lang, or in English when there is none in lang.
func (l Labels) In(lang string) string {
	if s, ok := l[lang]; ok && s != "" {
		return s
	}
	return l["en"]
}

// Choice is one answer of a select_one or select_multiple field. Name is what
// is stored and exported; Label is what people read.
type Choice struct {
	Name  string `json:"name"`
	Label Labels `json:"label"`
	// Filter holds the choices sheet's extra columns, which a field's
	// ChoiceFilter reads: a site's {"pcode": "SY0101", "admin1": "SY01",
	// "admin2": "SY0101"}, an admin2 area's {"admin1": "SY01"}.
	Filter map[string]string `json:"filter,omitempty"`
}

// FieldDef describes one field of a form. Name is also the export column.
type FieldDef struct {
	Name      string    `json:"name"`
	Type      FieldType `json:"type"`
	Label     Labels    `json:"label"`
	Hint      Labels    `json:"hint,omitempty"`
	ReadAloud Labels    `json:"read_aloud,omitempty"` // a statement to read to the family, such as consent
	Required  bool      `json:"required,omitempty"`
	Choices   []Choice  `json:"choices,omitempty"`
	Min       *float64  `json:"min,omitempty"`        // integer and decimal fields
	Max       *float64  `json:"max,omitempty"`        // integer and decimal fields
	MaxLength int       `json:"max_length,omitempty"` // text fields, in characters
	Multiline bool      `json:"multiline,omitempty"`  // text fields that may hold tabs and newlines (notes)
	Pattern   string    `json:"pattern,omitempty"`    // a Go regexp the whole value must match
	// MaxChoices bounds how many codes a select_multiple value may hold
	// ("top three priority needs"); 0 is no bound.
	MaxChoices int    `json:"max_choices,omitempty"`
	Section    string `json:"section,omitempty"` // groups fields on screen; the assessment's themes
	Default    string `json:"default,omitempty"` // the value a new record starts with
	HXL        string `json:"hxl,omitempty"`     // the HXL hashtag and attributes, e.g. "#affected+f"
	// MustBeTrue marks a boolean that must be "true" for the record to be
	// saved at all: the household's consent.
	MustBeTrue bool `json:"must_be_true,omitempty"`
	// NotFuture refuses dates after today; MaxAge (years) refuses dates more
	// than that many years ago. Both are for birth dates.
	NotFuture bool `json:"not_future,omitempty"`
	MaxAge    int  `json:"max_age,omitempty"`

	// The XLSForm columns of the same names. The expressions are source
	// text in the XPath subset of package registry/xpath, naming other
	// fields as ${name}: Relevant shows the field only while it is true,
	// Constraint must hold for a value to be accepted, Calculation gives a
	// calculate field its value, ChoiceFilter narrows a select's choices
	// (reading each choice's Filter).
	Relevant          string `json:"relevant,omitempty"`
	Constraint        string `json:"constraint,omitempty"`
	Calculation       string `json:"calculation,omitempty"`
	ChoiceFilter      string `json:"choice_filter,omitempty"`
	RequiredMessage   Labels `json:"required_message,omitempty"`   // shown instead of the generic "required"
	ConstraintMessage Labels `json:"constraint_message,omitempty"` // shown when Constraint is false
	ReadOnly          bool   `json:"read_only,omitempty"`          // shown, not editable (a default or a calculation)
	// Appearance is the XLSForm appearance, as written ("minimal",
	// "multiline", "numbers", "field-list"…): it changes how the field is
	// shown, never what it stores.
	Appearance string `json:"appearance,omitempty"`
	// ListName is the name of the choices list a select field's Choices
	// came from; fields sharing a list share the name.
	ListName string `json:"list_name,omitempty"`

	pattern *regexp.Regexp // compiled Pattern, anchored at both ends
}

// Choice returns the choice of the field named name.
func (d FieldDef) Choice(name string) (Choice, bool) {
	i := slices.IndexFunc(d.Choices, func(c Choice) bool { return c.Name == name })
	if i < 0 {
		return Choice{}, false
	}
	return d.Choices[i], true
}

// Form is the schema of one record kind in one version: its fields in
// display order. ID and Version name the version (an XLSForm's settings
// form_id and version); one workbook may yield forms of several kinds sharing
// them. A form read without them is its kind's first version: ID defaults to
// Kind and Version to "1", which is what the built-in forms are.
type Form struct {
	ID      string     `json:"id,omitempty"`
	Version string     `json:"version,omitempty"`
	Kind    string     `json:"kind"`
	Title   Labels     `json:"title"`
	Fields  []FieldDef `json:"fields"`
	// SectionTitles names each section (FieldDef.Section) for the screen.
	SectionTitles map[string]Labels `json:"section_titles,omitempty"`
}

// DefaultVersion is the version of a form that names none: the built-in
// forms, and the form a change made before forms were versioned was written
// with.
const DefaultVersion = "1"

// Ref names the form's version, "id@version": what a change records of the
// form its author validated it against.
func (f *Form) Ref() string { return FormRef(f.ID, f.Version) }

// FormRef makes the ref of a form id and version.
func FormRef(id, version string) string { return id + "@" + version }

// LegacyRef is the ref a change with no form ref means (a change made before
// forms were versioned): its kind's built-in first version.
func LegacyRef(kind string) string { return FormRef(kind, DefaultVersion) }

// Field returns the definition of the field named name.
func (f *Form) Field(name string) (FieldDef, bool) {
	i := slices.IndexFunc(f.Fields, func(d FieldDef) bool { return d.Name == name })
	if i < 0 {
		return FieldDef{}, false
	}
	return f.Fields[i], true
}

// Sections returns the form's sections in the order their first field
// appears. Fields with no section are not counted.
func (f *Form) Sections() []string {
	var out []string
	for _, d := range f.Fields {
		if d.Section != "" && !slices.Contains(out, d.Section) {
			out = append(out, d.Section)
		}
	}
	return out
}

// ErrBadForm is wrapped by every error ParseForm returns.
var ErrBadForm = errors.New("bad form schema")

// maxFormSize bounds a schema read from outside; the built-in ones are a few
// tens of KiB.
const maxFormSize = 4 << 20

// ParseForm reads a form schema from JSON and checks it is usable: a kind,
// fields with unique names and known types, choices for select fields, valid
// patterns and bounds.
func ParseForm(data []byte) (*Form, error) {
	if len(data) > maxFormSize {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrBadForm, len(data), maxFormSize)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f Form
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadForm, err)
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	return &f, nil
}

// check validates the form and compiles its patterns.
func (f *Form) check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w %q: %s", ErrBadForm, f.Kind, fmt.Sprintf(format, args...))
	}
	if f.Kind == "" || !validName(f.Kind) {
		return bad("kind must be a lower-case name")
	}
	// Defaults are written only when missing, so checking a form already
	// in use (shared by goroutines) writes nothing.
	if f.ID == "" {
		f.ID = f.Kind
	}
	if f.Version == "" {
		f.Version = DefaultVersion
	}
	if !validRefPart(f.ID) || !validRefPart(f.Version) {
		return bad("id %q and version %q must be at most 64 characters without spaces or @", f.ID, f.Version)
	}
	if len(f.Fields) == 0 {
		return bad("no fields")
	}
	seen := make(map[string]bool, len(f.Fields))
	for i := range f.Fields {
		d := &f.Fields[i]
		if !validName(d.Name) {
			return bad("field %d: name %q must be lower-case letters, digits and _, not starting with _", i, d.Name)
		}
		if seen[d.Name] {
			return bad("field %q defined twice", d.Name)
		}
		seen[d.Name] = true
		if !d.Type.valid() {
			return bad("field %q: unknown type %q", d.Name, d.Type)
		}
		// A calculate field is not shown by its label; every other field is.
		if d.Label["en"] == "" && d.Type != TypeCalculate {
			return bad("field %q: no English label", d.Name)
		}
		if err := d.checkKind(); err != "" {
			return bad("field %q: %s", d.Name, err)
		}
		isSelect := d.Type == TypeSelectOne || d.Type == TypeSelectMultiple
		if isSelect && len(d.Choices) == 0 {
			return bad("field %q: a select field needs choices", d.Name)
		}
		if !isSelect && len(d.Choices) > 0 {
			return bad("field %q: choices on a %s field", d.Name, d.Type)
		}
		names := make(map[string]bool, len(d.Choices))
		for _, c := range d.Choices {
			if c.Name == "" || !validChoiceName(c.Name) || names[c.Name] {
				return bad("field %q: choice %q is empty, repeated or has spaces", d.Name, c.Name)
			}
			names[c.Name] = true
			for k := range c.Filter {
				if !validName(k) {
					return bad("field %q: choice %q: filter column %q must be a lower-case name", d.Name, c.Name, k)
				}
			}
		}
		if d.Min != nil && d.Max != nil && *d.Min > *d.Max {
			return bad("field %q: min above max", d.Name)
		}
		if d.MaxLength < 0 || d.MaxAge < 0 || d.MaxChoices < 0 {
			return bad("field %q: negative bound", d.Name)
		}
		if d.Pattern != "" && (d.pattern == nil || d.pattern.String() != `^(?:`+d.Pattern+`)$`) {
			re, err := regexp.Compile(`^(?:` + d.Pattern + `)$`)
			if err != nil {
				return bad("field %q: pattern: %v", d.Name, err)
			}
			d.pattern = re
		}
		if d.Default != "" {
			if _, err := CanonicalValue(d.Type, d.Default); err != nil {
				return bad("field %q: default: %v", d.Name, err)
			}
		}
	}
	return nil
}

// checkKind checks what depends on the field's type beyond its choices:
// a note stores nothing, a calculate field needs its calculation, only
// selects have a list or a choice filter.
func (d *FieldDef) checkKind() string {
	isSelect := d.Type == TypeSelectOne || d.Type == TypeSelectMultiple
	switch {
	case d.Type == TypeNote && (d.Required || d.MustBeTrue || d.Default != "" || d.Calculation != "" || d.Constraint != ""):
		return "a note stores nothing: it cannot be required, have a default, a calculation or a constraint"
	case d.Type == TypeCalculate && d.Calculation == "":
		return "a calculate field needs a calculation"
	case !isSelect && (d.ListName != "" || d.ChoiceFilter != ""):
		return "a choice list or choice filter on a " + string(d.Type) + " field"
	case (len(d.ConstraintMessage) > 0) && d.Constraint == "":
		return "a constraint message without a constraint"
	}
	return ""
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

// validRefPart reports whether s may be a form id or version: the two are
// joined by "@" in a ref.
func validRefPart(s string) bool {
	return s != "" && validChoiceName(s) && !strings.Contains(s, "@")
}

func validChoiceName(s string) bool {
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			return false
		}
	}
	return len(s) <= 64
}

package exchange

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"fieldreg/registry"
)

// builtinHXL are the HXL hashtags of export columns whose form field sets
// none (FieldDef.HXL), from the HXL 1.1 dictionary
// (hxlstandard.org/standard/dictionary) where it has a tag; columns with no
// fitting tag get none, as HXL allows.
//
// Person-level rows are unusual in HXL, which is made for aggregates: ids go
// under #meta (+hh for the household, +ind for the person), places under
// #adm1/#adm2/#loc, coordinates under #geo, and coded answers under
// #indicator with the field name as attribute, so a tool can still select
// them. Free text (names, document numbers, notes) is left untagged: nothing
// should make personal data easier to pick out of a file by machine.
//
// Places are tagged by what the column holds (placeTag): a site or admin
// area as a code is #loc+code (#adm1+code, …), as a name or label
// #loc+name.
var builtinHXL = map[string]string{
	colHouseholdID:      "#meta+id+hh",
	colPersonID:         "#meta+id+ind",
	colHouseholdVersion: "#meta+version+hh",
	colPersonVersion:    "#meta+version+ind",
	colRecordID:         "#meta+id",
	colForm:             "#meta+form",
	colHouseholdForm:    "#meta+form+hh",
	colPersonForm:       "#meta+form+ind",

	// household
	registry.FieldConsentDate: "#date+consent",
	"gps_lat":                 "#geo+lat",
	"gps_lon":                 "#geo+lon",
	"shelter_type":            "#indicator+shelter_type",
	registry.FieldPhone:       "#contact+phone",
	"displacement_date":       "#date+displaced",
	"origin":                  "#loc+origin",
	registry.FieldStatus:      "#status",

	// person
	registry.FieldRelationship:       "#indicator+relationship",
	registry.FieldSex:                "#indicator+sex",
	registry.FieldBirthDate:          "#date+birth",
	registry.FieldBirthDateEstimated: "#indicator+birth_date_estimated",
	"nationality":                    "#country+code+nationality",
	"languages":                      "#indicator+languages",
	registry.FieldDocumentType:       "#indicator+document_type",
	registry.FieldSpecificNeeds:      "#indicator+specific_needs",

	// assessment
	registry.FieldDate: "#date+assessed",
}

// placeHXL are the hashtags of the place fields, without +code or +name.
var placeHXL = map[string]string{
	registry.FieldSite:   "#loc",
	registry.FieldAdmin1: "#adm1",
	registry.FieldAdmin2: "#adm2",
}

// hxlTag returns the tag of a column: the form field's own (FieldDef.HXL,
// for a geopoint with +lat, +lon, … added), else builtinHXL's, else
// #indicator+<name> for a coded or numeric field of a deployment's own
// form, #date+<name> for a date, and "" for free text.
func hxlTag(c column, opt Options) (string, error) {
	if c.def.HXL != "" {
		tag, err := ParseHXLTag(c.def.HXL)
		if err != nil {
			return "", fmt.Errorf("%s field %q: %w", c.kind, c.field, err)
		}
		if c.geoPart >= 0 {
			tag += "+" + geoParts[c.geoPart]
		}
		return tag, nil
	}
	if tag, ok := builtinHXL[c.name]; ok {
		return tag, nil
	}
	if base, ok := placeHXL[c.name]; ok {
		return base + placeAttribute(c, opt), nil
	}
	if c.geoPart >= 0 || !hxlAttribute.MatchString(c.name) {
		return "", nil
	}
	switch c.typ {
	case registry.TypeSelectOne, registry.TypeSelectMultiple, registry.TypeBoolean,
		registry.TypeInteger, registry.TypeDecimal:
		return "#indicator+" + c.name, nil
	case registry.TypeDate:
		return "#date+" + c.name, nil
	}
	return "", nil
}

// placeAttribute is +code for a place column that holds a code (a select
// exported as codes), +name for one that holds a name (free text, or a
// select exported with Labels).
func placeAttribute(c column, opt Options) string {
	isSelect := c.typ == registry.TypeSelectOne || c.typ == registry.TypeSelectMultiple
	if isSelect && !opt.Labels {
		return "+code"
	}
	return "+name"
}

// The HXL hashtag grammar (HXL 1.1, "Hashtags and attributes"): a hashtag
// and its attributes, lower case once normalized, whitespace allowed before
// each "+".
var (
	hxlTagPattern = regexp.MustCompile(`^#[a-z][a-z0-9_]*(\s*\+[a-z][a-z0-9_]*)*$`)
	hxlAttribute  = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// ErrBadHXL is wrapped by ParseHXLTag's errors.
var ErrBadHXL = errors.New("not an HXL hashtag")

// ParseHXLTag returns a form's hxl column as a hashtag: lower case (HXL is
// case-insensitive), without the spaces HXL allows before a "+",
// "#affected +f" as "#affected+f". A
// text that is not a hashtag and attributes is refused: a tag row with it
// would not read back in HXL tools.
func ParseHXLTag(s string) (string, error) {
	tag := strings.ToLower(strings.TrimSpace(s))
	if !hxlTagPattern.MatchString(tag) {
		return "", fmt.Errorf("%w: %q (want #hashtag+attribute, letters, digits and _)", ErrBadHXL, s)
	}
	return strings.Join(strings.Fields(tag), ""), nil
}

package exchange

import "fieldreg/registry"

// hxlTags are the HXL hashtags of person-level export columns, from the HXL
// 1.1 dictionary (hxlstandard.org/standard/dictionary) where it has a tag;
// columns with no fitting tag get none, as HXL allows.
//
// Person-level rows are unusual in HXL, which is made for aggregates: ids go
// under #meta (+hh for the household, +ind for the person), places under
// #adm1/#adm2/#loc, coordinates under #geo, and coded answers under
// #indicator with the field name as attribute, so a tool can still select
// them. Free text (names, document numbers, notes) is left untagged: nothing
// should make personal data easier to pick out of a file by machine.
var hxlTags = map[string]string{
	colHouseholdID:      "#meta+id+hh",
	colPersonID:         "#meta+id+ind",
	colHouseholdVersion: "#meta+version+hh",
	colPersonVersion:    "#meta+version+ind",

	// household
	registry.FieldConsentDate: "#date+consent",
	registry.FieldSite:        "#loc+name",
	registry.FieldAdmin1:      "#adm1+name",
	registry.FieldAdmin2:      "#adm2+name",
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

// hxlTag returns the tag of a column: from hxlTags, or #indicator+name for a
// coded or numeric field of a deployment's own form, or "" for free text.
func hxlTag(c column) string {
	if tag, ok := hxlTags[c.name]; ok {
		return tag
	}
	if c.geoPart >= 0 {
		return ""
	}
	switch c.typ {
	case registry.TypeSelectOne, registry.TypeSelectMultiple, registry.TypeBoolean,
		registry.TypeInteger, registry.TypeDecimal:
		return "#indicator+" + c.name
	case registry.TypeDate:
		return "#date+" + c.name
	}
	return ""
}

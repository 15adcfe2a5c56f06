package exchange

import (
	"fmt"
	"strings"

	"fieldreg/registry"
)

// The id and version columns of person-level CSV and HXL. The versions
// (see Version) come last: they are for Fieldreg, not for whoever reads
// the sheet.
const (
	colHouseholdID      = registry.FieldHouseholdID
	colPersonID         = "person_id"
	colHouseholdVersion = "household_version"
	colRecordID         = "id" // of a record in a table of one kind (assessments)
	colPersonVersion    = "person_version"
)

// The parts of a geopoint, each its own column (gps_lat, gps_lon, …): a
// spreadsheet or a map tool reads numbers, not "lat lon" strings.
var geoParts = []string{"lat", "lon", "alt", "accuracy"}

// typeNote is a form's note: text shown to the enumerator that stores
// nothing, so it has no column. (registry.TypeNote once forms carry notes;
// spelt here so exports skip them from the first such form on.)
const typeNote registry.FieldType = "note"

// column is one column of an export: a field of a form, or one part of a
// geopoint field, or one of the id and version columns.
type column struct {
	name    string // header
	kind    string // the form's kind; "" for the id and version columns
	field   string // the field it holds ("" for the id columns)
	geoPart int    // for a geopoint: the index in geoParts; -1 otherwise
	typ     registry.FieldType
	def     registry.FieldDef // the field's definition: choices for labels, its HXL tag
}

// idColumn is a column the export fills itself (ids, versions).
func idColumn(name string, typ registry.FieldType) column {
	return column{name: name, geoPart: -1, typ: typ}
}

// personColumns returns the columns of a person-level export: household_id,
// the household form's fields, person_id, the person form's fields but
// household_id, then household_version and person_version. Both exports
// and imports use it, so they agree.
func personColumns(forms *registry.Forms) ([]column, error) {
	hf, ok := forms.Form(registry.KindHousehold)
	if !ok {
		return nil, fmt.Errorf("no %s form", registry.KindHousehold)
	}
	pf, ok := forms.Form(registry.KindPerson)
	if !ok {
		return nil, fmt.Errorf("no %s form", registry.KindPerson)
	}
	cols := []column{idColumn(colHouseholdID, registry.TypeRef)}
	cols = appendFormColumns(cols, hf, true)
	cols = append(cols, idColumn(colPersonID, registry.TypeRef))
	cols = appendFormColumns(cols, pf, false)
	cols = append(cols,
		idColumn(colHouseholdVersion, registry.TypeText),
		idColumn(colPersonVersion, registry.TypeText))
	return cols, nil
}

// recordColumns returns the columns of a table of one kind's records: the
// record's id (household_id for households, person_id for persons, id for
// any other kind), then the form's fields in form order, household_id among
// them where the form has it (a member's or an assessment's household).
func recordColumns(forms *registry.Forms, kind string) ([]column, error) {
	f, ok := forms.Form(kind)
	if !ok {
		return nil, fmt.Errorf("no %s form", kind)
	}
	id := colRecordID
	switch kind {
	case registry.KindHousehold:
		id = colHouseholdID
	case registry.KindPerson:
		id = colPersonID
	}
	cols := []column{idColumn(id, registry.TypeRef)}
	return appendFormColumns(cols, f, true), nil
}

// appendFormColumns appends a column per question of f in form order: a
// geopoint as four, a note as none. household_id is kept only with
// withRef (person-level rows have it once, from the household).
func appendFormColumns(cols []column, f *registry.Form, withRef bool) []column {
	for _, d := range f.Fields {
		switch {
		case d.Type == typeNote:
			continue
		case d.Name == colHouseholdID && !withRef:
			continue
		case d.Type == registry.TypeGeopoint:
			for i, part := range geoParts {
				cols = append(cols, column{name: d.Name + "_" + part, kind: f.Kind, field: d.Name, geoPart: i, typ: registry.TypeDecimal, def: d})
			}
			continue
		}
		cols = append(cols, column{name: d.Name, kind: f.Kind, field: d.Name, geoPart: -1, typ: d.Type, def: d})
	}
	return cols
}

// geoSplit returns the parts of a canonical geopoint value.
func geoSplit(v string) []string {
	parts := strings.Fields(v)
	out := make([]string, len(geoParts))
	copy(out, parts)
	return out
}

// geoJoin makes a geopoint value from its parts; "" when lat or lon is
// missing. Trailing empty parts are dropped; an accuracy without altitude
// gets altitude 0, as ODK writes it.
func geoJoin(parts []string) string {
	if parts[0] == "" || parts[1] == "" {
		return ""
	}
	out := []string{parts[0], parts[1]}
	switch {
	case parts[3] != "":
		alt := parts[2]
		if alt == "" {
			alt = "0"
		}
		out = append(out, alt, parts[3])
	case parts[2] != "":
		out = append(out, parts[2])
	}
	return strings.Join(out, " ")
}

package exchange

import (
	"errors"
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

	// The form version ref ("id@version") each record was last written
	// under (registry.Record.Form): _form in a table of one kind, one per
	// record in person-level rows. The "_" keeps them apart from any
	// question's name, as Kobo's own _id and _uuid are.
	colForm          = "_form"
	colHouseholdForm = "_household_form"
	colPersonForm    = "_person_form"
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
// household_id (each kind's current version's questions, then those only
// older versions have), then household_version, person_version and the
// form version refs _household_form and _person_form. Both exports
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
	cols = appendOlderColumns(cols, forms, registry.KindHousehold, true)
	cols = append(cols, idColumn(colPersonID, registry.TypeRef))
	cols = appendFormColumns(cols, pf, false)
	cols = appendOlderColumns(cols, forms, registry.KindPerson, false)
	cols = append(cols,
		idColumn(colHouseholdVersion, registry.TypeText),
		idColumn(colPersonVersion, registry.TypeText),
		idColumn(colHouseholdForm, registry.TypeText),
		idColumn(colPersonForm, registry.TypeText))
	return cols, nil
}

// recordColumns returns the columns of a table of one kind's records: the
// record's id (household_id for households, person_id for persons, id for
// any other kind), then the current form's fields in form order, household_id among
// them where the form has it (a member's or an assessment's household),
// then the questions only older versions have, then _form.
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
	cols = appendFormColumns(cols, f, true)
	cols = appendOlderColumns(cols, forms, kind, true)
	return append(cols, idColumn(colForm, registry.TypeText)), nil
}

// olderVersions returns the versions of kind that forms holds besides the
// current one, newest first.
func olderVersions(forms *registry.Forms, kind string) []*registry.Form {
	cur, _ := forms.Form(kind)
	all := forms.All()
	var out []*registry.Form
	for i := len(all) - 1; i >= 0; i-- {
		if f := all[i]; f.Kind == kind && f != cur {
			out = append(out, f)
		}
	}
	return out
}

// appendOlderColumns appends, after the current form's columns, those of
// questions only older versions of kind have: a record written under v1
// keeps its answer to a question v2 dropped, and the export must not lose
// it. Each is described as the newest version that has it describes it.
func appendOlderColumns(cols []column, forms *registry.Forms, kind string, withRef bool) []column {
	have := map[string]bool{}
	for _, c := range cols {
		if c.kind == kind {
			have[c.field] = true
		}
	}
	for _, f := range olderVersions(forms, kind) {
		var only registry.Form
		only.Kind = f.Kind
		for _, d := range f.Fields {
			if !have[d.Name] {
				have[d.Name] = true
				only.Fields = append(only.Fields, d)
			}
		}
		cols = appendFormColumns(cols, &only, withRef)
	}
	return cols
}

// fieldDef returns the definition of kind's field name: the current
// version's, else the newest older version's that has it (the columns an
// export writes, appendOlderColumns).
func fieldDef(forms *registry.Forms, kind, name string) (registry.FieldDef, bool) {
	if f, ok := forms.Form(kind); ok {
		if d, ok := f.Field(name); ok {
			return d, true
		}
	}
	for _, f := range olderVersions(forms, kind) {
		if d, ok := f.Field(name); ok {
			return d, true
		}
	}
	return registry.FieldDef{}, false
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

// errFormRef is why a form column's cell was refused.
var errFormRef = errors.New(`not a form version (want "id@version", as the export writes it)`)

// checkFormRef checks a _form cell or JSON "form": a ref as
// registry.FormRef makes it, id and version both non-empty, text the value
// rule accepts.
func checkFormRef(ref string) error {
	id, version, ok := strings.Cut(ref, "@")
	if !ok || id == "" || version == "" || strings.TrimSpace(ref) != ref {
		return errFormRef
	}
	if rule, _ := registry.CheckValue(ref, false); rule != "" {
		return errFormRef
	}
	return nil
}

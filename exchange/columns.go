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
	colPersonVersion    = "person_version"
)

// The parts of a geopoint, each its own column (gps_lat, gps_lon, …): a
// spreadsheet or a map tool reads numbers, not "lat lon" strings.
var geoParts = []string{"lat", "lon", "alt", "accuracy"}

// column is one column of person-level CSV: a field of the household or the
// person form, or one part of a geopoint field.
type column struct {
	name    string // header
	kind    string // registry.KindHousehold or KindPerson; "" for the id columns
	field   string // the field it holds ("" for the id columns)
	geoPart int    // for a geopoint: the index in geoParts; -1 otherwise
	typ     registry.FieldType
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
	cols := []column{{name: colHouseholdID, geoPart: -1, typ: registry.TypeRef}}
	cols = appendFormColumns(cols, hf)
	cols = append(cols, column{name: colPersonID, geoPart: -1, typ: registry.TypeRef})
	cols = appendFormColumns(cols, pf)
	cols = append(cols,
		column{name: colHouseholdVersion, geoPart: -1, typ: registry.TypeText},
		column{name: colPersonVersion, geoPart: -1, typ: registry.TypeText})
	return cols, nil
}

func appendFormColumns(cols []column, f *registry.Form) []column {
	for _, d := range f.Fields {
		if f.Kind == registry.KindPerson && d.Name == colHouseholdID {
			continue
		}
		if d.Type == registry.TypeGeopoint {
			for i, part := range geoParts {
				cols = append(cols, column{name: d.Name + "_" + part, kind: f.Kind, field: d.Name, geoPart: i, typ: registry.TypeDecimal})
			}
			continue
		}
		cols = append(cols, column{name: d.Name, kind: f.Kind, field: d.Name, geoPart: -1, typ: d.Type})
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

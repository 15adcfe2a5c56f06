package corpus

import (
	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
)

// registeredBy is the day the corpus's households count as registered by:
// no birth in its fields falls after it, so every record passes the forms'
// "not in the future" rule from that day on, whichever day a test runs.
var registeredBy = date{thisYear, 6, 30}.String()

// Fields returns the household's fields by their export names, as
// `fieldctl register` and the store take them, in the forms' canonical
// spelling.
func (h Household) Fields() map[string]string {
	gps := h.GPS
	if c, err := registry.CanonicalValue(registry.TypeGeopoint, gps); err == nil {
		gps = c // "12.5 43.1", not "12.50000 43.10000"
	}
	f := map[string]string{
		"site": h.Site, "admin1": h.Admin1, "admin2": h.Admin2, "gps": gps,
		"displacement_date": h.DisplacementDate, "origin": h.Origin,
		"consent": "true", "consent_date": h.RegistrationDate, "status": "active",
	}
	if h.Phone != "" {
		f["phone"] = h.Phone
	}
	for _, m := range h.Members {
		if m.Relationship == "head" {
			f["consent_by"] = m.GivenName + " " + m.FamilyName
		}
	}
	return f
}

// Fields returns the member's fields by their export names.
func (m Member) Fields(household uuid.UUID) map[string]string {
	f := map[string]string{
		"household_id": household.String(), "relationship": m.Relationship,
		"given_name": m.GivenName, "family_name": m.FamilyName,
		"sex": m.Sex, "birth_date": min(m.BirthDate, registeredBy), "birth_date_estimated": "false",
	}
	if m.OtherNames != "" {
		f["other_names"] = m.OtherNames
	}
	if m.BirthDateEstimated {
		f["birth_date_estimated"] = "true"
	}
	return f
}

// Records returns the household and its members as records whose every
// field was written by one change stamped stamp.
func (h Household) Records(stamp change.Stamp) (household registry.Record, members []registry.Record) {
	household = record(h.ID, registry.KindHousehold, h.Fields(), stamp)
	for _, m := range h.Members {
		members = append(members, record(m.ID, registry.KindPerson, m.Fields(h.ID), stamp))
	}
	return household, members
}

func record(id uuid.UUID, kind string, values map[string]string, stamp change.Stamp) registry.Record {
	r := registry.Record{ID: id, Kind: kind, Fields: make(map[string]change.Field, len(values))}
	for name, v := range values {
		r.Fields[name] = change.Field{Versions: []change.Version{{Value: v, Stamp: stamp}}}
	}
	return r
}

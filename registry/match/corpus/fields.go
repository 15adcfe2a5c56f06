package corpus

import (
	"github.com/google/uuid"

	"fieldreg/registry"
	"fieldreg/sync/change"
)

// Fields returns the household's fields by their export names, as
// `fieldctl register` and the store take them.
func (h Household) Fields() map[string]string {
	f := map[string]string{
		"site": h.Site, "admin1": h.Admin1, "admin2": h.Admin2, "gps": h.GPS,
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
		"sex": m.Sex, "birth_date": m.BirthDate, "birth_date_estimated": "false",
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

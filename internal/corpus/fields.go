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
		registry.FieldSite: h.Site, registry.FieldAdmin1: h.Admin1, registry.FieldAdmin2: h.Admin2, registry.FieldGPS: gps,
		"displacement_date": h.DisplacementDate, "origin": h.Origin,
		registry.FieldConsent: "true", registry.FieldConsentDate: h.RegistrationDate, registry.FieldStatus: "active",
	}
	if h.Phone != "" {
		f[registry.FieldPhone] = h.Phone
	}
	for _, m := range h.Members {
		if m.Relationship == registry.RelationshipHead {
			f[registry.FieldConsentBy] = m.GivenName + " " + m.FamilyName
		}
	}
	return f
}

// Fields returns the member's fields by their export names.
func (m Member) Fields(household uuid.UUID) map[string]string {
	f := map[string]string{
		registry.FieldHouseholdID: household.String(), registry.FieldRelationship: m.Relationship,
		registry.FieldGivenName: m.GivenName, registry.FieldFamilyName: m.FamilyName,
		registry.FieldSex: m.Sex, registry.FieldBirthDate: min(m.BirthDate, registeredBy), registry.FieldBirthDateEstimated: "false",
	}
	if m.OtherNames != "" {
		f[registry.FieldOtherNames] = m.OtherNames
	}
	if m.BirthDateEstimated {
		f[registry.FieldBirthDateEstimated] = "true"
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

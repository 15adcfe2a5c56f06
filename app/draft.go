package app

import (
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"fieldreg/registry"
)

// draftName is the store draft holding the registration in progress.
const draftName = "register"

// registration is a household being registered: everything typed so far,
// saved encrypted as a store draft at every step so a killed app, a flat
// battery or the auto-lock loses nothing.
type registration struct {
	Step         int               `json:"step"`
	Household    uuid.UUID         `json:"household"`
	Fields       map[string]string `json:"fields"`
	Members      []member          `json:"members"`
	Typing       member            `json:"typing"`  // the person form as it is now
	Editing      int               `json:"editing"` // index in Members of the person being edited; -1 for a new one
	AssessmentID uuid.UUID         `json:"assessment_id"`
	Assessment   map[string]string `json:"assessment"`
	// Carried are the answers taken over from the household saved before
	// (carriedFields): a team registers a site's households one after the
	// other, so the next one starts where the last one was.
	Carried map[string]string `json:"carried,omitempty"`
}

// carriedFields are the household answers the next registration starts
// with: where the team is.
var carriedFields = []string{registry.FieldSite, registry.FieldAdmin1, registry.FieldAdmin2}

// following is a new registration that starts where r was: at r's site
// (carriedFields), as saved, or as carried into r if it is discarded.
func (r *registration) following(device uuid.UUID, saved bool) *registration {
	next := newRegistration(device)
	from := r.Carried
	if saved {
		from = r.Fields
	}
	for _, k := range carriedFields {
		if v := from[k]; v != "" {
			if next.Carried == nil {
				next.Carried = map[string]string{}
			}
			next.Carried[k] = v
			next.Fields[k] = v
		}
	}
	return next
}

type member struct {
	ID     uuid.UUID         `json:"id"`
	Fields map[string]string `json:"fields"`
}

func newRegistration(device uuid.UUID) *registration {
	return &registration{
		Household:    newID(device),
		Fields:       map[string]string{},
		Typing:       member{ID: newID(device), Fields: map[string]string{}},
		Editing:      -1,
		AssessmentID: newID(device),
		Assessment:   map[string]string{},
	}
}

// householdUntouched reports whether the household form holds nothing but
// what was carried from the household before: its defaults still apply.
func (r *registration) householdUntouched() bool {
	for k, v := range r.Fields {
		if r.Carried[k] != v {
			return false
		}
	}
	return true
}

// empty reports whether nothing was typed yet. Defaults the app fills in
// (status, consent unticked, the head's relationship, today's date) and
// answers carried from the household before do not count.
func (r *registration) empty() bool {
	typed := func(f, carried map[string]string, defaults ...string) bool {
		for k, v := range f {
			unticked := k == registry.FieldConsent && v == "false"
			if v != "" && !unticked && carried[k] != v && !contains(defaults, k) {
				return true
			}
		}
		return false
	}
	return r.Step == stepHousehold && len(r.Members) == 0 &&
		!typed(r.Fields, r.Carried, registry.FieldStatus, registry.FieldConsentDate) && !typed(r.Typing.Fields, nil, registry.FieldRelationship) && !typed(r.Assessment, nil, registry.FieldDate)
}

func (r *registration) encode() ([]byte, error) { return json.Marshal(r) }

func decodeRegistration(data []byte, device uuid.UUID) (*registration, error) {
	r := newRegistration(device)
	if err := json.Unmarshal(data, r); err != nil {
		return nil, fmt.Errorf("decode registration draft: %w", err)
	}
	if r.Household == uuid.Nil || r.Step < 0 || r.Step >= stepCount || r.Editing < -1 || r.Editing >= len(r.Members) {
		return nil, fmt.Errorf("decode registration draft: inconsistent draft")
	}
	if r.Fields == nil {
		r.Fields = map[string]string{}
	}
	if r.Assessment == nil {
		r.Assessment = map[string]string{}
	}
	if r.Typing.Fields == nil {
		r.Typing.Fields = map[string]string{}
	}
	if r.Typing.ID == uuid.Nil {
		r.Typing.ID = newID(device)
	}
	return r, nil
}

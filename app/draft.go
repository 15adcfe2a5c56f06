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

// empty reports whether nothing was typed yet. Defaults the app fills in
// (status, consent unticked, the head's relationship, today's date) do
// not count.
func (r *registration) empty() bool {
	typed := func(f map[string]string, defaults ...string) bool {
		for k, v := range f {
			unticked := k == registry.FieldConsent && v == "false"
			if v != "" && !unticked && !contains(defaults, k) {
				return true
			}
		}
		return false
	}
	return r.Step == stepHousehold && len(r.Members) == 0 &&
		!typed(r.Fields, registry.FieldStatus, registry.FieldConsentDate) && !typed(r.Typing.Fields, registry.FieldRelationship) && !typed(r.Assessment, registry.FieldDate)
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

package ops

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store"
)

// Household is a household as a front end gives it to be registered: its
// own fields, its members' and its assessments'. Members and assessments
// belong to the household whatever their fields say (a household_id that
// names another household is refused). Records with ids the workspace holds
// are updated; the others are created.
type Household struct {
	Entry
	Members     []Entry
	Assessments []Entry
}

// Entry is one record of a Household: its id (registry.NewID() for a new
// one) and the canonical values of its fields. Empty values are left out, so
// an input missing a field does not blank it.
type Entry struct {
	ID     uuid.UUID
	Fields map[string]string
}

// The errors about a household's ids, which no form checks.
var (
	// ErrIDInUse means an id is already a record of another kind.
	ErrIDInUse = errors.New("id already used")
	// ErrOtherHousehold means a member's household_id is not its household's.
	ErrOtherHousehold = errors.New("does not match the household's id")
	// ErrRefused is wrapped by Register's error when the rules refuse a
	// household: the registry.ValidationErrors say which record, field and
	// rule.
	ErrRefused = errors.New("refused")
)

// Plan is a household turned into records, checked but not written.
type Plan struct {
	Household   Planned
	Members     []Planned
	Assessments []Planned
	Existing    []registry.Record // stored members the input does not mention
}

// Planned is one record of a plan: the edit that stores it, the record as it
// will be once stored (what is there already merged with what the input
// sets), and what its form's rules say of it.
type Planned struct {
	Name    string // how the input names it: "member 2"; "" for the household itself
	Edit    store.Edit
	After   registry.Record
	Invalid error // the record's own rules refuse it
}

// PlanHousehold plans a household. Its error is about the input's ids (an
// id of another kind, of a deleted record, a member pointing elsewhere) or
// reading the store; the rules' verdicts on the records are in the plan
// (Problems). Nothing is written.
func PlanHousehold(ws Workspace, forms *registry.Forms, h Household, now time.Time) (*Plan, error) {
	p := &Plan{}
	hid := h.ID
	var err error
	if p.Household, err = planRecord(ws, forms, hid, registry.KindHousehold, h.Fields, "", now); err != nil {
		return p, err
	}
	mentioned := make(map[uuid.UUID]bool)
	for i, m := range h.Members {
		rp, err := planMember(ws, forms, hid, m, registry.KindPerson, fmt.Sprintf("member %d", i), now)
		if err != nil {
			return p, err
		}
		mentioned[rp.Edit.Record] = true
		p.Members = append(p.Members, rp)
	}
	for i, a := range h.Assessments {
		rp, err := planMember(ws, forms, hid, a, registry.KindAssessment, fmt.Sprintf("assessment %d", i), now)
		if err != nil {
			return p, err
		}
		p.Assessments = append(p.Assessments, rp)
	}
	for _, id := range ws.Members(hid) {
		if mentioned[id] {
			continue
		}
		rec, err := ws.Get(id)
		if err != nil {
			return p, fmt.Errorf("read member %s: %w", id, err)
		}
		p.Existing = append(p.Existing, rec)
	}
	return p, nil
}

// planMember plans a person or assessment of household hid.
func planMember(ws Workspace, forms *registry.Forms, hid uuid.UUID, e Entry, kind, name string, now time.Time) (Planned, error) {
	fields := make(map[string]string, len(e.Fields)+1)
	for k, v := range e.Fields {
		fields[k] = v
	}
	if ref, ok := fields[registry.FieldHouseholdID]; ok && ref != "" && ref != hid.String() {
		return Planned{}, fieldErr(name, registry.FieldHouseholdID, ErrOtherHousehold)
	}
	fields[registry.FieldHouseholdID] = hid.String()
	return planRecord(ws, forms, e.ID, kind, fields, name, now)
}

// planRecord plans the edit that sets fields on record id. A new record
// starts with its form's defaults; empty input values are left out.
func planRecord(ws Workspace, forms *registry.Forms, id uuid.UUID, kind string, fields map[string]string, name string, now time.Time) (Planned, error) {
	if id == uuid.Nil {
		return Planned{}, fieldErr(name, "id", errors.New("not a record id (a UUID)"))
	}
	after := registry.Record{ID: id, Kind: kind, Fields: map[string]change.Field{}}
	if existing, ok := ws.Kind(id); ok {
		if existing != kind {
			return Planned{}, fieldErr(name, "id", &recordError{fmt.Sprintf("already used by a %s record", existing), ErrIDInUse})
		}
		got, err := ws.Get(id)
		if err != nil {
			return Planned{}, fmt.Errorf("read record %s: %w", id, err)
		}
		if got.Deleted() {
			// Writing fields would not bring it back, only hide the new data.
			return Planned{}, fieldErr(name, "id", &recordError{"that record was deleted", ErrDeleted})
		}
		after = got.Clone()
	}
	set := make(map[string]string, len(fields))
	for k, v := range fields {
		if v != "" {
			set[k] = v
		}
	}
	if len(after.Fields) == 0 {
		if form, ok := forms.Form(kind); ok {
			for _, d := range form.Fields {
				if _, given := set[d.Name]; !given && d.Default != "" {
					set[d.Name] = d.Default
				}
			}
		}
	}
	for k, v := range set {
		after.Fields[k] = change.Field{Versions: []change.Version{{Value: v}}}
	}
	return Planned{
		Name:    name,
		Edit:    store.Edit{Record: id, Kind: kind, Set: set},
		After:   after,
		Invalid: forms.Validate(after, now),
	}, nil
}

// fieldErr names where a problem is without quoting any value.
func fieldErr(record, field string, err error) error {
	if record == "" {
		return fmt.Errorf("%s: %w", field, err)
	}
	return fmt.Errorf("%s: %s: %w", record, field, err)
}

// HeadProblem checks the household as a whole, counting the members already
// stored and the planned ones their own rules accept: exactly one head.
func (p *Plan) HeadProblem() error {
	members := append([]registry.Record(nil), p.Existing...)
	for _, m := range p.Members {
		if m.Invalid == nil {
			members = append(members, m.After)
		}
	}
	return registry.ValidateHousehold(p.Household.After, members)
}

// Problems returns every rule the household breaks, record by record and as
// a whole: what refuses it when a household is all or nothing. A member its
// own rules refuse still counts in the head check: a refused second head is
// still a second head in the input.
func (p *Plan) Problems() error {
	errs := []error{p.Household.Invalid}
	members := append([]registry.Record(nil), p.Existing...)
	for _, rp := range p.Members {
		errs = append(errs, rp.Invalid)
		members = append(members, rp.After)
	}
	for _, rp := range p.Assessments {
		errs = append(errs, rp.Invalid)
	}
	if err := registry.ValidateHousehold(p.Household.After, members); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Records returns the plan's records: the household, its members, its
// assessments.
func (p *Plan) Records() []Planned {
	out := append([]Planned{p.Household}, p.Members...)
	return append(out, p.Assessments...)
}

// Edits returns the edits that store the plan's records, leaving out those
// their own rules refuse.
func (p *Plan) Edits() []store.Edit {
	var edits []store.Edit
	for _, rp := range p.Records() {
		if rp.Invalid == nil {
			edits = append(edits, rp.Edit)
		}
	}
	return edits
}

// Registered is what Register stored.
type Registered struct {
	Households, Members, Assessments int
}

// Register stores households with their members and assessments in one
// commit, after every record's form and each household's head rule accept
// them: all or nothing. A refusal wraps ErrRefused and the
// registry.ValidationErrors naming each record, field and rule.
func Register(ws Workspace, forms *registry.Forms, now time.Time, households ...Household) (Registered, error) {
	var edits []store.Edit
	var r Registered
	for _, h := range households {
		p, err := PlanHousehold(ws, forms, h, now)
		if err != nil {
			return Registered{}, fmt.Errorf("register household %s: %w", h.ID, err)
		}
		if err := p.Problems(); err != nil {
			return Registered{}, fmt.Errorf("register household %s: %w: %w", h.ID, ErrRefused, err)
		}
		edits = append(edits, p.Edits()...)
		r.Households++
		r.Members += len(p.Members)
		r.Assessments += len(p.Assessments)
	}
	if _, err := ws.Commit(edits...); err != nil {
		return Registered{}, fmt.Errorf("register %d households: %w", len(households), err)
	}
	return r, nil
}

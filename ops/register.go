package ops

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/registry/formrun"
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
	// Version is, for a record read from an export, which version of each
	// field the export wrote out (exchange.Version); nil when the input
	// does not say. A record the workspace holds is then written against
	// it: a field changed since becomes a conflict, never a silent revert.
	Version Version
	// IfExists says what to do with a record the workspace holds when the
	// input gives no Version.
	IfExists Existing
}

// Version says which version of each of a record's fields an export wrote
// out.
type Version interface {
	// Exported returns the stamp of the version of field name the export
	// wrote, among those f holds; false when none of them is (the field had
	// no value then, or that version has not reached this workspace).
	Exported(name string, f change.Field) (change.Stamp, bool)
}

// Existing is what to do with an entry whose record the workspace holds
// already, when nothing says what the entry's values were read at.
type Existing int

const (
	// RefuseExisting refuses the entry if it would change the record
	// (ErrRegistered): writing over it could undo an edit made since. An
	// entry that changes nothing is fine.
	RefuseExisting Existing = iota
	// UpdateExisting writes over the record: the user asked to.
	UpdateExisting
)

// Outcome is what registering an entry does to its record.
type Outcome int

const (
	Created    Outcome = iota // a new record
	Unchanged                 // the record holds these values already: nothing written
	Updated                   // fields written
	Conflicted                // written against an older version: Planned.Conflicts changed since
)

// The errors about a household's ids, which no form checks.
var (
	// ErrIDInUse means an id is already a record of another kind.
	ErrIDInUse = errors.New("id already used")
	// ErrOtherHousehold means a member's household_id is not its household's.
	ErrOtherHousehold = errors.New("does not match the household's id")
	// ErrRegistered refuses an entry that would write over a record the
	// workspace holds, with no version to write against (RefuseExisting).
	ErrRegistered = errors.New("already registered")
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

	Outcome Outcome
	// Conflicts names the fields the input would have put back to what they
	// were at its export: each is written as a value concurrent with the
	// one there now, which stays the visible one (Keep), for a supervisor
	// to settle.
	Conflicts []string
	// Keep writes, for each field of Conflicts, the value there now again
	// against its own stamp, so that it wins over the input's older one
	// and both stay heads. Its Set is empty when there are no conflicts.
	Keep store.Edit
}

// PlanHousehold plans a household. Its error is about the input's ids (an
// id of another kind, of a deleted record, a member pointing elsewhere) or
// reading the store; the rules' verdicts on the records are in the plan
// (Problems). Nothing is written.
func PlanHousehold(ws Workspace, forms *registry.Forms, h Household, now time.Time) (*Plan, error) {
	p := &Plan{}
	hid := h.ID
	// One validator for the plan: each form's expressions compiled once.
	rules := formrun.NewValidator(forms)
	var err error
	if p.Household, err = planRecord(ws, forms, rules, nil, h.Entry, registry.KindHousehold, h.Fields, "", now); err != nil {
		return p, err
	}
	mentioned := make(map[uuid.UUID]bool)
	for i, m := range h.Members {
		rp, err := planMember(ws, forms, rules, &p.Household.After, m, registry.KindPerson, fmt.Sprintf("member %d", i), now)
		if err != nil {
			return p, err
		}
		mentioned[rp.Edit.Record] = true
		p.Members = append(p.Members, rp)
	}
	for i, a := range h.Assessments {
		rp, err := planMember(ws, forms, rules, &p.Household.After, a, registry.KindAssessment, fmt.Sprintf("assessment %d", i), now)
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

// planMember plans a person or assessment of household hh (as planned: its
// expressions may read the household's answers).
func planMember(ws Workspace, forms *registry.Forms, rules *formrun.Validator, hh *registry.Record, e Entry, kind, name string, now time.Time) (Planned, error) {
	hid := hh.ID
	fields := make(map[string]string, len(e.Fields)+1)
	for k, v := range e.Fields {
		fields[k] = v
	}
	if ref, ok := fields[registry.FieldHouseholdID]; ok && ref != "" && ref != hid.String() {
		return Planned{}, fieldErr(name, registry.FieldHouseholdID, ErrOtherHousehold)
	}
	fields[registry.FieldHouseholdID] = hid.String()
	return planRecord(ws, forms, rules, hh, e, kind, fields, name, now)
}

// planRecord plans the edit that sets fields on record e.ID. A new record
// starts with its form's defaults; empty input values are left out. A
// record the workspace holds is written as e.Version and e.IfExists say.
// rules judges the record as the app would (formrun: relevance,
// constraints, required only when asked), parent being the household of a
// member.
func planRecord(ws Workspace, forms *registry.Forms, rules *formrun.Validator, parent *registry.Record, e Entry, kind string, fields map[string]string, name string, now time.Time) (Planned, error) {
	id := e.ID
	if id == uuid.Nil {
		return Planned{}, fieldErr(name, "id", errors.New("not a record id (a UUID)"))
	}
	set := make(map[string]string, len(fields))
	for k, v := range fields {
		if v != "" {
			set[k] = v
		}
	}
	after := registry.Record{ID: id, Kind: kind, Fields: map[string]change.Field{}}
	planned := Planned{Name: name, Edit: store.Edit{Record: id, Kind: kind, Set: set}}
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
		if err := planExisting(&planned, got, e); err != nil {
			return Planned{}, where(name, err)
		}
	} else if form, ok := forms.Form(kind); ok {
		for _, d := range form.Fields {
			if _, given := set[d.Name]; !given && d.Default != "" {
				set[d.Name] = d.Default
			}
		}
	}
	for k, v := range planned.Edit.Set {
		if _, conflict := planned.Keep.Set[k]; !conflict {
			after.Fields[k] = change.Field{Versions: []change.Version{{Value: v}}}
		}
	}
	planned.After = after
	planned.Invalid = rules.Validate(after, parent, now)
	// The change records the version its rules were checked against: the
	// current form, which Validate uses.
	planned.Edit.Form = forms.CurrentRef(kind)
	if len(planned.Keep.Set) > 0 {
		planned.Keep.Form = planned.Edit.Form
	}
	return planned, nil
}

// planExisting plans the writes of entry e to got, a record the workspace
// holds: only the fields whose value changes, written against e's version
// when it has one, else as e.IfExists says.
func planExisting(p *Planned, got registry.Record, e Entry) error {
	set := p.Edit.Set
	var changed []string
	for _, k := range slices.Sorted(maps.Keys(set)) {
		if set[k] == got.Value(k) {
			delete(set, k) // an unchanged value writes nothing
			continue
		}
		changed = append(changed, k)
	}
	switch {
	case len(changed) == 0:
		p.Outcome = Unchanged
		return nil
	case e.Version != nil:
		for _, k := range changed {
			f := got.Fields[k]
			current := f.Stamp()
			// Not found, the base is zero: concurrent with every version.
			base, _ := e.Version.Exported(k, f)
			if base == current {
				continue
			}
			if wroteBefore(f, set[k], base) {
				// The same input, against the same export, was registered
				// before: its conflict is there (or was settled since).
				delete(set, k)
				continue
			}
			// Changed since the export: the input's value is written as the
			// export's, concurrent with the one there now, which is written
			// again to stay the visible one. Both are heads: a conflict.
			if p.Edit.Base == nil {
				p.Edit.Base = make(map[string]change.Stamp)
				p.Keep = store.Edit{Record: got.ID, Kind: got.Kind, Set: map[string]string{}, Base: map[string]change.Stamp{}}
			}
			p.Edit.Base[k] = base
			p.Keep.Set[k], p.Keep.Base[k] = got.Value(k), current
			p.Conflicts = append(p.Conflicts, k)
		}
		switch {
		case len(p.Conflicts) > 0:
			p.Outcome = Conflicted
		case len(set) > 0:
			p.Outcome = Updated
		default:
			p.Outcome = Unchanged
		}
		return nil
	}
	if e.IfExists == UpdateExisting {
		p.Outcome = Updated
		return nil
	}
	return &recordError{
		fmt.Sprintf("%s %s is already registered, and this would change %s", got.Kind, got.ID, strings.Join(changed, ", ")),
		ErrRegistered,
	}
}

// wroteBefore reports whether the field holds a version of value written
// against base: what writing the same input against the same export again
// would add.
func wroteBefore(f change.Field, value string, base change.Stamp) bool {
	for _, v := range f.Versions {
		if v.Value == value && v.Base == base {
			return true
		}
	}
	return false
}

// where names the record of the input a problem is about.
func where(record string, err error) error {
	if record == "" {
		return err
	}
	return fmt.Errorf("%s: %w", record, err)
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
// their own rules refuse: each record's edit, then what keeps the values of
// its conflicts visible.
func (p *Plan) Edits() []store.Edit {
	var edits []store.Edit
	for _, rp := range p.Records() {
		if rp.Invalid == nil {
			edits = append(edits, rp.Edits()...)
		}
	}
	return edits
}

// Edits returns the record's edits: what the input writes, and what keeps
// the values of its conflicts visible. A record the input leaves as it is
// has none.
func (rp Planned) Edits() []store.Edit {
	var edits []store.Edit
	if len(rp.Edit.Set) > 0 {
		edits = append(edits, rp.Edit)
	}
	if len(rp.Keep.Set) > 0 {
		edits = append(edits, rp.Keep)
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

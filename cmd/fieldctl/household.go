package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"fieldreg/exchange"
	"fieldreg/ops"
	"fieldreg/registry"
	"fieldreg/store"
)

// householdPlan is a household of the exchange shape planned by
// ops.PlanHousehold: its records checked, nothing written.
type householdPlan struct{ *ops.Plan }

// intake says how the records of an input meet those the workspace holds
// (see docs/design.md, "Re-imports"): a record the input names by id is
// written against the version its export gave; without one it is refused
// when it would change a stored record, unless update (--update) asks to
// write over it.
type intake struct {
	update bool
	// own, for an import, says the household was made by this run from
	// earlier rows of the file: its later rows write over its fields as the
	// first did.
	own bool
	// device is the workspace's id: new records get ids bound to it
	// (registry.NewIDFor), which no other device may create at HQ.
	device uuid.UUID
}

// planHousehold plans a household of the exchange shape. Its error is about
// the input's ids (a malformed id, an id of another kind, a record it would
// write over) or reading the store; the rules' verdicts are in the plan.
func planHousehold(s *session, h exchange.Household, in intake, now time.Time) (householdPlan, error) {
	in.device = s.ws.Device()
	oh, err := in.household(h)
	if err != nil {
		return householdPlan{}, err
	}
	p, err := ops.PlanHousehold(s.ws, s.forms, oh, now)
	if errors.Is(err, ops.ErrRegistered) {
		err = fmt.Errorf("%w; pass --update to write over it", err)
	}
	return householdPlan{p}, err
}

// household reads the ids and versions of a household of the exchange
// shape; a record without an id is new.
func (in intake) household(h exchange.Household) (ops.Household, error) {
	var oh ops.Household
	var err error
	if oh.Entry, err = in.entry(h.Doc, ""); err != nil {
		return oh, err
	}
	for i, m := range h.Members {
		e, err := in.entry(m, fmt.Sprintf("member %d", i))
		if err != nil {
			return oh, err
		}
		oh.Members = append(oh.Members, e)
	}
	for i, a := range h.Assessments {
		e, err := in.entry(a, fmt.Sprintf("assessment %d", i))
		if err != nil {
			return oh, err
		}
		oh.Assessments = append(oh.Assessments, e)
	}
	return oh, nil
}

func (in intake) entry(d exchange.Doc, name string) (ops.Entry, error) {
	e := ops.Entry{ID: registry.NewIDFor(in.device), Fields: d.Fields, IfExists: ops.RefuseExisting}
	if in.update || (in.own && name == "") {
		e.IfExists = ops.UpdateExisting
	}
	if d.Version != "" {
		version, err := exchange.ParseVersion(d.Version)
		if err != nil {
			return e, fieldErr(name, "version", err)
		}
		e.Version = version
	}
	if d.ID != "" {
		id, err := uuid.Parse(d.ID)
		if err != nil || id == uuid.Nil {
			return e, fieldErr(name, "id", errors.New("not a record id (a UUID)"))
		}
		e.ID = id
	}
	return e, nil
}

// externalKeys finds households by registry.FieldExternalKey: another
// agency's key, or the keyed digest of a household's own text in an input
// that gave it no id. The stored keys are read once, at the first lookup.
type externalKeys struct {
	ws   *store.Workspace
	keys map[string]uuid.UUID // nil until read
	gone map[uuid.UUID]bool   // the deleted households among them
}

// errGone refuses a household found again that a supervisor deleted since:
// an input read again must not bring it back.
var errGone = errors.New("this household was deleted in this workspace since it was imported; it is not imported again")

// textKey returns the key of a household of the input that has neither id
// nor key, made from its text; "" for any other household.
func (k *externalKeys) textKey(h exchange.Household) (string, error) {
	if h.ID != "" || h.Key != "" || h.Origin == "" {
		return "", nil
	}
	d, err := k.ws.KeyedDigest(h.Origin)
	if err != nil {
		return "", err
	}
	return "digest:" + d, nil
}

// lookup returns the household stored with key.
func (k *externalKeys) lookup(key string) (uuid.UUID, bool, error) {
	if k.keys == nil {
		if err := k.read(); err != nil {
			return uuid.Nil, false, fmt.Errorf("read the household keys of earlier imports: %w", err)
		}
	}
	id, ok := k.keys[key]
	if ok && k.gone[id] {
		return id, true, errGone
	}
	return id, ok, nil
}

func (k *externalKeys) read() error {
	k.keys, k.gone = make(map[string]uuid.UUID), make(map[uuid.UUID]bool)
	note := func(r registry.Record) error {
		if key := r.Value(registry.FieldExternalKey); key != "" {
			k.keys[key] = r.ID
		}
		return nil
	}
	if err := k.ws.Each(registry.KindHousehold, note); err != nil {
		return err
	}
	for _, id := range k.ws.DeletedIDs(registry.KindHousehold) {
		r, err := k.ws.Get(id)
		if err != nil {
			return fmt.Errorf("read household %s: %w", id, err)
		}
		if _, live := k.keys[r.Value(registry.FieldExternalKey)]; !live {
			k.gone[id] = true
			note(r)
		}
	}
	return nil
}

// stored notes a record once it is stored: a household with a key is then
// found by it.
func (k *externalKeys) stored(rp ops.Planned) {
	if k.keys == nil || rp.Edit.Kind != registry.KindHousehold {
		return
	}
	if key := rp.After.Value(registry.FieldExternalKey); key != "" {
		k.keys[key] = rp.Edit.Record
	}
}

// unchanged is a household an earlier run stored from the same text: its
// live records, each already there and unchanged.
func unchanged(s *session, household uuid.UUID) ([]ops.Planned, error) {
	h, err := s.ws.Get(household)
	if err != nil {
		return nil, fmt.Errorf("read household %s: %w", household, err)
	}
	records := []registry.Record{h}
	for _, read := range []func(*session, uuid.UUID) ([]registry.Record, error){members, assessments} {
		rs, err := read(s, household)
		if err != nil {
			return nil, err
		}
		records = append(records, rs...)
	}
	out := make([]ops.Planned, len(records))
	for i, r := range records {
		out[i] = ops.Planned{Edit: store.Edit{Record: r.ID, Kind: r.Kind}, After: r, Outcome: ops.Unchanged}
	}
	return out, nil
}

// planned is a household ready to commit: its edits, and how to name its
// records in messages for the person who typed the input.
type planned struct {
	label   string // "household 3", "line 17": where in the input; never a value
	edits   []store.Edit
	records []ops.Planned        // the records stored, with what storing does to each
	names   map[uuid.UUID]string // record id → "member 2"
	line    int                  // the last line of the input it was read from; 0 when not from a list
}

// ready returns the household's edits, leaving out the records refused by
// their own rules.
func (hp householdPlan) ready(label string) planned {
	p := planned{label: label, names: make(map[uuid.UUID]string)}
	for _, rp := range hp.Records() {
		p.names[rp.Edit.Record] = rp.Name
		if rp.Invalid == nil {
			p.records = append(p.records, rp)
		}
	}
	p.edits = hp.Edits()
	return p
}

// fieldErr names where a problem is without quoting any value.
func fieldErr(record, field string, err error) error {
	if record == "" {
		return fmt.Errorf("%s: %w", field, err)
	}
	return fmt.Errorf("%s: %s: %w", record, field, err)
}

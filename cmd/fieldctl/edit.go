package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"fieldreg/registry"
	"fieldreg/store"
	"fieldreg/sync/change"
)

func runEdit(e *env, args []string) error {
	fs := newFlags(e, "edit")
	resolve := fs.Bool("resolve", false, "the values settle the fields' open conflicts (supervisors and admins); FIELD alone keeps the current value")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	if len(args) < 2 {
		return usagef("want a record id and at least one FIELD=VALUE")
	}
	id, err := parseID(args[0])
	if err != nil {
		return err
	}
	assignments, err := parseAssignments(args[1:], *resolve)
	if err != nil {
		return err
	}
	return e.withWorkspace(func(s *session) error {
		rec, err := getRecord(s, id)
		if err != nil {
			return err
		}
		set, err := editValues(s.forms, rec, assignments, e.now())
		if err != nil {
			return err
		}
		if err := checkHouseholdAfterEdit(s, rec, set); err != nil {
			return refusedEdit(s, err)
		}
		changes, err := s.ws.Commit(store.Edit{Record: id, Kind: rec.Kind, Set: set, Resolve: *resolve})
		if err != nil {
			if errors.Is(err, store.ErrForbidden) {
				return fmt.Errorf("edit %s: %w: only supervisors and admins resolve conflicts", id, err)
			}
			if isRefusal(err) {
				return refusedEdit(s, err)
			}
			return fmt.Errorf("edit %s: %w", id, err)
		}
		if len(changes) == 0 {
			fmt.Fprintf(e.stdout, "%s %s: nothing changed, the fields already hold these values\n", rec.Kind, id)
			return nil
		}
		fmt.Fprintf(e.stdout, "%s %s: changed %s\n", rec.Kind, id, strings.Join(changes[0].FieldNames(), ", "))
		return nil
	})
}

// assignment is one FIELD=VALUE of an edit; keep means FIELD alone with
// --resolve: settle the conflict on the value that currently wins.
type assignment struct {
	field, value string
	keep         bool
}

// parseAssignments reads FIELD=VALUE arguments. The messages name the
// argument's position, never its text, which holds a value.
func parseAssignments(args []string, resolve bool) ([]assignment, error) {
	var out []assignment
	seen := make(map[string]bool)
	for i, arg := range args {
		field, value, ok := strings.Cut(arg, "=")
		if !ok && !resolve {
			return nil, usagef("argument %d: want FIELD=VALUE", i+2)
		}
		if !validFieldName(field) {
			return nil, usagef("argument %d: want FIELD=VALUE with a field name of lower-case letters, digits and _", i+2)
		}
		if seen[field] {
			return nil, usagef("field %s given twice", field)
		}
		seen[field] = true
		out = append(out, assignment{field: field, value: value, keep: !ok})
	}
	return out, nil
}

func validFieldName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// editValues turns assignments into the canonical values to store, as the
// form types them. "age=N" on a person who has no age field sets an
// estimated birth date, as the form says an age is accepted.
func editValues(forms *registry.Forms, rec registry.Record, as []assignment, now time.Time) (map[string]string, error) {
	form, ok := forms.Form(rec.Kind)
	if !ok {
		return nil, fmt.Errorf("no form for %s records", rec.Kind)
	}
	set := make(map[string]string, len(as))
	var problems []registry.FieldError
	refuse := func(field, rule string, params ...string) {
		problems = append(problems, registry.FieldError{Record: rec.ID, Kind: rec.Kind, Field: field, Rule: rule, Params: params})
	}
	for _, a := range as {
		if strings.HasPrefix(a.field, "_") {
			return nil, usagef("%s is kept by the system (use fieldctl delete to delete a record)", a.field)
		}
		if a.keep {
			set[a.field] = rec.Value(a.field)
			continue
		}
		d, known := form.Field(a.field)
		if !known && a.field == "age" && rec.Kind == registry.KindPerson {
			years, err := strconv.Atoi(strings.TrimSpace(a.value))
			if err != nil || years < 0 {
				refuse("age", registry.RuleType, string(registry.TypeInteger))
				continue
			}
			set["birth_date"] = registry.BirthDateFromAge(years, now)
			set["birth_date_estimated"] = "true"
			continue
		}
		if !known {
			refuse(a.field, registry.RuleUnknownField)
			continue
		}
		// CanonicalValue's error quotes the value; the rule says enough.
		v, err := registry.CanonicalValue(d.Type, a.value)
		if err != nil {
			refuse(a.field, registry.RuleType, string(d.Type))
			continue
		}
		set[a.field] = v
	}
	if len(problems) > 0 {
		return nil, &registry.ValidationError{Errors: problems}
	}
	return set, nil
}

// checkHouseholdAfterEdit checks what one record's rules cannot: after a
// person's relationship or household changes, each household concerned
// still has exactly one head.
func checkHouseholdAfterEdit(s *session, person registry.Record, set map[string]string) error {
	_, rel := set["relationship"]
	_, moved := set["household_id"]
	if person.Kind != registry.KindPerson || !rel && !moved {
		return nil
	}
	after := person.Clone()
	for k, v := range set {
		after.Fields[k] = change.Field{Versions: []change.Version{{Value: v}}}
	}
	var problems []error
	for _, hid := range uniqueIDs(person.Value("household_id"), after.Value("household_id")) {
		hh, err := s.ws.Get(hid)
		if err != nil || hh.Deleted() || hh.Kind != registry.KindHousehold {
			if hid.String() == after.Value("household_id") {
				problems = append(problems, &registry.ValidationError{Errors: []registry.FieldError{{
					Record: person.ID, Kind: person.Kind, Field: "household_id", Rule: registry.RuleMember, Params: []string{hid.String()},
				}}})
			}
			continue
		}
		ms, err := members(s, hid)
		if err != nil {
			return err
		}
		var group []registry.Record
		for _, m := range ms {
			if m.ID != person.ID {
				group = append(group, m)
			}
		}
		if after.Value("household_id") == hid.String() {
			group = append(group, after)
		}
		if len(group) == 0 {
			continue // the last member moved out: an empty household has no head to check
		}
		if err := registry.ValidateHousehold(hh, group); err != nil {
			problems = append(problems, err)
		}
	}
	return errors.Join(problems...)
}

func uniqueIDs(ss ...string) []uuid.UUID {
	var out []uuid.UUID
	for _, s := range ss {
		id, err := uuid.Parse(s)
		if err != nil {
			continue
		}
		dup := false
		for _, o := range out {
			dup = dup || o == id
		}
		if !dup {
			out = append(out, id)
		}
	}
	return out
}

// refusedEdit turns a validation failure into one line naming fields and rules.
func refusedEdit(s *session, err error) error {
	return errors.New("refused: " + strings.Join(problemLines(err, s.forms, nil), "; "))
}

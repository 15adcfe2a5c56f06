package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"fieldreg/ops"
	"fieldreg/registry"
)

func runEdit(e *env, args []string) error {
	fs := newFlags(e, "edit")
	resolve := fs.Bool("resolve", false, "the values settle the fields' open conflicts (supervisors and admins); FIELD alone keeps the current value")
	args, err := parseFlags(e, fs, args)
	if err != nil {
		return err
	}
	groups, err := parseEditGroups(args, *resolve)
	if err != nil {
		return err
	}
	return e.withWorkspace(func(s *session) error {
		now := e.now()
		var edits []ops.Fields
		for _, g := range groups {
			rec, err := getRecord(s, g.id)
			if err != nil {
				return err
			}
			set, err := editValues(s.forms, rec, g.assignments, now)
			if err != nil {
				return refusedEdit(s, err)
			}
			if err := judgeEdit(s.forms, rec, set, householdOf(s, rec), now); err != nil {
				return refusedEdit(s, err)
			}
			edits = append(edits, ops.Fields{Record: rec, Set: set, Resolve: *resolve})
		}
		// One commit: edits that only make sense together (a new head and
		// the old one's new relationship) are stored together or not at all.
		changes, err := ops.Edit(s.ws, edits...)
		if err != nil {
			if errors.Is(err, ops.ErrRole) {
				return fmt.Errorf("edit: %w: only supervisors and admins resolve conflicts", err)
			}
			if isRefusal(err) {
				return refusedEdit(s, err)
			}
			return err
		}
		changed := make(map[uuid.UUID][]string)
		for _, c := range changes {
			changed[c.Record] = append(changed[c.Record], c.FieldNames()...)
		}
		for i, g := range groups {
			if fields := changed[g.id]; len(fields) > 0 {
				fmt.Fprintf(e.stdout, "%s %s: changed %s\n", edits[i].Record.Kind, g.id, strings.Join(fields, ", "))
			} else {
				fmt.Fprintf(e.stdout, "%s %s: nothing changed, the fields already hold these values\n", edits[i].Record.Kind, g.id)
			}
		}
		return nil
	})
}

// editGroup is one record's share of an edit command line.
type editGroup struct {
	id          uuid.UUID
	assignments []assignment
}

// parseEditGroups reads "ID FIELD=VALUE... [ID FIELD=VALUE...]": each record
// id starts the fields of that record. An assignment is never a record id
// (it holds "=" or is a bare field name), so no separator is needed.
func parseEditGroups(args []string, resolve bool) ([]editGroup, error) {
	var groups []editGroup
	seen := make(map[uuid.UUID]bool)
	start := 0
	for i := 0; i <= len(args); i++ {
		if i < len(args) && (i == 0 || !looksLikeID(args[i])) {
			continue
		}
		if i == 0 {
			break
		}
		id, err := parseID(args[start])
		if err != nil {
			return nil, err
		}
		if seen[id] {
			return nil, usagef("record %s given twice", id)
		}
		seen[id] = true
		if i-start < 2 {
			return nil, usagef("want at least one FIELD=VALUE after record %s", id)
		}
		as, err := parseAssignments(args[start+1:i], resolve)
		if err != nil {
			return nil, err
		}
		groups = append(groups, editGroup{id: id, assignments: as})
		start = i
	}
	if len(groups) == 0 {
		return nil, usagef("want a record id and at least one FIELD=VALUE")
	}
	return groups, nil
}

// looksLikeID tells a record id from an assignment.
func looksLikeID(arg string) bool {
	_, err := uuid.Parse(arg)
	return err == nil && !strings.Contains(arg, "=")
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
		if !known && a.field == registry.FieldAge && rec.Kind == registry.KindPerson {
			var bad *registry.AgeError
			if err := form.SetAge(set, a.value, now); errors.As(err, &bad) {
				problems = append(problems, bad.FieldError(rec.ID))
			} else if err != nil {
				refuse(a.field, registry.RuleUnknownField)
			}
			continue
		}
		if !known {
			refuse(a.field, registry.RuleUnknownField)
			continue
		}
		// The rule and the field type say what is wrong, in the user's language.
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

// refusedEdit turns a validation failure into one line naming fields and rules.
func refusedEdit(s *session, err error) error {
	return errors.New("refused: " + strings.Join(problemLines(s.lang, err, s.forms, nil), "; "))
}

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"fieldreg/exchange"
	"fieldreg/registry"
)

func runShow(e *env, args []string) error {
	fs := newFlags(e, "show")
	asJSON := fs.Bool("json", false, "print the record as JSON (a household in the export's shape)")
	id, err := oneID(e, fs, args)
	if err != nil {
		return err
	}
	return e.withWorkspace(func(s *session) error {
		rec, err := getRecord(s, id)
		if err != nil {
			return err
		}
		var ms, as []registry.Record
		if rec.Kind == registry.KindHousehold {
			if ms, err = members(s, id); err != nil {
				return err
			}
			if as, err = assessments(s, id); err != nil {
				return err
			}
		}
		if err := auditPersonRead(s, "show", append([]registry.Record{rec}, ms...)); err != nil {
			return err
		}
		if *asJSON {
			return showJSON(e.stdout, rec, ms, as)
		}
		v := viewer{w: e.stdout, forms: s.forms, lang: "en", now: e.now()}
		v.record(rec, "")
		if rec.Kind == registry.KindHousehold {
			fmt.Fprintf(e.stdout, "\n%s:\n", plural(len(ms), "member"))
			for _, m := range ms {
				fmt.Fprintln(e.stdout)
				v.record(m, "  ")
			}
			if len(as) > 0 {
				fmt.Fprintf(e.stdout, "\n%s:\n", plural(len(as), "assessment"))
				for _, a := range as {
					fmt.Fprintln(e.stdout)
					v.record(a, "  ")
				}
			}
		}
		return v.err
	})
}

// showJSON prints a household in the shape register reads back, and any
// other record as its id and fields.
func showJSON(w io.Writer, rec registry.Record, members, assessments []registry.Record) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if rec.Kind == registry.KindHousehold {
		return enc.Encode(exchange.FromRecords(rec, members, assessments))
	}
	return enc.Encode(struct {
		ID     string            `json:"id"`
		Kind   string            `json:"kind"`
		Fields map[string]string `json:"fields"`
	}{rec.ID.String(), rec.Kind, rec.Values()})
}

// viewer prints records for people: fields in the form's order under their
// labels, choices by their labels, and open conflicts spelled out.
type viewer struct {
	w     io.Writer
	forms *registry.Forms
	lang  string
	now   time.Time // for ages
	err   error
}

func (v *viewer) printf(format string, args ...any) {
	if v.err == nil {
		_, v.err = fmt.Fprintf(v.w, format, args...)
	}
}

func (v *viewer) record(r registry.Record, indent string) {
	v.printf("%s%s %s\n", indent, r.Kind, r.ID)
	form, _ := v.forms.Form(r.Kind)
	values := r.Values()
	type row struct{ label, value string }
	var rows []row
	width := 0
	add := func(label, value string) {
		rows = append(rows, row{label, value})
		width = max(width, len([]rune(label)))
	}
	if indent != "" {
		delete(values, registry.FieldHouseholdID) // shown under its household
	}
	if form != nil {
		for _, d := range form.Fields {
			if val, ok := values[d.Name]; ok {
				shown := v.display(d, val)
				if d.Name == registry.FieldBirthDate {
					if age, err := registry.Age(val, v.now); err == nil && age >= 0 {
						shown += fmt.Sprintf(" (%s)", plural(age, "year"))
					}
				}
				add(d.Label.In(v.lang), shown)
				delete(values, d.Name)
			}
		}
	}
	// Fields the form does not know (a newer form on another device) are
	// shown under their names rather than hidden.
	for _, name := range sortedKeys(values) {
		add(name, values[name])
	}
	for _, rw := range rows {
		pad := strings.Repeat(" ", width-len([]rune(rw.label)))
		v.printf("%s  %s%s  %s\n", indent, rw.label, pad, rw.value)
	}
	v.conflicts(r, form, indent)
}

// conflicts lists the values that lost to a concurrent edit and wait for a
// supervisor: fieldctl edit ID FIELD=VALUE --resolve settles one.
func (v *viewer) conflicts(r registry.Record, form *registry.Form, indent string) {
	conflicts := r.Conflicts()
	if len(conflicts) == 0 {
		return
	}
	v.printf("%s  Conflicts (settle with: fieldctl edit %s FIELD=VALUE --resolve):\n", indent, r.ID)
	for _, name := range sortedKeys(conflicts) {
		d := registry.FieldDef{Name: name, Label: registry.Labels{"en": name}}
		if form != nil {
			if fd, ok := form.Field(name); ok {
				d = fd
			}
		}
		winner := r.Fields[name].Winner()
		v.printf("%s    %s (%s): kept %q, written %s on device %s\n", indent, d.Label.In(v.lang), name, v.display(d, winner.Value), winner.Stamp.Time().Format("2006-01-02 15:04"), winner.Stamp.Device)
		for _, lost := range conflicts[name] {
			v.printf("%s      also %q, written %s on device %s\n", indent, v.display(d, lost.Value), lost.Stamp.Time().Format("2006-01-02 15:04"), lost.Stamp.Device)
		}
	}
}

// display turns a stored value into what a person reads: choice labels,
// yes/no.
func (v *viewer) display(d registry.FieldDef, value string) string {
	switch d.Type {
	case registry.TypeSelectOne:
		if c, ok := d.Choice(value); ok {
			return c.Label.In(v.lang)
		}
	case registry.TypeSelectMultiple:
		var labels []string
		for _, code := range strings.Fields(value) {
			if c, ok := d.Choice(code); ok {
				labels = append(labels, c.Label.In(v.lang))
			} else {
				labels = append(labels, code)
			}
		}
		return strings.Join(labels, ", ")
	case registry.TypeBoolean:
		switch value {
		case "true":
			return "yes"
		case "false":
			return "no"
		}
	}
	return value
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// auditPersonRead puts an enumerator's reading of person records on the
// audit record (ids only) before they are printed; the store decides whose
// reads it keeps.
func auditPersonRead(s *session, how string, recs []registry.Record) error {
	var ids []uuid.UUID
	for _, r := range recs {
		if r.Kind == registry.KindPerson {
			ids = append(ids, r.ID)
		}
	}
	if err := s.ws.AuditRead(how, ids); err != nil {
		return fmt.Errorf("%s: %w", how, err)
	}
	return nil
}

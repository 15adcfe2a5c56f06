package xlsform

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"fieldreg/registry"
)

// forms turns the workbook into forms. A workbook whose form_id is
// "household" extends the registration: its top-level questions extend the
// core household form, a members repeat extends the core person form. Any
// other form_id is a form of its own (an assessment) whose kind is the
// form_id, and whose repeats are kinds named form_id_repeat.
func (w *workbook) forms(core *registry.Forms) ([]*registry.Form, error) {
	if err := w.readSettings(); err != nil {
		return nil, err
	}
	if err := w.readChoices(); err != nil {
		return nil, err
	}
	if w.id == registry.KindPerson {
		return nil, fmt.Errorf("%w: settings: form_id %q: the person form is extended by a members repeat of form_id %q", ErrBadForm, w.id, registry.KindHousehold)
	}
	registration := w.id == registry.KindHousehold
	coreNames := map[string]bool{}
	if registration {
		for _, kind := range []string{registry.KindHousehold, registry.KindPerson} {
			if f, ok := core.Form(kind); ok {
				for _, d := range f.Fields {
					coreNames[d.Name] = true
				}
			}
		}
	}
	built, err := w.readSurvey(coreNames)
	if err != nil {
		return nil, err
	}
	if registration && !slices.ContainsFunc(built, func(b *building) bool { return b.kind == registry.KindPerson }) {
		built = append(built, &building{kind: registry.KindPerson}) // the core person form, in this version
	}
	var out []*registry.Form
	for _, b := range built {
		var f *registry.Form
		if registration && (b.kind == registry.KindHousehold || b.kind == registry.KindPerson) {
			base, ok := core.Form(b.kind)
			if !ok {
				return nil, fmt.Errorf("%w: no core %s form to extend", ErrBadForm, b.kind)
			}
			if f, err = w.extend(base, b); err != nil {
				return nil, err
			}
		} else {
			f = &registry.Form{Kind: b.kind, Title: b.title, Fields: b.fields, SectionTitles: b.sections}
			if b.repeat != "" || b.kind == registry.KindAssessment {
				// The needs assessment (form_id "assessment") is the one the
				// register flow asks of each household: it belongs to one too.
				addHouseholdID(f, core)
			}
		}
		f.ID, f.Version = w.id, w.version
		checked, err := finish(f)
		if err != nil {
			return nil, err
		}
		out = append(out, checked)
	}
	return out, nil
}

// finish checks a form as every reader of it will: through its JSON and
// registry.ParseForm, so that what Read returns is what a device stores.
func finish(f *registry.Form) (*registry.Form, error) {
	data, err := json.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadForm, err)
	}
	checked, err := registry.ParseForm(data)
	if err != nil {
		return nil, fmt.Errorf("%w: form %s: %w", ErrBadForm, f.Kind, err)
	}
	return checked, nil
}

// A repeat's records belong to a household: its form gets the household_id
// reference the person and assessment forms have.
func addHouseholdID(f *registry.Form, core *registry.Forms) {
	if _, ok := f.Field(registry.FieldHouseholdID); ok {
		return
	}
	d := registry.FieldDef{Name: registry.FieldHouseholdID, Type: registry.TypeRef, Label: registry.Labels{"en": "Household"}, Required: true}
	if person, ok := core.Form(registry.KindPerson); ok {
		if pd, ok := person.Field(registry.FieldHouseholdID); ok {
			d = pd
			d.Section = ""
		}
	}
	f.Fields = append([]registry.FieldDef{d}, f.Fields...)
}

// keptCodes are the choices of core selects that code relies on: a list
// replacing one of these must keep them.
var keptCodes = map[string][]string{
	registry.FieldRelationship: {registry.RelationshipHead},
}

// extend merges an extension into a core form. The core fields stay, in
// their order and sections, with their rules; a survey row naming a core
// field may add to it (labels, hint, a constraint, an appearance, hxl) and
// give a select its own list, but not change its type — except that a core
// text field may become a select_one (admin1 and admin2 become lists of the
// operation's areas: every code is still text). A list on the choices sheet
// named like a core select field replaces its choices even with no survey
// row (the site list). New questions follow the core fields.
func (w *workbook) extend(base *registry.Form, b *building) (*registry.Form, error) {
	f := &registry.Form{
		Kind:          base.Kind,
		Title:         maps.Clone(base.Title),
		Fields:        slices.Clone(base.Fields),
		SectionTitles: maps.Clone(base.SectionTitles),
	}
	index := make(map[string]int, len(f.Fields))
	for i := range f.Fields {
		d := &f.Fields[i]
		index[d.Name] = i
		isSelect := d.Type == registry.TypeSelectOne || d.Type == registry.TypeSelectMultiple
		if l := w.lists[d.Name]; l != nil && isSelect {
			d.Choices, d.ListName = l.choices, l.name
		}
	}
	for j, nd := range b.fields {
		i, isCore := index[nd.Name]
		if !isCore {
			f.Fields = append(f.Fields, nd)
			continue
		}
		cd := &f.Fields[i]
		if err := mergeCore(cd, nd); err != nil {
			return nil, fmt.Errorf("survey row %d, column %q: %w", b.rows[j], w.survey.cols[w.survey.index("type")].header, err)
		}
	}
	for i := range f.Fields {
		d := f.Fields[i]
		for _, code := range keptCodes[d.Name] {
			if _, ok := d.Choice(code); !ok {
				return nil, fmt.Errorf("%w: list %q: the %s field needs the choice %q", ErrBadForm, d.ListName, d.Name, code)
			}
		}
		if d.Default != "" && d.ListName != "" {
			if _, ok := d.Choice(d.Default); !ok {
				return nil, fmt.Errorf("%w: list %q: the %s field's default %q is not among its choices", ErrBadForm, d.ListName, d.Name, d.Default)
			}
		}
	}
	if f.SectionTitles == nil && len(b.sections) > 0 {
		f.SectionTitles = map[string]registry.Labels{}
	}
	for s, l := range b.sections {
		f.SectionTitles[s] = overlay(f.SectionTitles[s], l)
	}
	return f, nil
}

// mergeCore applies a survey row to the core field it names.
func mergeCore(cd *registry.FieldDef, nd registry.FieldDef) error {
	switch {
	case cd.Type == nd.Type:
	case cd.Type == registry.TypeText && nd.Type == registry.TypeSelectOne:
		cd.Type, cd.MaxLength = nd.Type, 0
	default:
		return fmt.Errorf("%w: %s is a core %s field: its type cannot change to %s", ErrBadForm, cd.Name, cd.Type, nd.Type)
	}
	if cd.Required && (nd.Relevant != "" || nd.Calculation != "") {
		return fmt.Errorf("%w: %s is a required core field: it is always asked (no relevant or calculation)", ErrBadForm, cd.Name)
	}
	cd.Label = overlay(cd.Label, nd.Label)
	cd.Hint = overlay(cd.Hint, nd.Hint)
	if nd.ListName != "" {
		cd.Choices, cd.ListName = nd.Choices, nd.ListName
	}
	cd.Required = cd.Required || nd.Required
	cd.Multiline = cd.Multiline || nd.Multiline
	cd.ReadOnly = cd.ReadOnly || nd.ReadOnly
	for _, s := range []struct {
		to   *string
		from string
	}{
		{&cd.Relevant, nd.Relevant}, {&cd.Constraint, nd.Constraint}, {&cd.Calculation, nd.Calculation},
		{&cd.ChoiceFilter, nd.ChoiceFilter}, {&cd.Appearance, nd.Appearance}, {&cd.HXL, nd.HXL}, {&cd.Default, nd.Default},
	} {
		if s.from != "" {
			*s.to = s.from
		}
	}
	cd.RequiredMessage = overlay(cd.RequiredMessage, nd.RequiredMessage)
	cd.ConstraintMessage = overlay(cd.ConstraintMessage, nd.ConstraintMessage)
	return nil
}

// overlay returns base with the texts of top written over it: a core
// field keeps its translations in languages the workbook does not have.
func overlay(base, top registry.Labels) registry.Labels {
	if len(top) == 0 {
		return base
	}
	out := maps.Clone(base)
	if out == nil {
		out = registry.Labels{}
	}
	maps.Copy(out, top)
	return out
}

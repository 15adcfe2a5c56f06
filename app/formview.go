package app

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"fieldreg/registry"
)

// formView renders a form schema as inputs, one per field, each with its
// label, hint and the validation message beside it. Nothing here knows which
// kind it shows: the schema decides.
type formView struct {
	u       *UI
	form    *registry.Form
	inputs  []*fieldInput
	byName  map[string]*fieldInput
	content *fyne.Container
	// changed is called after the user changes a field.
	changed func(field string)
	// focused is called when an input gets the keyboard focus, so the
	// screen can scroll it into view.
	focused func(in *fieldInput)
}

// fieldInput is one field on screen. Exactly one of the input widgets is set,
// by the field's type; tests reach them by field name.
type fieldInput struct {
	def    registry.FieldDef
	errors *widget.Label

	entry  *fieldEntry
	sel    *choiceSelect // a widget.Select guarded against fyne-io/fyne#5965
	radio  *widget.RadioGroup
	check  *widget.Check
	checks *checkColumns // a widget.CheckGroup in columns
	age    *fieldEntry   // birth dates: an age in years when the date is unknown

	choiceNames  []string // choice codes, in the order of their labels
	choiceLabels []string
}

// skipField tells which fields the app fills in itself.
func skipField(d registry.FieldDef) bool {
	return d.Type == registry.TypeRef || strings.HasPrefix(d.Name, "_")
}

// radioMaxChoices is the most choices shown as radio buttons; more go in a
// drop-down list. Four short words fit a tablet held upright.
const radioMaxChoices = 4

func newFormView(u *UI, form *registry.Form, except ...string) *formView {
	v := &formView{u: u, form: form, byName: make(map[string]*fieldInput), content: container.NewVBox()}
	section := ""
	for _, d := range form.Fields {
		if skipField(d) || contains(except, d.Name) {
			continue
		}
		if d.Section != "" && d.Section != section {
			section = d.Section
			v.content.Add(u.heading(u.sectionTitle(section)))
		}
		in := v.newInput(d)
		v.inputs = append(v.inputs, in)
		v.byName[d.Name] = in
		v.content.Add(v.fieldBox(in))
	}
	return v
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// sectionTitle is a section's title from the translations, or its code.
func (u *UI) sectionTitle(code string) string {
	if t := u.tr.T("section." + code); t != "section."+code {
		return t
	}
	return strings.ReplaceAll(code, "_", " ")
}

func (v *formView) newInput(d registry.FieldDef) *fieldInput {
	u := v.u
	lang := u.tr.lang
	in := &fieldInput{def: d, errors: u.errorText()}
	changed := func() {
		u.touch()
		if in.errors.Visible() {
			v.recheck(in) // a message goes as soon as the value is fixed
		}
		if v.changed != nil {
			v.changed(d.Name)
		}
	}
	for _, c := range d.Choices {
		in.choiceNames = append(in.choiceNames, c.Name)
		in.choiceLabels = append(in.choiceLabels, u.tr.bidi(c.Label.In(lang)))
	}
	switch d.Type {
	case registry.TypeBoolean:
		if d.MustBeTrue { // consent: one tick the family agrees to
			in.check = widget.NewCheck(u.tr.bidi(d.Label.In(lang)), func(bool) { changed() })
			break
		}
		// Yes and No, so "no" is an answer apart from "not asked".
		in.choiceNames = []string{"true", "false"}
		in.choiceLabels = []string{u.tr.T("yes"), u.tr.T("no")}
		in.radio = widget.NewRadioGroup(in.choiceLabels, func(string) { changed() })
		in.radio.Horizontal = true
	case registry.TypeSelectOne:
		if len(d.Choices) <= radioMaxChoices {
			in.radio = widget.NewRadioGroup(in.choiceLabels, func(string) { changed() })
			in.radio.Horizontal = true
		} else {
			in.sel = newChoiceSelect(u.win, in.choiceLabels, func(string) { changed() })
			in.sel.PlaceHolder = u.tr.T("form.choose")
		}
	case registry.TypeSelectMultiple:
		in.checks = newCheckColumns(in.choiceLabels, func([]string) { changed() }, u.tr.rtl())
	case registry.TypeText:
		in.entry = newFieldEntry()
		if d.MaxLength > 200 {
			in.entry.MultiLine = true
			in.entry.Wrapping = fyne.TextWrapWord
		}
	default:
		in.entry = newFieldEntry()
	}
	if in.entry != nil {
		in.entry.OnChanged = func(string) { changed() }
		v.wireEntry(in, in.entry)
		switch d.Type {
		case registry.TypeDate:
			in.entry.SetPlaceHolder(u.tr.T("form.date_placeholder"))
		case registry.TypeGeopoint:
			in.entry.SetPlaceHolder(u.tr.T("form.geopoint_placeholder"))
		}
		if d.Name == registry.FieldBirthDate {
			in.age = newFieldEntry()
			in.age.SetPlaceHolder(u.tr.T("form.age_placeholder"))
			in.age.OnChanged = func(string) { changed() }
			v.wireEntry(in, in.age)
		}
	}
	return in
}

// fieldBox lays out a field: the read-aloud text across the width, then the
// label and hint beside the input and its message on a wide window, above
// them on a narrow one (fieldRow).
func (v *formView) fieldBox(in *fieldInput) fyne.CanvasObject {
	u := v.u
	lang := u.tr.lang
	d := in.def
	box := container.NewVBox()
	if text := d.ReadAloud.In(lang); text != "" {
		read := u.text(u.tr.bidi(text))
		box.Add(widget.NewCard("", u.tr.T("form.read_aloud"), read))
	}
	label := d.Label.In(lang)
	if d.Required {
		label += " *"
	}
	labels := container.NewVBox()
	if in.check == nil {
		l := u.text(u.tr.bidi(label))
		l.TextStyle.Bold = true
		labels.Add(l)
	}
	if hint := d.Hint.In(lang); hint != "" {
		h := u.text(u.tr.bidi(hint))
		h.TextStyle.Italic = true
		h.SizeName = theme.SizeNameCaptionText
		labels.Add(h)
	}
	compact := container.NewThemeOverride(labels, compactTheme{})
	if len(labels.Objects) == 0 {
		compact.Hide()
	}
	var input fyne.CanvasObject
	switch {
	case in.check != nil:
		if d.Required {
			in.check.Text = u.tr.bidi(label)
		}
		input = in.check
		if u.tr.rtl() {
			input = container.NewHBox(layout.NewSpacer(), in.check) // Fyne draws the box on the left only
		}
	case in.radio != nil:
		input = newRadioFit(in.radio)
	case in.sel != nil:
		input = in.sel
	case in.checks != nil:
		input = in.checks
	case in.age != nil:
		input = u.row(in.entry, in.age)
	default:
		input = in.entry
	}
	box.Add(newFieldRow(u.tr.rtl(), compact, container.NewVBox(input, in.errors)))
	return box
}

// value returns the field's canonical value ("" when unset).
func (in *fieldInput) value() string {
	switch {
	case in.check != nil:
		if in.check.Checked {
			return "true"
		}
		if in.def.Required || in.def.MustBeTrue {
			return "false"
		}
		return ""
	case in.radio != nil:
		return in.code(in.radio.Selected)
	case in.sel != nil:
		return in.code(in.sel.Selected)
	case in.checks != nil:
		var codes []string
		for _, label := range in.checks.Selected {
			codes = append(codes, in.code(label))
		}
		return strings.Join(codes, " ")
	}
	return strings.TrimSpace(in.entry.Text)
}

func (in *fieldInput) code(label string) string {
	for i, l := range in.choiceLabels {
		if l == label {
			return in.choiceNames[i]
		}
	}
	return ""
}

func (in *fieldInput) label(code string) string {
	for i, c := range in.choiceNames {
		if c == code {
			return in.choiceLabels[i]
		}
	}
	return ""
}

// setValue shows a canonical value.
func (in *fieldInput) setValue(s string) {
	switch {
	case in.check != nil:
		in.check.SetChecked(s == "true")
	case in.radio != nil:
		in.radio.SetSelected(in.label(s))
	case in.sel != nil:
		if l := in.label(s); l != "" {
			in.sel.SetSelected(l)
		} else {
			in.sel.ClearSelected()
		}
	case in.checks != nil:
		var labels []string
		for _, c := range strings.Fields(s) {
			if l := in.label(c); l != "" {
				labels = append(labels, l)
			}
		}
		in.checks.SetSelected(labels)
	default:
		in.entry.SetText(s)
	}
}

// values returns every field's value, with an age in years turned into an
// estimated birth date when no date was typed (the form's age rule).
func (v *formView) values() map[string]string {
	vals, _ := v.valuesAndAge()
	return vals
}

// valuesAndAge is values, and what the age rule said of an age typed in
// place of a birth date: the age is then left out, and the refusal is
// shown beside the birth date.
func (v *formView) valuesAndAge() (map[string]string, *registry.FieldError) {
	out := make(map[string]string)
	var refused *registry.FieldError
	for _, in := range v.inputs {
		if s := in.value(); s != "" {
			out[in.def.Name] = s
		}
		if in.age != nil && in.entry.Text == "" && strings.TrimSpace(in.age.Text) != "" {
			var bad *registry.AgeError
			if err := v.form.SetAge(out, in.age.Text, v.u.cfg.Now()); errors.As(err, &bad) {
				fe := bad.FieldError(uuid.Nil)
				fe.Kind, fe.Field = v.form.Kind, in.def.Name
				refused = &fe
			}
		}
	}
	return out, refused
}

// setValues fills the inputs; fields missing from vals are cleared. Fields
// with a default start with it when new is set.
func (v *formView) setValues(vals map[string]string, fresh bool) {
	for _, in := range v.inputs {
		s, ok := vals[in.def.Name]
		if !ok && fresh {
			s = in.def.Default
		}
		in.setValue(s)
		if in.age != nil {
			in.age.SetText("")
		}
		setError(in.errors, "")
	}
}

// showErrors puts each field's message beside it and returns how many
// errors are about fields not on this form view.
func (v *formView) showErrors(err error) (elsewhere int) {
	for _, in := range v.inputs {
		setError(in.errors, "")
	}
	errs, ok := registry.AsValidation(err)
	if !ok {
		return 0
	}
	for _, fe := range errs {
		in := v.byName[fe.Field]
		if in == nil {
			elsewhere++
			continue
		}
		if in.errors.Text == "" {
			setError(in.errors, v.u.fieldMessage(fe))
		}
	}
	return elsewhere
}

// validate checks the values against the schema and shows the messages.
// The record id and any fields this view does not show are passed in.
func (v *formView) validate(id [16]byte, extra map[string]string) (map[string]string, bool) {
	vals, refusedAge := v.valuesAndAge()
	for k, s := range extra {
		vals[k] = s
	}
	err := v.u.forms.ValidateValues(v.form.Kind, id, vals, v.u.cfg.Now())
	if refusedAge != nil {
		// First, so it is the message beside the birth date, not "required".
		fes, _ := registry.AsValidation(err)
		err = &registry.ValidationError{Errors: append([]registry.FieldError{*refusedAge}, fes...)}
	}
	v.showErrors(err)
	return vals, err == nil
}

package app

import (
	"errors"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"fieldreg/registry"
	"fieldreg/registry/formrun"
	"fieldreg/registry/xpath"
)

// formView renders a form schema as inputs, one per field, each with its
// label, hint and the validation message beside it. Nothing here knows which
// kind it shows: the schema decides. What the form's expressions say (which
// questions are asked, what a calculation gives, which choices a cascade
// offers, what is wrong) comes from registry/formrun (app/FORMRUN.md).
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

	run *formrun.Run   // nil when the form cannot be filled in (runErr)
	st  *formrun.State // the form over what is on screen now
	// parent gives the household's answers to a member form, whose
	// questions may read them; nil for the other forms.
	parent   func() map[string]string
	left     map[string]bool              // questions left by the enumerator: their errors show
	applying bool                         // apply is writing the widgets: their OnChanged is ours
	boxes    map[string]fyne.CanvasObject // each question's box, shown while it is asked
	calcs    map[string]*widget.Label     // calculate fields: their value, read-only
	noticed  *fieldInput                  // the field whose notice (answers cleared) is shown
}

// fieldInput is one field on screen. Exactly one of the input widgets is set,
// by the field's type; tests reach them by field name.
type fieldInput struct {
	def    registry.FieldDef
	errors *widget.Label
	notice *widget.Label // answers this change cleared, said once

	entry  *fieldEntry
	sel    *choiceSelect // a widget.Select guarded against fyne-io/fyne#5965
	radio  *widget.RadioGroup
	check  *widget.Check
	checks *checkColumns   // a widget.CheckGroup in columns
	age    *fieldEntry     // birth dates: an age in years when the date is unknown
	extra  *widget.Button  // a date's calendar, a geopoint's location
	slot   *fyne.Container // a select_one's radio or list, rebuilt when a cascade narrows it

	choiceNames  []string // choice codes, in the order of their labels
	choiceLabels []string
	onChange     func() // what a rebuilt choice widget calls
}

// isChoice reports whether the field is answered by a choice, not typed:
// such a field is "left" as soon as the choice is made.
func (in *fieldInput) isChoice() bool {
	return in.entry == nil
}

// skipField tells which fields the app fills in itself.
func skipField(d registry.FieldDef) bool {
	return d.Type == registry.TypeRef || strings.HasPrefix(d.Name, "_")
}

// radioMaxChoices is the most choices shown as radio buttons; more go in a
// drop-down list. Four short words fit a tablet held upright.
const radioMaxChoices = 4

func newFormView(u *UI, form *registry.Form, except ...string) *formView {
	v := &formView{u: u, form: form, byName: make(map[string]*fieldInput), content: container.NewVBox(),
		left: make(map[string]bool), boxes: make(map[string]fyne.CanvasObject), calcs: make(map[string]*widget.Label)}
	run, err := formrun.New(form, u.tr.lang, u.cfg.Now())
	if err != nil {
		// The importer and the publisher check expressions: this is their
		// bug. The form is still shown, judged by registry's rules alone.
		fyne.LogError("compile form "+form.Ref(), err)
		v.content.Add(u.errorTextShown(u.tr.T("form.cannot_run") + " " + err.Error()))
	} else {
		v.run = run
	}
	section := ""
	for _, d := range displayOrder(form) {
		if skipField(d) || contains(except, d.Name) {
			continue
		}
		if d.Type == registry.TypeCalculate && d.Label.In(u.tr.lang) == "" {
			continue // a value the form works with, not one to show
		}
		if d.Section != "" && d.Section != section {
			section = d.Section
			v.content.Add(u.heading(u.sectionTitle(section)))
		}
		var box fyne.CanvasObject
		switch d.Type {
		case registry.TypeNote:
			box = v.noteBox(d)
		case registry.TypeCalculate:
			box = v.calcBox(d)
		default:
			in := v.newInput(d)
			v.inputs = append(v.inputs, in)
			v.byName[d.Name] = in
			box = v.fieldBox(in)
		}
		v.boxes[d.Name] = box
		v.content.Add(box)
	}
	v.refresh()
	return v
}

// noteBox shows a note's text: it asks nothing.
func (v *formView) noteBox(d registry.FieldDef) fyne.CanvasObject {
	lang := v.u.tr.lang
	box := container.NewVBox(v.u.text(v.u.tr.bidi(d.Label.In(lang))))
	if hint := d.Hint.In(lang); hint != "" {
		h := v.u.text(v.u.tr.bidi(hint))
		h.TextStyle.Italic = true
		box.Add(h)
	}
	return box
}

// calcBox shows a calculation's label and its value, which the enumerator
// does not type.
func (v *formView) calcBox(d registry.FieldDef) fyne.CanvasObject {
	l := v.u.text(v.u.tr.bidi(d.Label.In(v.u.tr.lang)))
	l.TextStyle.Bold = true
	value := v.u.text("")
	v.calcs[d.Name] = value
	return newFieldRow(v.u.tr.rtl(), container.NewThemeOverride(l, compactTheme{}), value)
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
	in := &fieldInput{def: d, errors: u.errorText(), notice: u.errorText()}
	in.notice.Importance = widget.WarningImportance
	in.onChange = func() {
		if v.applying {
			return // apply writing the widget, not the enumerator
		}
		u.touch()
		v.update(in)
		if in.isChoice() {
			v.left[d.Name] = true // a choice is left when it is made
		}
		v.showFieldError(in) // a message goes as soon as the value is fixed
		if v.changed != nil {
			v.changed(d.Name)
		}
	}
	changed := in.onChange
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
		in.slot = container.NewStack()
		v.buildSelectOne(in)
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
		case registry.TypeInteger, registry.TypeDecimal:
			in.entry.numeric = true // the number pad on a tablet
		case registry.TypeDate:
			in.entry.SetPlaceHolder(u.tr.T("form.date_placeholder"))
			in.extra = v.datePicker(in)
		case registry.TypeGeopoint:
			in.entry.SetPlaceHolder(u.tr.T("form.geopoint_placeholder"))
			in.extra = v.locateButton(in)
		}
		if d.Name == registry.FieldBirthDate {
			in.age = newFieldEntry()
			in.age.numeric = true
			in.age.SetPlaceHolder(u.tr.T("form.age_placeholder"))
			in.age.OnChanged = func(string) { changed() }
			v.wireEntry(in, in.age)
		}
	}
	if d.ReadOnly {
		in.disable()
	}
	return in
}

// buildSelectOne makes a select_one's widget for the choices it offers now:
// radio buttons for a few, a list for more. A cascade rebuilds it when its
// parent narrows the choices, so the count decides each time.
func (v *formView) buildSelectOne(in *fieldInput) {
	changed := in.onChange
	in.radio, in.sel = nil, nil
	if len(in.choiceLabels) <= radioMaxChoices {
		in.radio = widget.NewRadioGroup(in.choiceLabels, func(string) { changed() })
		in.slot.Objects = []fyne.CanvasObject{newRadioFit(in.radio)}
	} else {
		in.sel = newChoiceSelect(v.u.win, in.choiceLabels, func(string) { changed() })
		in.sel.PlaceHolder = v.u.tr.T("form.choose")
		in.sel.searchHint = v.u.tr.T("form.search")
		in.slot.Objects = []fyne.CanvasObject{in.sel}
	}
	if in.def.ReadOnly {
		in.disable()
	}
	in.slot.Refresh()
}

// setChoices shows the choices a cascade offers now, keeping the answer
// when it is still among them (formrun has dropped it when it is not).
func (v *formView) setChoices(in *fieldInput, choices []registry.Choice) {
	same := len(choices) == len(in.choiceNames)
	for i := 0; same && i < len(choices); i++ {
		same = choices[i].Name == in.choiceNames[i]
	}
	if same {
		return // the same list: rebuilding 5,000 sites per keystroke is what would be slow
	}
	lang := v.u.tr.lang
	names := make([]string, 0, len(choices))
	labels := make([]string, 0, len(choices))
	for _, c := range choices {
		names = append(names, c.Name)
		labels = append(labels, v.u.tr.bidi(c.Label.In(lang)))
	}
	old := in.value()
	in.choiceNames, in.choiceLabels = names, labels
	switch {
	case in.slot != nil:
		v.buildSelectOne(in)
	case in.checks != nil:
		in.checks.Options = labels
		in.checks.Selected = nil
		in.checks.Refresh()
	}
	in.setValue(old)
}

// disable makes a read-only field's input unchangeable.
func (in *fieldInput) disable() {
	if in.entry != nil {
		in.entry.Disable()
	}
	if in.age != nil {
		in.age.Disable()
	}
	if in.extra != nil {
		in.extra.Disable()
	}
	if in.sel != nil {
		in.sel.Disable()
	}
	if in.radio != nil {
		in.radio.Disable()
	}
	if in.check != nil {
		in.check.Disable()
	}
	if in.checks != nil {
		in.checks.Disable()
	}
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
	case in.slot != nil:
		input = in.slot
	case in.radio != nil: // a yes/no question
		input = newRadioFit(in.radio)
	case in.checks != nil:
		input = in.checks
	case in.age != nil:
		input = u.row(u.withAction(in.extra, in.entry), in.age)
	case in.extra != nil:
		input = u.withAction(in.extra, in.entry)
	default:
		input = in.entry
	}
	box.Add(newFieldRow(u.tr.rtl(), compact, container.NewVBox(input, in.errors, in.notice)))
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
// With the form's expressions, it is what the form holds: calculations
// in, answers to questions not asked out.
func (v *formView) values() map[string]string {
	vals, _ := v.valuesAndAge()
	if v.run == nil {
		return vals
	}
	return v.run.EvalIn(vals, v.parentAnswers()).Values()
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
	all := make(map[string]string, len(vals))
	for _, in := range v.inputs {
		s, ok := vals[in.def.Name]
		if !ok && fresh {
			s = in.def.Default
		}
		if s != "" {
			all[in.def.Name] = s
		}
	}
	v.applying = true
	if v.run != nil {
		// A cascade's child may come before its parent in the form: offer
		// the choices the values select before setting them.
		st := v.run.EvalIn(all, v.parentAnswers())
		for _, in := range v.inputs {
			if in.def.ChoiceFilter != "" {
				v.setChoices(in, st.Choices(in.def.Name))
			}
		}
	}
	for _, in := range v.inputs {
		in.setValue(all[in.def.Name])
		if in.age != nil {
			in.age.SetText("")
		}
		setError(in.errors, "")
		setError(in.notice, "")
	}
	v.applying = false
	v.left = make(map[string]bool)
	v.noticed = nil
	v.refresh()
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

// validate checks the values by the form's rules (formrun: required while
// asked, constraints, cascades, the value rule) and shows the messages.
// The record id and any fields this view does not show are passed in. The
// values returned are what to store: the calculations' results in, answers
// to questions not asked out.
func (v *formView) validate(id [16]byte, extra map[string]string) (map[string]string, bool) {
	vals, refusedAge := v.valuesAndAge()
	for k, s := range extra {
		vals[k] = s
	}
	var errs []registry.FieldError
	if v.run == nil {
		if fes, ok := registry.AsValidation(v.u.forms.ValidateValues(v.form.Kind, id, vals, v.u.cfg.Now())); ok {
			errs = fes
		}
	} else {
		st := v.run.EvalIn(vals, v.parentAnswers())
		errs = st.Errors()
		out := st.Values()
		for k, s := range extra {
			out[k] = s
		}
		vals = out
	}
	if refusedAge != nil {
		// First, so it is the message beside the birth date, not "required".
		errs = append([]registry.FieldError{*refusedAge}, errs...)
	}
	for _, fe := range errs {
		v.left[fe.Field] = true
	}
	var err error
	if len(errs) > 0 {
		err = &registry.ValidationError{Errors: errs}
	}
	v.showErrors(err)
	return vals, err == nil
}

// parentAnswers is the household's answers for a member form, nil for the
// other forms (their expressions read only their own questions).
func (v *formView) parentAnswers() map[string]string {
	if v.parent == nil {
		return nil
	}
	return v.parent()
}

// update evaluates the form again after the enumerator changed cause, and
// shows the result.
func (v *formView) update(cause *fieldInput) {
	if v.run == nil {
		return
	}
	vals, _ := v.valuesAndAge()
	if v.st == nil {
		v.st = v.run.EvalIn(vals, v.parentAnswers())
	} else {
		v.st = v.st.UpdateIn(vals, v.parentAnswers())
	}
	v.apply(cause)
}

// refresh evaluates the form over what is on screen, as after opening it or
// filling it from a draft; the household's answers may have changed too.
func (v *formView) refresh() {
	v.st = nil
	v.update(nil)
}

// apply writes the state into the widgets: which questions show, what the
// calculations give, which choices the cascades offer; answers no longer
// asked or offered are cleared, and cause (the field the enumerator
// changed, if any) says how many.
func (v *formView) apply(cause *fieldInput) {
	st := v.st
	v.applying = true
	defer func() { v.applying = false }()
	cleared := 0 // answers on screen that the state drops
	for _, name := range st.Cleared() {
		if in := v.byName[name]; in != nil && (in.value() != "" || (in.age != nil && in.age.Text != "")) {
			cleared++
		}
	}
	for _, in := range v.inputs {
		if in.def.ChoiceFilter != "" {
			v.setChoices(in, st.Choices(in.def.Name))
		}
	}
	for name, box := range v.boxes {
		if st.Visible(name) {
			box.Show()
			continue
		}
		box.Hide()
		if in := v.byName[name]; in != nil {
			setError(in.errors, "")
			v.left[name] = false
		}
	}
	for _, name := range st.Cleared() {
		in := v.byName[name]
		if in == nil {
			continue
		}
		in.setValue("")
		if in.age != nil {
			in.age.SetText("")
		}
	}
	for name, l := range v.calcs {
		l.SetText(v.u.tr.bidi(st.Value(name)))
	}
	if v.noticed != nil && (cause != nil || cleared > 0) {
		setError(v.noticed.notice, "")
		v.noticed = nil
	}
	if cleared > 0 && cause != nil {
		setError(cause.notice, v.u.tr.N("form.cleared", cleared))
		v.noticed = cause
	}
	if cleared > 0 && cause == nil {
		// A draft reopened under a form that no longer asks some of it.
		if in := v.byName[st.Cleared()[0]]; in != nil {
			setError(in.notice, v.u.tr.N("form.no_longer_fit", cleared))
			v.noticed = in
		}
	}
}

// displayOrder is the order questions are shown in: the form's, except that
// a cascading select comes after the questions its choice_filter reads when
// they are in the same section further down. A registration extension keeps
// the core site where the core form has it, before the governorate and
// district that narrow it; asked there, it would offer nothing.
func displayOrder(form *registry.Form) []registry.FieldDef {
	pos := make(map[string]int, len(form.Fields))
	for i, d := range form.Fields {
		pos[d.Name] = i
	}
	waitsFor := func(i int) []string {
		d := form.Fields[i]
		if d.ChoiceFilter == "" {
			return nil
		}
		e, err := xpath.ParseFilter(d.ChoiceFilter)
		if err != nil {
			return nil
		}
		var later []string
		for _, r := range e.Refs() {
			if j, ok := pos[r]; ok && j > i && form.Fields[j].Section == d.Section {
				later = append(later, r)
			}
		}
		return later
	}
	out := make([]registry.FieldDef, 0, len(form.Fields))
	shown := make(map[string]bool, len(form.Fields))
	var pending []int
	emit := func(i int) {
		out = append(out, form.Fields[i])
		shown[form.Fields[i].Name] = true
	}
	ready := func(i int) bool {
		for _, r := range waitsFor(i) {
			if !shown[r] {
				return false
			}
		}
		return true
	}
	for i := range form.Fields {
		if !ready(i) {
			pending = append(pending, i)
			continue
		}
		emit(i)
		for again := true; again; {
			again = false
			for k, p := range pending {
				if ready(p) {
					emit(p)
					pending = slices.Delete(pending, k, k+1)
					again = true
					break
				}
			}
		}
	}
	for _, p := range pending {
		emit(p) // cannot happen with a form formrun accepts; kept, not lost
	}
	return out
}

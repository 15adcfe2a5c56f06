package app

import (
	"fmt"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/ops"
	"fieldreg/registry"
)

// detailView shows one household: its fields, members, assessments, the
// conflicts waiting for a decision, and the history of changes. Any record
// of it can be edited in place.
type detailView struct {
	u       *UI
	id      uuid.UUID
	content *fyne.Container
	close   func()

	body    *fyne.Container
	message *widget.Label

	household   registry.Record
	members     []registry.Record
	assessments []registry.Record

	// Set while a record is being edited.
	editing  *formView
	editRec  registry.Record
	saveEdit *widget.Button
	// resolve buttons by "record/field/value", for tests.
	resolveButtons map[string]*widget.Button
	editButtons    map[uuid.UUID]*widget.Button
	addMember      *widget.Button
	addAssessment  *widget.Button
	adding         bool // the form is a new member or assessment, not an edit
}

func newDetailView(u *UI, id uuid.UUID, close func()) *detailView {
	d := &detailView{u: u, id: id, close: close}
	d.message = u.errorText()
	back := u.button(u.tr.T("find.back"), theme.NavigateBackIcon(), close)
	d.body = container.NewVBox()
	d.content = container.NewBorder(container.NewPadded(container.NewVBox(back, d.message)), nil, nil, nil,
		container.NewVScroll(container.NewPadded(d.body)))
	d.load()
	return d
}

// load reads the household and everything attached to it, then shows it.
func (d *detailView) load() {
	u := d.u
	ws := u.ws
	d.editing = nil
	hh, err := ws.Get(d.id)
	if err != nil {
		setError(d.message, u.plainError(err))
		return
	}
	d.household = hh
	d.members = d.members[:0]
	for _, id := range ws.Members(d.id) {
		if rec, err := ws.Get(id); err == nil {
			d.members = append(d.members, rec)
		}
	}
	// The head first, then members in the order they were registered.
	sort.SliceStable(d.members, func(i, j int) bool {
		return registry.IsHead(d.members[i]) && !registry.IsHead(d.members[j])
	})
	d.assessments = d.assessments[:0]
	for _, id := range ws.Assessments(d.id) {
		if rec, err := ws.Get(id); err == nil {
			d.assessments = append(d.assessments, rec)
		}
	}
	d.show()
}

func (d *detailView) show() {
	u := d.u
	d.resolveButtons = make(map[string]*widget.Button)
	d.editButtons = make(map[uuid.UUID]*widget.Button)
	d.body.RemoveAll()

	title := u.tr.T("find.no_head")
	for _, m := range d.members {
		if registry.IsHead(m) {
			title = registry.DisplayName(m)
		}
	}
	d.body.Add(u.heading(u.tr.T("detail.household_of", title)))
	d.body.Add(u.text(u.tr.T("detail.number", registrationNumber(d.id))))
	d.addConflicts()
	d.addRecord(u.tr.T("register.step_household"), d.household)
	d.body.Add(u.heading(u.tr.T("register.members_count", len(d.members))))
	for _, m := range d.members {
		d.addRecord(u.memberSummary(m), m)
	}
	d.addMember = u.button(u.tr.T("detail.add_member"), theme.ContentAddIcon(), func() { d.add(registry.KindPerson) })
	d.body.Add(container.NewHBox(d.addMember))
	d.body.Add(u.heading(u.tr.T("register.step_assessment")))
	for _, a := range d.assessments {
		d.addRecord(a.Value(registry.FieldDate), a)
	}
	d.addAssessment = u.button(u.tr.T("detail.add_assessment"), theme.ContentAddIcon(), func() { d.add(registry.KindAssessment) })
	d.body.Add(container.NewHBox(d.addAssessment))
	d.addHistory()
	d.body.Refresh()
}

// addRecord shows one record's values in a card with an edit button.
func (d *detailView) addRecord(title string, rec registry.Record) {
	u := d.u
	edit := u.button(u.tr.T("register.edit"), theme.DocumentCreateIcon(), func() { d.edit(rec) })
	d.editButtons[rec.ID] = edit
	card := widget.NewCard(title, "", container.NewVBox(u.text(u.summary(rec.Kind, rec.Values())), container.NewHBox(edit)))
	d.body.Add(card)
}

// edit replaces the detail with the record's form, filled in.
func (d *detailView) edit(rec registry.Record) {
	u := d.u
	d.adding = false
	d.editRec = rec
	d.editing = newFormView(u, u.mustForm(rec.Kind))
	if rec.Kind == registry.KindPerson && d.household.ID != uuid.Nil {
		hh := d.household.Values()
		d.editing.parent = func() map[string]string { return hh }
	}
	d.editing.setValues(rec.Values(), false)
	d.saveEdit = u.button(u.tr.T("detail.save"), theme.DocumentSaveIcon(), d.commitEdit)
	d.saveEdit.Importance = widget.HighImportance
	cancel := u.button(u.tr.T("detail.cancel"), theme.CancelIcon(), d.show)
	d.body.RemoveAll()
	d.body.Add(u.heading(u.tr.T("detail.editing", u.mustForm(rec.Kind).Title.In(u.tr.lang))))
	d.body.Add(d.editing.content)
	d.body.Add(u.row(cancel, d.saveEdit))
	d.body.Refresh()
}

// arrow points from an old value to the new one the way the line reads.
func (u *UI) arrow() string {
	if u.tr.rtl() {
		return " ← "
	}
	return " → "
}

// add shows an empty form for a new member (a newborn) or a new assessment
// of this household.
func (d *detailView) add(kind string) {
	u := d.u
	d.edit(registry.Record{ID: newID(u.ws.Device()), Kind: kind})
	d.adding = true
	d.editing.setValues(nil, true)
	if in := d.editing.byName[registry.FieldDate]; in != nil && kind == registry.KindAssessment {
		in.setValue(u.cfg.Now().Format("2006-01-02"))
	}
	if in := d.editing.byName[registry.FieldFamilyName]; in != nil {
		for _, m := range d.members {
			if registry.IsHead(m) {
				in.setValue(m.Value(registry.FieldFamilyName)) // a newborn mostly takes it
			}
		}
	}
}

// commitAdd registers the new record into the household (ops.Register with
// the household as it is: its rules, the head rule included, are checked
// with the new record in).
func (d *detailView) commitAdd() {
	u := d.u
	rec := d.editRec
	vals, ok := d.editing.validate(rec.ID, map[string]string{registry.FieldHouseholdID: d.id.String()})
	if !ok {
		setError(d.message, u.tr.T("register.fix_fields"))
		return
	}
	h := ops.Household{Entry: ops.Entry{ID: d.id, Fields: d.household.Values()}}
	entry := ops.Entry{ID: rec.ID, Fields: vals}
	if rec.Kind == registry.KindAssessment {
		h.Assessments = []ops.Entry{entry}
	} else {
		h.Members = []ops.Entry{entry}
	}
	d.saveEdit.Disable()
	ws, forms, now := u.ws, u.forms, u.cfg.Now()
	u.background(func() func() {
		_, err := ops.Register(ws, forms, now, h)
		return func() {
			d.saveEdit.Enable()
			if err != nil {
				d.editing.showErrors(err)
				setError(d.message, u.plainError(err))
				return
			}
			setError(d.message, "")
			d.load()
		}
	})
}

// commitEdit stores the fields the user changed, and only those: a field
// left alone keeps its stamp, so it cannot conflict with someone else's
// edit. ops.Edit keeps the household's one head.
func (d *detailView) commitEdit() {
	if d.adding {
		d.commitAdd()
		return
	}
	u := d.u
	rec := d.editRec
	old := rec.Values()
	extra := map[string]string{}
	for k, v := range old {
		_, shown := d.editing.byName[k]
		def, inForm := d.editing.form.Field(k)
		if !shown && !(inForm && def.Type == registry.TypeCalculate) {
			extra[k] = v // fields the form does not show (household_id)
		}
	}
	vals, ok := d.editing.validate(rec.ID, extra)
	if !ok {
		setError(d.message, u.tr.T("register.fix_fields"))
		return
	}
	set := map[string]string{}
	for k, v := range vals {
		if old[k] != v {
			set[k] = v
		}
	}
	for k := range old {
		if _, ok := vals[k]; !ok {
			set[k] = "" // cleared
		}
	}
	if len(set) == 0 {
		d.show()
		return
	}
	d.saveEdit.Disable()
	ws := u.ws
	u.background(func() func() {
		_, err := ops.Edit(ws, ops.Fields{Record: rec, Set: set})
		return func() {
			d.saveEdit.Enable()
			if err != nil {
				d.editing.showErrors(err)
				setError(d.message, u.plainError(err))
				return
			}
			setError(d.message, "")
			d.load()
		}
	})
}

// addConflicts lists every field with concurrent values and lets a
// supervisor keep one: the choice is an ordinary change that resolves the
// others, and syncs like any edit.
func (d *detailView) addConflicts() {
	u := d.u
	recs := append([]registry.Record{d.household}, d.members...)
	recs = append(recs, d.assessments...)
	box := container.NewVBox()
	for _, rec := range recs {
		conflicts := rec.Conflicts()
		names := make([]string, 0, len(conflicts))
		for name := range conflicts {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			def, _ := u.mustForm(rec.Kind).Field(name)
			label := u.fieldLabel(rec.Kind, name)
			current := rec.Fields[name].Winner()
			box.Add(widget.NewLabelWithStyle(label, u.tr.align(), fyne.TextStyle{Bold: true}))
			values := []change.Version{current}
			values = append(values, conflicts[name]...)
			seen := map[string]bool{}
			for _, v := range values {
				if seen[v.Value] {
					continue
				}
				seen[v.Value] = true
				shown := u.displayValue(def, v.Value)
				if v.Value == "" {
					shown = u.tr.T("detail.empty")
				}
				rec, name, value := rec, name, v.Value
				keep := u.button(u.tr.T("detail.keep", shown), theme.ConfirmIcon(), func() { d.resolve(rec, name, value) })
				when := u.tr.raw("detail.written", u.formatTime(v.Stamp.Time()))
				box.Add(u.withAction(keep, u.text(u.tr.bidi(shown+" — "+when))))
				d.resolveButtons[rec.ID.String()+"/"+name+"/"+value] = keep
			}
		}
	}
	if len(box.Objects) == 0 {
		return
	}
	card := widget.NewCard(u.tr.T("detail.conflicts"), u.tr.T("detail.conflicts_hint"), box)
	d.body.Add(card)
}

func (d *detailView) resolve(rec registry.Record, field, value string) {
	u := d.u
	ws := u.ws
	u.background(func() func() {
		_, err := ops.Edit(ws, ops.Fields{Record: rec, Set: map[string]string{field: value}, Resolve: true})
		return func() {
			if err != nil {
				setError(d.message, u.plainError(err))
				return
			}
			setError(d.message, "")
			d.load()
		}
	})
}

// addHistory lists who changed what and when, newest first, for the
// household and its people: each change with its author and time, and each
// field it wrote as old → new, so a supervisor can see what was there.
func (d *detailView) addHistory() {
	u := d.u
	type line struct {
		at   change.Stamp
		text string
	}
	var lines []line
	recs := append([]registry.Record{d.household}, d.members...)
	recs = append(recs, d.assessments...)
	for _, rec := range recs {
		changes, err := u.ws.History(rec.ID)
		if err != nil {
			continue
		}
		form := u.mustForm(rec.Kind)
		was := map[string]string{}
		for i, c := range changes {
			what := u.tr.raw("detail.edited")
			if i == 0 {
				what = u.tr.raw("detail.created")
			}
			text := fmt.Sprintf("%s · %s · %s %s", u.formatTime(c.Stamp.Time()), c.Author, form.Title.In(u.tr.lang), what)
			for _, w := range c.Writes {
				def, ok := form.Field(w.Field)
				if !ok || skipField(def) {
					continue
				}
				shown := func(v string) string {
					if v == "" {
						return "—"
					}
					return u.displayValue(def, v)
				}
				if old, ok := was[w.Field]; ok || i > 0 {
					text += "\n    " + def.Label.In(u.tr.lang) + ": " + shown(old) + u.arrow() + shown(w.Value)
				} else {
					text += "\n    " + def.Label.In(u.tr.lang) + ": " + shown(w.Value)
				}
				was[w.Field] = w.Value
			}
			lines = append(lines, line{c.Stamp, u.tr.bidi(text)})
		}
	}
	sort.Slice(lines, func(i, j int) bool { return change.Wins(lines[i].at, lines[j].at) })
	box := container.NewVBox()
	for _, l := range lines {
		box.Add(u.text(l.text))
	}
	d.body.Add(widget.NewCard(u.tr.T("detail.history"), "", box))
}

package app

import (
	"errors"
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/ops"
	"fieldreg/registry"
	"fieldreg/registry/match"
	"fieldreg/store"
)

// The steps of a registration.
const (
	stepHousehold = iota
	stepMembers
	stepAssessment
	stepReview
	stepCount
)

var stepKeys = [stepCount]string{"register.step_household", "register.step_members", "register.step_assessment", "register.step_review"}

// registerScreen is the guided registration of a household, rendered from
// the household, person and assessment forms.
type registerScreen struct {
	u       *UI
	content fyne.CanvasObject
	reg     *registration

	stepTitle  *widget.Label
	body       *fyne.Container
	scroll     *container.Scroll // the step's page
	back, next *widget.Button
	discard    *widget.Button
	message    *widget.Label
	bar        *fyne.Container // discard, back, (add member,) next: fixed below the page

	household  *formView
	person     *formView
	assessment *formView
	formRefs   string // the versions it asks (currentFormRefs), to notice newer ones

	memberList *fyne.Container
	addMember  *widget.Button
	dupCard    *widget.Card
	dupList    *fyne.Container
	dupGen     int // discards duplicate results for a form that has changed since
	review     *fyne.Container
	save       *widget.Button

	membersPage   *fyne.Container
	personHeading *widget.Label // the member form's title, scrolled to the top after a member is added

	draftTimer *time.Timer
}

func newRegisterScreen(u *UI) *registerScreen {
	s := &registerScreen{u: u, reg: newRegistration(u.ws.Device()), formRefs: currentFormRefs(u.forms)}
	s.stepTitle = u.heading("")
	s.message = u.errorText()
	// Arrows point the way the language reads.
	backIcon, nextIcon := theme.NavigateBackIcon(), theme.NavigateNextIcon()
	if u.tr.rtl() {
		backIcon, nextIcon = nextIcon, backIcon
	}
	s.back = u.button(u.tr.T("register.back"), backIcon, s.goBack)
	s.next = u.button(u.tr.T("register.next"), nextIcon, s.goNext)
	s.next.Importance = widget.HighImportance
	s.next.IconPlacement = widget.ButtonIconTrailingText
	s.discard = u.button(u.tr.T("register.discard"), theme.DeleteIcon(), s.confirmDiscard)

	s.household = newFormView(u, u.mustForm(registry.KindHousehold))
	s.person = newFormView(u, u.mustForm(registry.KindPerson))
	// A member's questions may read the household's answers.
	s.person.parent = func() map[string]string { return s.reg.Fields }
	s.assessment = newFormView(u, u.mustForm(registry.KindAssessment))
	for _, v := range []*formView{s.household, s.person, s.assessment} {
		v.focused = func(in *fieldInput) { scrollTo(s.scroll, in.object()) }
	}
	s.household.changed = func(string) { s.typed() }
	s.assessment.changed = func(string) { s.typed() }
	s.person.changed = func(field string) {
		s.typed()
		s.checkDuplicates()
	}

	s.memberList = container.NewVBox()
	s.addMember = u.button(u.tr.T("register.add_member"), theme.ContentAddIcon(), func() { s.saveMember() })
	s.addMember.Importance = widget.HighImportance
	s.dupList = container.NewVBox()
	s.dupCard = widget.NewCard(u.tr.T("register.duplicates"), u.tr.T("register.duplicates_hint"), s.dupList)
	s.dupCard.Hide()
	s.review = container.NewVBox()
	s.save = u.button(u.tr.T("register.save"), theme.DocumentSaveIcon(), s.saveHousehold)
	s.save.Importance = widget.HighImportance

	s.body = container.NewStack()
	s.bar = container.NewStack()
	// The duplicate warning shows below the page, above the buttons: the
	// page keeps its place, so the next tap lands where the finger aims.
	s.content = container.NewBorder(
		container.NewPadded(s.stepTitle),
		container.NewPadded(container.NewVBox(s.dupCard, s.message, s.bar)),
		nil, nil,
		s.body,
	)
	s.show()
	return s
}

// mustForm returns a built-in form. They are embedded, so a missing one is a
// build defect; an empty form keeps the screen usable meanwhile.
func (u *UI) mustForm(kind string) *registry.Form {
	if u.forms != nil {
		if f, ok := u.forms.Form(kind); ok {
			return f
		}
	}
	return &registry.Form{Kind: kind}
}

// show puts the current step on screen from the registration.
func (s *registerScreen) show() {
	u := s.u
	r := s.reg
	step := u.tr.T(stepKeys[r.Step])
	if r.Step == stepMembers {
		step += " · " + s.personTitle() // the member form's heading scrolls out of view
	}
	s.stepTitle.SetText(u.tr.T("register.step", r.Step+1, stepCount, step))
	setError(s.message, "")
	s.back.Enable()
	if r.Step == stepHousehold {
		s.back.Disable()
	}
	s.next.Show()
	// Add member stays in reach below the page, beside Next, however long
	// the member form and the list above it grow.
	// Save takes Next's place at the review, in the same reach.
	switch r.Step {
	case stepMembers:
		s.bar.Objects = []fyne.CanvasObject{u.wrapRowOf(s.discard, s.back, s.addMember, s.next)}
	case stepReview:
		s.bar.Objects = []fyne.CanvasObject{u.row(s.discard, s.back, s.save)}
	default:
		s.bar.Objects = []fyne.CanvasObject{u.row(s.discard, s.back, s.next)}
	}
	s.bar.Refresh()
	var page fyne.CanvasObject
	switch r.Step {
	case stepHousehold:
		fresh := r.householdUntouched()
		s.household.setValues(r.Fields, fresh)
		if in := s.household.byName[registry.FieldConsentDate]; in != nil && fresh {
			in.setValue(u.cfg.Now().Format("2006-01-02")) // consent is asked at the door, today
		}
		page = s.household.content
	case stepMembers:
		s.showMembers()
		fresh := len(r.Typing.Fields) == 0
		s.person.setValues(r.Typing.Fields, fresh)
		if fresh {
			for name, v := range s.suggested() {
				if in := s.person.byName[name]; in != nil && in.value() == "" {
					in.setValue(v)
				}
			}
		}
		s.dupCard.Hide()
		s.personHeading = u.heading(s.personTitle())
		s.membersPage = container.NewVBox(
			s.memberList,
			widget.NewSeparator(),
			s.personHeading,
			s.person.content,
		)
		page = s.membersPage
	case stepAssessment:
		fresh := len(r.Assessment) == 0
		s.assessment.setValues(r.Assessment, fresh)
		if fresh {
			if in := s.assessment.byName[registry.FieldDate]; in != nil {
				in.setValue(u.cfg.Now().Format("2006-01-02"))
			}
		}
		page = container.NewVBox(u.text(u.tr.T("register.assessment_optional")), s.assessment.content)
	default:
		s.dupCard.Hide()
	}
	switch r.Step {
	case stepReview:
		s.next.Hide()
		s.showReview()
		page = s.review
	}
	s.scroll = container.NewVScroll(container.NewPadded(page))
	s.body.Objects = []fyne.CanvasObject{s.scroll}
	s.body.Refresh()
}

func (s *registerScreen) personTitle() string {
	if s.reg.Editing >= 0 {
		return s.u.tr.T("register.edit_member")
	}
	return s.u.tr.T("register.new_member", len(s.reg.Members)+1)
}

// The built-in person form's codes for the suggestions after the head; a
// form without them gets no suggestion (setValue shows nothing).
const (
	relationshipSpouse = "spouse"
	relationshipChild  = "child"
)

// suggested is what a new member's form starts with, in the order
// enumerators register a family: the head first, then the spouse, then the
// children; and the family name of the member added last, which most of a
// household shares. The enumerator changes either with a tap or by typing.
func (s *registerScreen) suggested() map[string]string {
	r := s.reg
	if r.Editing >= 0 {
		return nil
	}
	out := map[string]string{}
	head, spouse := false, false
	for _, m := range r.Members {
		switch m.Fields[registry.FieldRelationship] {
		case registry.RelationshipHead:
			head = true
		case relationshipSpouse:
			spouse = true
		}
	}
	switch {
	case !head:
		out[registry.FieldRelationship] = registry.RelationshipHead
	case !spouse && len(r.Members) == 1:
		out[registry.FieldRelationship] = relationshipSpouse
	default:
		out[registry.FieldRelationship] = relationshipChild
	}
	if n := len(r.Members); n > 0 {
		if f := r.Members[n-1].Fields[registry.FieldFamilyName]; f != "" {
			out[registry.FieldFamilyName] = f
		}
	}
	return out
}

// collect copies what is on screen into the registration.
func (s *registerScreen) collect() {
	r := s.reg
	switch r.Step {
	case stepHousehold:
		r.Fields = s.household.values()
	case stepMembers:
		r.Typing.Fields = s.person.values()
	case stepAssessment:
		r.Assessment = s.assessment.values()
	}
}

// typed is called on every change: the draft is saved a moment after the
// typing stops, so a killed app keeps what was typed without a disk write
// per keystroke.
func (s *registerScreen) typed() {
	if s.draftTimer != nil {
		s.draftTimer.Stop()
	}
	s.draftTimer = time.AfterFunc(s.u.draftDelay, func() { fyne.Do(s.saveDraft) })
}

// saveDraft writes the registration, encrypted, to the workspace.
func (s *registerScreen) saveDraft() {
	u := s.u
	if u.ws == nil || u.register != s {
		return
	}
	s.collect()
	if s.reg.empty() {
		// Nothing typed: no draft to reopen on the next unlock.
		if err := u.ws.DeleteDraft(draftName); err != nil && !errors.Is(err, store.ErrNotFound) {
			fyne.LogError("delete empty registration draft", err)
		}
		return
	}
	data, err := s.reg.encode()
	if err == nil {
		err = u.ws.SaveDraft(draftName, data)
	}
	if err != nil {
		fyne.LogError("save registration draft", err)
		setError(s.message, u.tr.T("register.draft_failed")+" "+u.plainError(err))
	}
}

// restoreDraft reopens an unfinished registration; it reports whether there was one.
func (s *registerScreen) restoreDraft() bool {
	data, err := s.u.ws.Draft(draftName)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			fyne.LogError("read registration draft", err)
		}
		return false
	}
	r, err := decodeRegistration(data, s.u.ws.Device())
	if err != nil {
		fyne.LogError("restore registration draft", err)
		return false
	}
	if r.empty() {
		return false // nothing typed: no "restored" for a blank form
	}
	s.reg = r
	s.show()
	setError(s.message, "")
	s.message.Importance = widget.SuccessImportance
	setError(s.message, s.u.tr.T("register.restored"))
	return true
}

func (s *registerScreen) goBack() {
	if s.reg.Step == stepHousehold {
		return
	}
	s.collect()
	s.reg.Step--
	s.show()
	s.saveDraft()
}

// goNext checks the step and moves on; problems are shown beside the fields.
func (s *registerScreen) goNext() {
	u := s.u
	r := s.reg
	s.collect()
	s.message.Importance = widget.DangerImportance
	switch r.Step {
	case stepHousehold:
		if _, ok := s.household.validate(r.Household, nil); !ok {
			s.saveDraft()
			setError(s.message, u.tr.T("register.fix_fields"))
			s.household.showFirstError(s.scroll)
			return
		}
	case stepMembers:
		if !s.personEmpty() && !s.saveMember() {
			return
		}
		if err := s.checkMembers(); err != nil {
			setError(s.message, u.plainError(err))
			if in := s.person.byName[registry.FieldRelationship]; in != nil {
				setError(in.errors, u.plainError(err)) // where the head is chosen
			}
			return
		}
	case stepAssessment:
		if s.assessmentFilled() {
			if _, ok := s.assessment.validate(r.AssessmentID, map[string]string{registry.FieldHouseholdID: r.Household.String()}); !ok {
				s.saveDraft()
				setError(s.message, u.tr.T("register.fix_fields"))
				s.assessment.showFirstError(s.scroll)
				return
			}
		}
	}
	r.Step++
	s.show()
	s.saveDraft()
	if r.Step == stepMembers && r.Editing < 0 && len(r.Members) == 0 {
		s.focusGivenName()
	}
}

// personEmpty reports whether nothing was typed in the person form beyond
// what the app suggests (the relationship, the family name).
func (s *registerScreen) personEmpty() bool {
	suggested := s.suggested()
	for name, v := range s.person.values() {
		if name == registry.FieldRelationship || v == "" {
			continue
		}
		if v != suggested[name] {
			return false
		}
	}
	return true
}

// assessmentFilled reports whether any question beyond the date was answered.
func (s *registerScreen) assessmentFilled() bool {
	for name, v := range s.reg.Assessment {
		if name != registry.FieldDate && v != "" {
			return true
		}
	}
	return false
}

// saveMember validates the person form and adds (or updates) the member.
func (s *registerScreen) saveMember() bool {
	u := s.u
	r := s.reg
	vals, ok := s.person.validate(r.Typing.ID, map[string]string{registry.FieldHouseholdID: r.Household.String()})
	if ok {
		ok = s.checkSecondHead(vals)
	}
	if !ok {
		s.message.Importance = widget.DangerImportance
		setError(s.message, u.tr.T("register.fix_fields"))
		s.saveDraft()
		s.person.showFirstError(s.scroll)
		return false
	}
	m := member{ID: r.Typing.ID, Fields: vals}
	if r.Editing >= 0 {
		r.Members[r.Editing] = m
	} else {
		r.Members = append(r.Members, m)
	}
	r.Editing = -1
	r.Typing = member{ID: newID(u.ws.Device()), Fields: map[string]string{}}
	setError(s.message, "")
	s.show()
	s.saveDraft()
	s.focusGivenName()
	return true
}

// focusGivenName puts the keyboard in the next member's given name, the
// first thing typed about them (the relationship and family name are
// suggested), and scrolls it into view.
func (s *registerScreen) focusGivenName() {
	if s.reg.Step != stepMembers {
		return
	}
	// The new member's form at the top of the page, the list above a
	// swipe away, the heading just out of view (the step's title says
	// which member): on a laptop every field up to the birth date shows.
	if pos, ok := positionIn(s.scroll.Content, s.person.content); ok {
		s.scroll.ScrollToOffset(fyne.NewPos(0, pos.Y))
	}
	if in := s.person.byName[registry.FieldGivenName]; in != nil && in.entry != nil {
		if c := s.u.win.Canvas(); c != nil {
			c.Focus(in.entry)
		}
	}
}

// checkSecondHead refuses a second head of household as soon as it is
// added, beside the relationship, naming the head there is.
func (s *registerScreen) checkSecondHead(vals map[string]string) bool {
	if vals[registry.FieldRelationship] != registry.RelationshipHead {
		return true
	}
	for i, m := range s.reg.Members {
		if i != s.reg.Editing && m.Fields[registry.FieldRelationship] == registry.RelationshipHead {
			name := registry.DisplayName(recordOf(registry.KindPerson, m.ID, m.Fields))
			if in := s.person.byName[registry.FieldRelationship]; in != nil {
				setError(in.errors, s.u.tr.bidi(s.u.tr.raw("register.second_head", name)))
			}
			return false
		}
	}
	return true
}

// checkMembers applies the household rule (exactly one head, so at least
// one member) to the members typed so far.
func (s *registerScreen) checkMembers() error {
	r := s.reg
	var members []registry.Record
	for _, m := range r.Members {
		members = append(members, recordOf(registry.KindPerson, m.ID, m.Fields))
	}
	return registry.ValidateHousehold(recordOf(registry.KindHousehold, r.Household, r.Fields), members)
}

// showMembers lists the members added so far, each with edit and remove.
func (s *registerScreen) showMembers() {
	u := s.u
	s.memberList.RemoveAll()
	if len(s.reg.Members) == 0 {
		s.memberList.Add(u.text(u.tr.T("register.no_members")))
		return
	}
	for i, m := range s.reg.Members {
		i := i
		edit := u.button(u.tr.T("register.edit"), theme.DocumentCreateIcon(), func() { s.editMember(i) })
		remove := u.button(u.tr.T("register.remove"), theme.DeleteIcon(), func() { s.confirmRemove(i) })
		remove.Importance = widget.DangerImportance
		// A finger's width apart, so a tap meant for Edit never removes.
		gap := canvas.NewRectangle(color.Transparent)
		gap.SetMinSize(fyne.NewSize(48, 1))
		actions := container.NewHBox(edit, gap, remove)
		if u.tr.rtl() {
			actions = container.NewHBox(remove, gap, edit)
		}
		row := u.withAction(actions, u.text(u.memberSummary(recordOf(registry.KindPerson, m.ID, m.Fields))))
		s.memberList.Add(row)
	}
}

// memberSummary is one line about a person: name, relationship, sex, birth date.
func (u *UI) memberSummary(p registry.Record) string {
	form := u.mustForm(registry.KindPerson)
	parts := []string{registry.DisplayName(p)}
	for _, name := range []string{registry.FieldRelationship, registry.FieldSex} {
		if d, ok := form.Field(name); ok {
			if c, ok := d.Choice(p.Value(name)); ok {
				parts = append(parts, c.Label.In(u.tr.lang))
			}
		}
	}
	if b := p.Value(registry.FieldBirthDate); b != "" {
		if age, err := registry.Age(b, u.cfg.Now()); err == nil {
			parts = append(parts, u.tr.plural("register.age", age))
		}
	}
	return u.tr.bidi(strings.Join(parts, " · "))
}

func (s *registerScreen) editMember(i int) {
	s.collect()
	r := s.reg
	r.Typing = member{ID: r.Members[i].ID, Fields: r.Members[i].Fields}
	r.Editing = i
	s.show()
	s.saveDraft()
}

// confirmRemove asks before a member and everything typed about them goes.
func (s *registerScreen) confirmRemove(i int) {
	u := s.u
	name := registry.DisplayName(recordOf(registry.KindPerson, s.reg.Members[i].ID, s.reg.Members[i].Fields))
	u.confirm(u.tr.T("register.remove"), u.tr.T("register.remove_confirm", name), func() { s.removeMember(i) })
}

func (s *registerScreen) removeMember(i int) {
	r := s.reg
	s.collect()
	r.Members = append(r.Members[:i], r.Members[i+1:]...)
	if r.Editing == i {
		r.Editing = -1
	} else if r.Editing > i {
		r.Editing--
	}
	s.show()
	s.saveDraft()
}

// checkDuplicates looks for people already registered who match the person
// being typed, off the UI goroutine, and lists them with the reasons.
func (s *registerScreen) checkDuplicates() {
	u := s.u
	if u.dups == nil {
		return
	}
	vals := s.person.values()
	if vals[registry.FieldGivenName] == "" && vals[registry.FieldFamilyName] == "" {
		if s.dupCard.Visible() {
			s.showDuplicates(s.reg.Typing.ID, nil)
		}
		return
	}
	r := s.reg
	vals[registry.FieldHouseholdID] = r.Household.String()
	person := recordOf(registry.KindPerson, r.Typing.ID, vals)
	household := recordOf(registry.KindHousehold, r.Household, r.Fields)
	s.dupGen++
	gen := s.dupGen
	dups := u.dups
	u.background(func() func() {
		matches := dups.Candidates(person, household, 5)
		return func() {
			if gen == s.dupGen {
				s.showDuplicates(person.ID, matches)
			}
		}
	})
}

func (s *registerScreen) showDuplicates(self uuid.UUID, matches []match.Match) {
	u := s.u
	s.dupList.RemoveAll()
	for _, m := range matches {
		other := m.B
		if other == self {
			other = m.A
		}
		rec, err := u.ws.Get(other)
		if err != nil {
			continue
		}
		var reasons []string
		for _, r := range m.Reasons {
			if r.Weight > 0 { // what speaks for a match; the rest is noise here
				reasons = append(reasons, u.reasonText(r))
			}
		}
		level := u.tr.raw("dup.possible")
		if m.Level == match.Likely {
			level = u.tr.raw("dup.likely")
		}
		name := registry.DisplayName(rec)
		text := fmt.Sprintf("%s · %s · %s\n%s", name, level, rec.Value(registry.FieldBirthDate), strings.Join(reasons, u.listSeparator()))
		hh, _ := uuid.Parse(rec.Value(registry.FieldHouseholdID))
		open := u.button(u.tr.T("dup.open"), theme.VisibilityIcon(), func() {
			s.saveDraft()
			u.find.openHousehold(hh)
			u.showTab(tabFind)
		})
		s.dupList.Add(u.withAction(open, u.text(u.tr.bidi(text))))
	}
	if len(s.dupList.Objects) == 0 {
		s.dupCard.Hide()
	} else {
		s.dupCard.Show()
	}
	s.dupCard.Refresh()
	if s.membersPage != nil {
		s.membersPage.Refresh() // lay out again: the card changed size
	}
}

// reasonText is a match reason in the user's language when we have it;
// the matcher's own text is English.
func (u *UI) reasonText(r match.Reason) string {
	if t := u.tr.raw("reason." + r.Code); t != "reason."+r.Code {
		return t
	}
	return r.Text
}

// showReview summarizes the registration before it is saved.
func (s *registerScreen) showReview() {
	u := s.u
	r := s.reg
	s.review.RemoveAll()
	s.review.Add(u.heading(u.tr.T("register.step_household")))
	s.review.Add(u.text(u.summary(registry.KindHousehold, r.Fields)))
	s.review.Add(u.heading(u.tr.T("register.members_count", len(r.Members))))
	for _, m := range r.Members {
		s.review.Add(u.text("• " + u.memberSummary(recordOf(registry.KindPerson, m.ID, m.Fields))))
	}
	s.review.Add(u.heading(u.tr.T("register.step_assessment")))
	if s.assessmentFilled() {
		s.review.Add(u.text(u.summary(registry.KindAssessment, r.Assessment)))
	} else {
		s.review.Add(u.text(u.tr.T("register.no_assessment")))
	}
}

// summary lists a record's values as "Label: value" lines in form order.
func (u *UI) summary(kind string, vals map[string]string) string {
	var lines []string
	for _, d := range u.mustForm(kind).Fields {
		v := vals[d.Name]
		if v == "" || skipField(d) {
			continue
		}
		lines = append(lines, d.Label.In(u.tr.lang)+": "+u.displayValue(d, v))
	}
	return u.tr.bidi(strings.Join(lines, "\n"))
}

// displayValue shows a value as the user reads it: choice labels, yes/no.
func (u *UI) displayValue(d registry.FieldDef, v string) string {
	switch d.Type {
	case registry.TypeBoolean:
		if v == "true" {
			return u.tr.raw("yes")
		}
		return u.tr.raw("no")
	case registry.TypeSelectOne:
		if c, ok := d.Choice(v); ok {
			return c.Label.In(u.tr.lang)
		}
	case registry.TypeSelectMultiple:
		var labels []string
		for _, code := range strings.Fields(v) {
			if c, ok := d.Choice(code); ok {
				labels = append(labels, c.Label.In(u.tr.lang))
			} else {
				labels = append(labels, code)
			}
		}
		return strings.Join(labels, u.listSeparator())
	}
	return v
}

// saveHousehold registers the household, its members and the assessment
// (ops.Register): checked by the rules, then one transaction, all or
// nothing.
func (s *registerScreen) saveHousehold() {
	u := s.u
	r := s.reg
	if err := s.checkMembers(); err != nil {
		setError(s.message, u.plainError(err))
		return
	}
	h := ops.Household{Entry: ops.Entry{ID: r.Household, Fields: r.Fields}}
	for _, m := range r.Members {
		h.Members = append(h.Members, ops.Entry{ID: m.ID, Fields: m.Fields})
	}
	if s.assessmentFilled() {
		h.Assessments = []ops.Entry{{ID: r.AssessmentID, Fields: r.Assessment}}
	}
	s.save.Disable()
	ws, forms, now := u.ws, u.forms, u.cfg.Now()
	n := len(r.Members)
	number := registrationNumber(r.Household)
	u.background(func() func() {
		_, err := ops.Register(ws, forms, now, h)
		if err == nil {
			err = ws.DeleteDraft(draftName)
			if errors.Is(err, store.ErrNotFound) {
				err = nil
			}
		}
		return func() {
			s.save.Enable()
			if err != nil {
				s.message.Importance = widget.DangerImportance
				setError(s.message, u.plainError(err))
				return
			}
			s.reg = r.following(u.ws.Device(), true)
			s.show()
			s.message.Importance = widget.SuccessImportance
			setError(s.message, u.tr.T("register.saved_number", number, u.tr.plural("register.members_n", n)))
		}
	})
}

func (s *registerScreen) confirmDiscard() {
	u := s.u
	u.confirm(u.tr.T("register.discard"), u.tr.T("register.discard_confirm"), s.discardNow)
}

func (s *registerScreen) discardNow() {
	if err := s.u.ws.DeleteDraft(draftName); err != nil && !errors.Is(err, store.ErrNotFound) {
		fyne.LogError("delete registration draft", err)
	}
	s.reg = s.reg.following(s.u.ws.Device(), false)
	s.show()
}

// recordOf makes a record from plain values, for validation and matching of
// what is on screen before it is stored.
func recordOf(kind string, id uuid.UUID, vals map[string]string) registry.Record {
	rec := registry.Record{ID: id, Kind: kind, Fields: make(map[string]change.Field, len(vals))}
	for k, v := range vals {
		rec.Fields[k] = change.Field{Versions: []change.Version{{Value: v, Stamp: change.Stamp{HLC: 1}}}}
	}
	return rec
}

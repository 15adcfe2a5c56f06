package app

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"fieldreg/ops"
	"fieldreg/registry"
	"fieldreg/registry/match"
	"fieldreg/store"
)

// dupReview lists the pairs of persons that may be one person registered
// twice, for a supervisor or admin to judge: "not the same person" or
// "merge". Enumerators do not get it: judging is a supervisor's decision,
// and the list shows people from every site of the workspace.
//
// The pairs come from the home screen's count (match.RecordIndex Pairs,
// seconds at 100k persons, computed off the UI goroutine); the review shows
// "counting…" until they arrive and a page of them at a time.
type dupReview struct {
	u       *UI
	content fyne.CanvasObject

	status  *widget.Label
	reading *widget.ProgressBar         // records read so far
	working *widget.ProgressBarInfinite // pairing them
	message *widget.Label
	list    *fyne.Container
	more    *widget.Button

	pairs []match.Match // what is left to review, best first; nil while counting
	shown int           // how many of them are on screen
	cards []*pairCard
}

// dupPageSize is how many pairs are laid out at a time: enough to work
// through, few enough to build at once at 100k persons.
const dupPageSize = 20

func newDupReview(u *UI, back func()) *dupReview {
	r := &dupReview{u: u}
	backIcon := theme.NavigateBackIcon()
	if u.tr.rtl() {
		backIcon = theme.NavigateNextIcon()
	}
	backButton := u.button(u.tr.T("dupreview.back"), backIcon, back)
	r.status = u.text(u.tr.T("dupreview.counting"))
	r.reading = widget.NewProgressBar()
	r.working = widget.NewProgressBarInfinite()
	r.message = u.text("")
	r.message.Hide()
	r.list = container.NewVBox()
	r.more = u.button("", theme.MoreVerticalIcon(), func() { r.showMore() })
	r.more.Hide()
	top := container.NewVBox(u.withAction(backButton, u.heading(u.tr.T("dupreview.title"))), r.status, r.reading, r.working, r.message)
	r.content = container.NewBorder(container.NewPadded(top), nil, nil, nil,
		container.NewVScroll(container.NewPadded(container.NewVBox(r.list, r.more))))
	return r
}

// setPairs shows the counted pairs, or "counting…" while pairs is nil.
func (r *dupReview) setPairs(pairs []match.Match) {
	r.pairs = pairs
	r.shown = 0
	r.list.RemoveAll()
	r.cards = nil
	if pairs == nil {
		r.status.SetText(r.u.tr.T("dupreview.counting"))
		r.showProgress(0, 1)
		r.more.Hide()
		r.content.Refresh()
		return
	}
	r.reading.Hide()
	r.working.Stop()
	r.working.Hide()
	r.showMore()
}

// showProgress shows how far counting is: records read, then an endless
// bar while they are paired.
func (r *dupReview) showProgress(read, total int) {
	if r.pairs != nil {
		return
	}
	if read < total {
		r.working.Stop()
		r.working.Hide()
		r.reading.SetValue(float64(read) / float64(total))
		r.reading.Show()
		return
	}
	r.reading.Hide()
	r.working.Show()
	r.working.Start()
}

// showMore lays out pairs up to the next page's end.
func (r *dupReview) showMore() {
	u := r.u
	end := min(len(r.pairs), (r.shown/dupPageSize+1)*dupPageSize)
	for _, m := range r.pairs[r.shown:end] {
		c, err := r.newPairCard(m)
		if err != nil {
			fyne.LogError("show a possible duplicate", err)
			continue
		}
		r.cards = append(r.cards, c)
		r.list.Add(c.content)
	}
	r.shown = end
	r.showStatus()
	if left := len(r.pairs) - r.shown; left > 0 {
		r.more.SetText(u.tr.T("dupreview.more", min(left, dupPageSize), left))
		r.more.Show()
	} else {
		r.more.Hide()
	}
	r.content.Refresh() // lay out again: the list and the top changed size
}

func (r *dupReview) showStatus() {
	u := r.u
	if len(r.pairs) == 0 {
		r.status.SetText(u.tr.T("dupreview.none"))
		return
	}
	r.status.SetText(u.tr.T("dupreview.count", len(r.pairs)))
}

// pairCard is one pair on screen: both persons side by side, why they look
// alike, and the two decisions.
type pairCard struct {
	m       match.Match
	keep    registry.Record // the first: stays when merged
	gone    registry.Record // the second: merged into the first
	content fyne.CanvasObject
	notSame *widget.Button
	merge   *widget.Button
	message *widget.Label
}

func (r *dupReview) newPairCard(m match.Match) (*pairCard, error) {
	u := r.u
	a, err := u.ws.Get(m.A)
	if err != nil {
		return nil, fmt.Errorf("read person %s: %w", m.A, err)
	}
	b, err := u.ws.Get(m.B)
	if err != nil {
		return nil, fmt.Errorf("read person %s: %w", m.B, err)
	}
	c := &pairCard{m: m}
	c.keep, c.gone = ops.MergeOrder(u.ws, a, b)
	c.message = u.errorText()
	c.notSame = u.button(u.tr.T("dupreview.not_same"), theme.CancelIcon(), func() { r.dismiss(c) })
	c.merge = u.button(u.tr.T("dupreview.merge"), theme.ContentCopyIcon(), func() { r.merge(c) })
	c.merge.Importance = widget.HighImportance

	var reasons []string
	for _, rs := range m.Reasons {
		if rs.Weight > 0 || rs.Code == "names_swapped" {
			reasons = append(reasons, u.reasonText(rs))
		}
	}
	level := u.tr.T("dupreview.possible")
	if m.Level == match.Likely {
		level = u.tr.T("dupreview.likely")
	}
	// The level as a heading inside the card, not its title: a heading is
	// aligned for the language, a card title is not.
	c.content = widget.NewCard("", "", container.NewVBox(
		u.heading(level),
		u.row(r.personColumn("dupreview.first", c.keep), r.personColumn("dupreview.second", c.gone)),
		u.text(u.tr.bidi(u.tr.raw("dupreview.reasons", strings.Join(reasons, u.listSeparator())))),
		c.message,
		u.row(c.notSame, c.merge),
	))
	return c, nil
}

// personColumn shows what a supervisor compares: name, sex, birth date,
// site and the size of the household.
func (r *dupReview) personColumn(caption string, p registry.Record) fyne.CanvasObject {
	u := r.u
	person, household := u.mustForm(registry.KindPerson), u.mustForm(registry.KindHousehold)
	value := func(f *registry.Form, name, v string) string {
		if v == "" {
			return "—"
		}
		if d, ok := f.Field(name); ok {
			return u.displayValue(d, v)
		}
		return v
	}
	name := registry.DisplayName(p)
	var site string
	size := 0
	if hid, err := uuid.Parse(p.Value(registry.FieldHouseholdID)); err == nil {
		if hh, err := u.ws.Get(hid); err == nil {
			site = hh.Value(registry.FieldSite)
		}
		size = len(u.ws.Members(hid))
	}
	captionLabel := u.text(u.tr.T(caption))
	captionLabel.TextStyle = fyne.TextStyle{Italic: true}
	nameLabel := widget.NewLabelWithStyle(u.tr.bidi(name), u.tr.align(), fyne.TextStyle{Bold: true})
	nameLabel.Wrapping = fyne.TextWrapWord
	// One label for the details: lines without padding between them keep
	// a pair on a tablet's screen at once.
	details := u.text(u.tr.bidi(strings.Join([]string{
		u.tr.raw("dupreview.sex", value(person, registry.FieldSex, p.Value(registry.FieldSex))),
		u.tr.raw("dupreview.born", value(person, registry.FieldBirthDate, p.Value(registry.FieldBirthDate))),
		u.tr.raw("dupreview.site", value(household, registry.FieldSite, site)),
		u.tr.plural("dupreview.household", size),
	}, "\n")))
	return container.NewVBox(captionLabel, nameLabel, details)
}

// dismiss records that the two are different persons (ops.Dismiss, as
// fieldctl duplicates dismiss): the pair is never listed again, here or,
// after sync, anywhere.
func (r *dupReview) dismiss(c *pairCard) {
	u := r.u
	ws := u.ws
	keepID, goneID := c.keep.ID, c.gone.ID
	r.busy(c, true)
	u.background(func() func() {
		_, err := ops.Dismiss(ws, keepID, goneID)
		return func() {
			r.busy(c, false)
			if err != nil {
				setError(c.message, u.plainError(err))
				return
			}
			r.done(u.tr.T("dupreview.dismissed"), func(m match.Match) bool { return samePair(m, keepID, goneID) })
		}
	})
}

// merge merges the second person into the first (ops.Merge, as fieldctl
// duplicates merge).
func (r *dupReview) merge(c *pairCard) {
	u := r.u
	ws := u.ws
	keepID, goneID := c.keep.ID, c.gone.ID
	name := registry.DisplayName(c.gone)
	r.busy(c, true)
	u.background(func() func() {
		_, err := ops.Merge(ws, keepID, goneID)
		return func() {
			r.busy(c, false)
			switch {
			case errors.Is(err, ops.ErrHeadOfHousehold):
				setError(c.message, u.tr.T("dupreview.head", name))
				return
			case err != nil:
				setError(c.message, u.plainError(err))
				return
			}
			r.done(u.tr.T("dupreview.merged"), func(m match.Match) bool { return m.A == goneID || m.B == goneID })
		}
	})
}

func samePair(m match.Match, a, b uuid.UUID) bool {
	return (m.A == a && m.B == b) || (m.A == b && m.B == a)
}

func (r *dupReview) busy(c *pairCard, on bool) {
	if on {
		c.notSame.Disable()
		c.merge.Disable()
		setError(c.message, "")
		return
	}
	c.notSame.Enable()
	c.merge.Enable()
}

// done takes the decided pairs off the list, and off the home screen's
// count, without counting again: at 100k persons that takes seconds, and
// the decision changed nothing else. (A merged person's other pairs go too;
// the kept person's may score a little differently until the next count.)
func (r *dupReview) done(msg string, decided func(match.Match) bool) {
	u := r.u
	removed := 0
	for _, m := range r.pairs[:r.shown] {
		if decided(m) {
			removed++
		}
	}
	r.shown -= removed
	r.pairs = slices.DeleteFunc(slices.Clone(r.pairs), decided)
	r.cards = slices.DeleteFunc(r.cards, func(c *pairCard) bool {
		if decided(c.m) {
			r.list.Remove(c.content)
			return true
		}
		return false
	})
	if u.home != nil {
		u.home.reviewed(r.pairs)
	}
	r.message.Importance = widget.SuccessImportance
	r.message.SetText(msg)
	r.message.Show()
	r.showMore() // top the page up again, and say how many are left
}

// countPairs reads the workspace's households and persons into a matching
// index of its own and pairs them there. The app's shared index would do
// it too, but its Pairs holds the index's lock for seconds at 100k
// persons, and every commit — a registration being saved, a draft — would
// wait on it, and the screen with it. Reading goes in small chunks (Each),
// so nothing waits long on this either. progress, when not nil, hears how
// many of the records have been read.
func countPairs(ws *store.Workspace, progress func(read, total int)) ([]match.Match, error) {
	ix := match.NewRecordIndex(match.DefaultConfig())
	total := ws.Count(registry.KindHousehold) + ws.Count(registry.KindPerson)
	live := make(map[uuid.UUID]bool, ws.Count(registry.KindHousehold))
	read := 0
	note := func() {
		read++
		if progress != nil && read%2000 == 0 {
			progress(read, total)
		}
	}
	err := ws.Each(registry.KindHousehold, func(rec registry.Record) error {
		live[rec.ID] = true
		ix.Index(rec)
		note()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count possible duplicates: %w", err)
	}
	err = ws.Each(registry.KindPerson, func(rec registry.Record) error {
		note()
		// Members of households deleted meanwhile are not matched, as in
		// the shared index.
		if hid, err := uuid.Parse(rec.Value(registry.FieldHouseholdID)); err == nil && !live[hid] {
			return nil
		}
		ix.Index(rec)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count possible duplicates: %w", err)
	}
	if progress != nil {
		progress(total, total)
	}
	return ix.Pairs(), nil
}

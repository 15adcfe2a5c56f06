package app

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fieldreg/assets/i18n"
	"fieldreg/ops"
	"fieldreg/registry"
	"fieldreg/registry/match"
)

// homeScreen is the day's summary: what was registered, who (by sex and
// age), what waits to be sent, and what waits for review.
type homeScreen struct {
	u          *UI
	content    *fyne.Container // the summary, or the duplicate review opened from it
	page       fyne.CanvasObject
	households *widget.Label
	persons    *widget.Label
	chart      *ageChart
	chartWait  *widget.Label // in the chart's place until the roster is attached
	pending    *widget.Label
	lastSync   *widget.Label
	conflicts  *widget.Label
	duplicates *widget.Label
	clock      *widget.Label // the device's date looks wrong
	damage     *widget.Label // records or own changes the store could not read

	countDups               *widget.Button
	reviewDups              *widget.Button // supervisors and admins only
	dupCounting, dupCounted bool
	dupCount                int
	dupPairs                []match.Match
	dupSeq                  uint64 // the change log position dupPairs were counted at
	dupWaiting              bool   // a count waits for the duplicate index to be attached

	review *dupReview // while open
}

func newHomeScreen(u *UI) *homeScreen {
	s := &homeScreen{u: u}
	big := func() *widget.Label {
		l := widget.NewLabelWithStyle("", u.tr.align(), fyne.TextStyle{Bold: true})
		l.SizeName = theme.SizeNameSubHeadingText
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	s.households, s.persons = big(), big()
	s.pending, s.lastSync, s.conflicts, s.duplicates = u.text(""), u.text(""), u.text(""), u.text("")
	s.chart = newAgeChart(u.tr.T("home.female"), u.tr.T("home.male"))
	s.chartWait = u.text("")
	s.clock = u.errorText()
	s.clock.Importance = widget.WarningImportance
	s.damage = u.errorText()
	s.countDups = u.button(u.tr.T("home.count_duplicates"), theme.SearchIcon(), s.countDuplicates)
	s.countDups.Hide()
	duplicates := fyne.CanvasObject(s.duplicates)
	if ops.MaySupervise(u.ws.Role()) {
		s.reviewDups = u.button(u.tr.T("home.review_duplicates"), theme.VisibilityIcon(), s.openReview)
		duplicates = u.withAction(s.reviewDups, s.duplicates)
	}

	register := u.button(u.tr.T("home.register"), theme.ContentAddIcon(), func() { u.showTab(tabRegister) })
	register.Importance = widget.HighImportance
	review := u.button(u.tr.T("home.review"), theme.SearchIcon(), func() { u.showTab(tabFind) })

	registered := widget.NewCard(u.tr.T("home.registered"), "", container.NewVBox(s.households, s.persons))
	people := widget.NewCard(u.tr.T("home.by_sex_age"), "", container.NewStack(s.chart, s.chartWait))
	waiting := widget.NewCard(u.tr.T("home.waiting"), "", container.NewVBox(s.pending, s.lastSync, s.conflicts, duplicates, s.countDups))
	s.page = container.NewVScroll(container.NewPadded(container.NewVBox(
		s.clock,
		s.damage,
		u.row(register, review),
		container.New(&responsiveGrid{minCell: 380, rtl: u.tr.rtl()}, registered, people, waiting),
	)))
	s.content = container.NewStack(s.page)
	return s
}

// refresh recounts from the in-memory indexes; duplicate pairs are computed
// off the UI goroutine, as at 100k persons they take a moment.
func (s *homeScreen) refresh() {
	u := s.u
	if u.ws == nil {
		return
	}
	s.showStatus()
	if u.ws.Count(registry.KindPerson) <= autoCountPersons || s.dupCounted {
		s.countDuplicates()
	} else {
		s.duplicates.SetText(u.tr.T("home.duplicates_unknown"))
		s.countDups.Show()
	}
}

// showRecords follows a change of records (changeFeed): the counts and the
// chart, what waits for sync, conflicts; duplicate pairs only where counting
// them is quick — at 100k persons it takes seconds, and refresh recounts
// them when the home screen is shown again.
func (s *homeScreen) showRecords() {
	u := s.u
	s.showStatus()
	if u.ws.Count(registry.KindPerson) <= autoCountPersons {
		s.countDuplicates()
	}
}

// showStatus shows everything on the home screen but the duplicate count.
func (s *homeScreen) showStatus() {
	u := s.u
	s.showCounts()
	s.showClock()
	s.showDamage()

	if n, err := u.cfg.Sync.Pending(u.ws); err == nil {
		s.pending.SetText(u.tr.T("home.pending", n))
	}
	if t, ok := u.cfg.Sync.LastSync(u.ws); ok {
		s.lastSync.SetText(u.tr.T("home.last_sync", u.formatTime(t)))
	} else {
		s.lastSync.SetText(u.tr.T("home.never_synced"))
	}
	s.conflicts.SetText(u.tr.T("home.conflicts", len(u.ws.Conflicted())))
}

// showCounts shows the registered counts and the chart from the roster, or
// that it is loading until it is attached (attachRoster).
func (s *homeScreen) showCounts() {
	u := s.u
	if u.roster == nil {
		s.households.SetText(u.rosterWaiting())
		s.persons.Hide()
		s.chart.Hide()
		s.chartWait.SetText(u.rosterWaiting())
		s.chartWait.Show()
		return
	}
	c := u.roster.counts()
	s.households.SetText(u.tr.T("home.households", c.HouseholdsToday, c.Households))
	s.persons.SetText(u.tr.T("home.persons", c.PersonsToday, c.Persons))
	s.persons.Show()
	s.chart.set(c.Female, c.Male)
	s.chart.Show()
	s.chartWait.Hide()
}

// autoCountPersons is the most persons whose duplicate pairs the home
// screen counts by itself. Above it, counting takes long enough (about ten
// seconds of both cores at 100k households, BenchmarkDuplicatePairs100k) to
// slow everything else on a tablet, so the user asks for it.
const autoCountPersons = 20_000

// countDuplicates counts possible duplicate pairs (countPairs). At 100k
// persons that is seconds of work, so it runs detached from the screen:
// locking does not wait for it (reading a closed workspace stops it), a
// result for a workspace since locked is dropped, and it is redone only
// when the change log has moved. An open review shows its progress.
func (s *homeScreen) countDuplicates() {
	u := s.u
	if u.attaching {
		// Both read every record: one at a time goes faster on two cores.
		// duplicatesAttached counts then.
		s.countDups.Hide()
		s.duplicates.SetText(u.tr.T("home.duplicates_counting"))
		s.dupWaiting = true
		return
	}
	seq := u.ws.LastLogSeq()
	if s.dupCounted && s.dupSeq == seq {
		s.duplicates.SetText(u.tr.T("home.duplicates", s.dupCount))
		if s.review != nil && s.review.pairs == nil {
			s.review.setPairs(s.dupPairs)
		}
		return
	}
	s.countDups.Hide()
	s.duplicates.SetText(u.tr.T("home.duplicates_counting"))
	if s.dupCounting {
		return
	}
	s.dupCounting = true
	ws := u.ws
	run, deliver := u.detached()
	current := func() bool { return u.ws == ws && u.home == s }
	u.slow.Add(1)
	run(func() {
		defer u.slow.Done()
		pairs, err := countPairs(ws, func(read, total int) {
			deliver(func() {
				if current() && s.review != nil {
					s.review.showProgress(read, total)
				}
			})
		})
		deliver(func() {
			s.dupCounting = false
			if !current() {
				return // locked meanwhile: the workspace is closed
			}
			if err != nil {
				fyne.LogError("count possible duplicates", err)
				s.duplicates.SetText(u.tr.T("home.duplicates_unknown"))
				return
			}
			s.dupPairs, s.dupCount, s.dupSeq, s.dupCounted = pairs, len(pairs), seq, true
			if u.ws.LastLogSeq() != seq {
				s.countDuplicates()
				return
			}
			s.duplicates.SetText(u.tr.T("home.duplicates", len(pairs)))
			if s.review != nil {
				s.review.setPairs(pairs)
			}
		})
	})
}

// openReview shows the duplicate review in place of the summary. It shows
// "counting…" until the pairs are known, which may take seconds.
func (s *homeScreen) openReview() {
	s.review = newDupReview(s.u, s.closeReview)
	s.review.setPairs(nil)
	s.content.Objects = []fyne.CanvasObject{s.review.content}
	s.content.Refresh()
	s.countDuplicates()
}

func (s *homeScreen) closeReview() {
	s.review = nil
	s.content.Objects = []fyne.CanvasObject{s.page}
	s.content.Refresh()
	s.refresh()
}

// reviewed takes the pairs left after a decision in the review as the
// count, current as of the decision's commit.
func (s *homeScreen) reviewed(left []match.Match) {
	u := s.u
	s.dupPairs, s.dupCount, s.dupSeq, s.dupCounted = left, len(left), u.ws.LastLogSeq(), true
	s.duplicates.SetText(u.tr.T("home.duplicates", len(left)))
}

// formatTime shows a time as people read it on a form: 2026-11-27 14:05.
func (u *UI) formatTime(t time.Time) string {
	return t.In(u.cfg.Now().Location()).Format("2006-01-02 15:04")
}

// responsiveGrid puts as many columns as fit cells at least minCell wide:
// three cards side by side on a laptop, stacked on a tablet held upright.
type responsiveGrid struct {
	minCell   float32
	rtl       bool    // the first cell at the right, where an Arabic reader starts
	lastWidth float32 // MinSize is asked without a width: use the last one laid out
}

func (g *responsiveGrid) columns(width float32) int {
	return max(1, int(width/g.minCell))
}

func (g *responsiveGrid) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	g.lastWidth = size.Width
	cols := min(g.columns(size.Width), max(1, len(objects)))
	pad := theme.Padding()
	cellW := (size.Width - pad*float32(cols-1)) / float32(cols)
	y := float32(0)
	for start := 0; start < len(objects); start += cols {
		row := objects[start:min(start+cols, len(objects))]
		h := float32(0)
		for _, o := range row {
			h = max(h, o.MinSize().Height)
		}
		for i, o := range row {
			x := float32(i) * (cellW + pad)
			if g.rtl {
				x = size.Width - x - cellW
			}
			o.Move(fyne.NewPos(x, y))
			o.Resize(fyne.NewSize(cellW, h))
		}
		y += h + pad
	}
}

func (g *responsiveGrid) MinSize(objects []fyne.CanvasObject) fyne.Size {
	cols := 1
	if g.lastWidth > 0 {
		cols = min(g.columns(g.lastWidth), max(1, len(objects)))
	}
	var w, h float32
	for start := 0; start < len(objects); start += cols {
		rowH := float32(0)
		for _, o := range objects[start:min(start+cols, len(objects))] {
			m := o.MinSize()
			w = max(w, m.Width)
			rowH = max(rowH, m.Height)
		}
		h += rowH + theme.Padding()
	}
	return fyne.NewSize(w, h)
}

// showClock warns when the device's date is behind the last change this
// device itself saved (its date was set back): work is still saved in the
// right order, but dates typed as "today" and the sync lock go by that
// clock. A change received from a device whose clock runs ahead is no
// sign that this one is wrong, and gets no warning (store.ClockBehind).
func (s *homeScreen) showClock() {
	u := s.u
	if d, behind := u.ws.ClockBehind(); behind {
		setError(s.clock, u.tr.T("clock.behind", i18n.Builtin().RoughDuration(u.tr.lang, d)))
		return
	}
	setError(s.clock, "")
}

// showDamage says when the store left records out because they could not
// be read, or set aside changes of this device: the rest of the workspace
// works, and the supervisor must hear of it before anyone thinks of wiping.
func (s *homeScreen) showDamage() {
	u := s.u
	var lines []string
	if n := len(u.ws.Damaged()); n > 0 {
		lines = append(lines, u.tr.T("home.damaged", n))
	}
	if set, err := u.ws.SetAside(); err == nil && len(set) > 0 {
		lines = append(lines, u.tr.T("home.set_aside", len(set)))
	}
	setError(s.damage, strings.Join(lines, "\n"))
}

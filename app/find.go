package app

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"fieldreg/registry"
	"fieldreg/store"
)

// searchLimit bounds the name hits turned into households.
const searchLimit = 500

// findScreen lists households, searches them by name as you type, filters
// them by site and status, and opens one in detail.
type findScreen struct {
	u       *UI
	content *fyne.Container

	search  *widget.Entry
	site    *choiceSelect
	status  *choiceSelect
	count   *widget.Label
	list    *widget.List
	results []uuid.UUID
	listBox fyne.CanvasObject

	debounce *debouncer
	gen      int // discards results of a search superseded by a newer one

	siteCodes, statusCodes []string // "" first: any
	detail                 *detailView
}

func newFindScreen(u *UI) *findScreen {
	s := &findScreen{u: u}
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(u.tr.T("find.search_placeholder"))
	s.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	s.debounce = newDebouncer(u.searchDelay, s.reload)
	s.search.OnChanged = func(string) {
		u.touch()
		s.debounce.trigger()
	}
	s.search.OnSubmitted = func(string) { s.debounce.flush() }

	s.site = s.filterSelect(registry.KindHousehold, registry.FieldSite, &s.siteCodes, "find.any_site")
	s.status = s.filterSelect(registry.KindHousehold, registry.FieldStatus, &s.statusCodes, "find.any_status")
	s.count = u.text("")
	s.count.Importance = widget.MediumImportance

	s.list = widget.NewList(
		func() int { return len(s.results) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("", u.tr.align(), fyne.TextStyle{Bold: true})
			name.Truncation = fyne.TextTruncateEllipsis
			// Site, status and date in separate labels: in Arabic each is
			// drawn right to left on its own, and the order is reversed.
			info := container.NewHBox()
			if u.tr.rtl() {
				info.Add(layout.NewSpacer())
			}
			for range 3 {
				l := widget.NewLabel("")
				l.Importance = widget.MediumImportance
				info.Add(l)
			}
			return container.NewVBox(name, info)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(s.results) {
				return
			}
			row := u.roster.row(s.results[i])
			box := o.(*fyne.Container)
			name := row.Head
			if name == "" {
				name = u.tr.T("find.no_head")
			}
			box.Objects[0].(*widget.Label).SetText(name)
			parts := s.rowInfo(row)
			labels := box.Objects[1].(*fyne.Container).Objects
			if u.tr.rtl() {
				labels = labels[1:]
				slices.Reverse(parts)
			}
			for k, l := range labels {
				text := ""
				if k < len(parts) {
					text = parts[k]
				}
				l.(*widget.Label).SetText(text)
			}
			box.Objects[1].(*fyne.Container).Refresh() // lay out the new widths
		},
	)
	s.list.OnSelected = func(i widget.ListItemID) {
		u.touch()
		if i < len(s.results) {
			s.openHousehold(s.results[i])
		}
		s.list.UnselectAll()
	}

	filters := container.New(&responsiveGrid{minCell: 260, rtl: u.tr.rtl()}, s.site, s.status)
	top := container.NewVBox(s.search, filters, s.count)
	s.listBox = container.NewBorder(container.NewPadded(top), nil, nil, nil, s.list)
	s.content = container.NewStack(s.listBox)
	s.reload()
	return s
}

// filterSelect offers "any" and a field's choices from the household form.
func (s *findScreen) filterSelect(kind, field string, codes *[]string, anyKey string) *choiceSelect {
	u := s.u
	labels := []string{u.tr.T(anyKey)}
	*codes = []string{""}
	if d, ok := u.mustForm(kind).Field(field); ok {
		for _, c := range d.Choices {
			labels = append(labels, c.Label.In(u.tr.lang))
			*codes = append(*codes, c.Name)
		}
	}
	sel := newChoiceSelect(u.win, labels, func(string) {
		u.touch()
		s.reload()
	})
	sel.SetSelectedIndex(0)
	return sel
}

func selectedCode(sel *choiceSelect, codes []string) string {
	if i := sel.SelectedIndex(); i > 0 && i < len(codes) {
		return codes[i]
	}
	return ""
}

// rowInfo is the second line of a row: site, status, registration date.
func (s *findScreen) rowInfo(row householdRow) []string {
	u := s.u
	form := u.mustForm(registry.KindHousehold)
	var parts []string
	for _, f := range []struct{ name, value string }{{registry.FieldSite, row.Site}, {registry.FieldStatus, row.Status}} {
		if d, ok := form.Field(f.name); ok && f.value != "" {
			parts = append(parts, u.displayValue(d, f.value))
		}
	}
	if !row.Created.IsZero() {
		parts = append(parts, u.formatTime(row.Created))
	}
	for i := range parts {
		parts[i] = u.tr.bidi(parts[i])
	}
	return parts
}

// reload runs the search (or lists everything) with the current filters,
// and shows the top of the results.
func (s *findScreen) reload() { s.load(true) }

// follow shows what the workspace holds now for the same search, where the
// list was scrolled to: records saved or received meanwhile (changeFeed).
func (s *findScreen) follow() { s.load(false) }

// load runs the search. Name search runs off the UI goroutine; at 100k
// households it takes milliseconds, but a tablet should never stutter
// while typing.
func (s *findScreen) load(toTop bool) {
	u := s.u
	if u.ws == nil || s.site == nil || s.status == nil {
		return
	}
	query := strings.TrimSpace(s.search.Text)
	site := selectedCode(s.site, s.siteCodes)
	status := selectedCode(s.status, s.statusCodes)
	s.gen++
	gen := s.gen
	ws, r := u.ws, u.roster
	if r == nil {
		// Rows and filters come from the roster, and so do the households
		// of persons found by name. What was typed stays: rosterAttached
		// reloads.
		s.results = nil
		s.count.SetText(u.rosterWaiting())
		s.list.Refresh()
		return
	}
	u.background(func() func() {
		var ids []uuid.UUID
		if query == "" {
			ids = r.list(site, status)
		} else {
			ids = searchHouseholds(ws, r, query, site, status)
		}
		return func() {
			if gen != s.gen {
				return
			}
			s.results = ids
			s.count.SetText(u.tr.N("find.count", len(ids)))
			s.list.Refresh()
			if toTop {
				s.list.ScrollToTop()
			}
		}
	})
}

// searchHouseholds turns name hits (persons and households) into the
// households they belong to, best first, each once, passing the filters;
// households whose registration number starts with the query come first.
func searchHouseholds(ws *store.Workspace, r *roster, query, site, status string) []uuid.UUID {
	hits := ws.Search(query, searchLimit)
	seen := make(map[uuid.UUID]bool, len(hits))
	out := make([]uuid.UUID, 0, len(hits))
	// A registration number read off a card or a receipt: those households
	// first, then anyone whose name matches.
	if prefix, ok := registrationPrefix(query); ok {
		for _, id := range r.list(site, status) {
			if hasRegistrationPrefix(id, prefix) {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	for _, h := range hits {
		id := h.ID
		if h.Kind == registry.KindPerson {
			hh, ok := r.householdOf(h.ID)
			if !ok {
				continue
			}
			id = hh
		} else if h.Kind != registry.KindHousehold {
			continue
		}
		if seen[id] || !r.passes(id, site, status) {
			continue
		}
		seen[id] = true
		out = append(out, id)
	}
	return out
}

// openHousehold shows one household in detail.
func (s *findScreen) openHousehold(id uuid.UUID) {
	s.detail = newDetailView(s.u, id, s.closeDetail)
	s.content.Objects = []fyne.CanvasObject{s.detail.content}
	s.content.Refresh()
}

func (s *findScreen) closeDetail() {
	s.detail = nil
	s.content.Objects = []fyne.CanvasObject{s.listBox}
	s.content.Refresh()
	s.reload()
}

package xlsform

import (
	"fmt"
	"slices"

	"fieldreg/registry"
)

// choiceList is one list_name of the choices sheet. Questions naming the
// same list share it.
type choiceList struct {
	name    string
	row     int // where it starts, for errors
	choices []registry.Choice
	filters []string // its extra columns: what a choice_filter may read
	names   map[string]bool
}

// readChoices reads the choices sheet. Columns other than list_name, name
// and the labels are the choices' Filter: the p-code and admin areas of a
// site, the admin1 of an admin2 area.
func (w *workbook) readChoices() error {
	t := w.choices
	w.lists = map[string]*choiceList{}
	listCol, nameCol := t.index("list_name"), t.index("name")
	if len(t.rows) > 0 && (listCol < 0 || nameCol < 0) {
		return fmt.Errorf("%w: the choices sheet needs list_name and name columns", ErrBadForm)
	}
	var filterCols []int
	for i, c := range t.cols {
		switch {
		case c.base == "" || c.base == "list_name" || c.base == "name" || c.base == "label" || informative(c):
		case translatable[c.base] || c.rest != "" || c.base == "media" || c.base == "image" || c.base == "audio" || c.base == "video":
			// A hint per choice, a picture: refused where a choice has one.
			filterCols = append(filterCols, -i-1)
		default:
			if !validName(c.base) {
				return fmt.Errorf("%w: choices column %q: a column choice_filter reads must be a lower-case name", ErrBadForm, c.header)
			}
			filterCols = append(filterCols, i)
		}
	}
	for _, r := range t.rows {
		listName, name := r.cells[listCol], r.cells[nameCol]
		if listName == "" && name == "" {
			continue
		}
		if listName == "" {
			return fmt.Errorf("%w: %s: choice %q in no list", ErrBadForm, t.where(r, listCol), name)
		}
		if name == "" {
			return fmt.Errorf("%w: %s: a choice of list %q with no name", ErrBadForm, t.where(r, nameCol), listName)
		}
		if !validChoiceName(name) {
			return fmt.Errorf("%w: %s: choice name %q: no spaces, up to 64 characters", ErrBadForm, t.where(r, nameCol), name)
		}
		l := w.lists[listName]
		if l == nil {
			l = &choiceList{name: listName, row: r.num, names: map[string]bool{}}
			w.lists[listName] = l
		}
		c := registry.Choice{Name: name, Label: w.labels(t, r, "label")}
		if len(c.Label) == 0 {
			return fmt.Errorf("%w: choices row %d: choice %q of list %q has no label", ErrBadForm, r.num, name, listName)
		}
		for _, i := range filterCols {
			if i < 0 {
				if r.cells[-i-1] != "" {
					return fmt.Errorf("%w: %s", ErrUnsupported, t.where(r, -i-1))
				}
				continue
			}
			if v := r.cells[i]; v != "" {
				if c.Filter == nil {
					c.Filter = map[string]string{}
				}
				c.Filter[t.cols[i].base] = v
				if !slices.Contains(l.filters, t.cols[i].base) {
					l.filters = append(l.filters, t.cols[i].base)
				}
			}
		}
		if l.names[name] {
			return fmt.Errorf("%w: %s: choice %q twice in list %q", ErrBadForm, t.where(r, nameCol), name, listName)
		}
		l.names[name] = true
		l.choices = append(l.choices, c)
	}
	return nil
}

func validChoiceName(s string) bool {
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			return false
		}
	}
	return len(s) <= 64
}

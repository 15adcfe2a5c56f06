package app

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fieldreg/internal/demo"
)

// TestEveryScreenFitsTheWindow lays out every screen on a tablet held
// upright and on a laptop, in English, Spanish (the longest words) and
// Arabic, and fails when any widget needs more width than the window has:
// such a widget is cut off at the edge, and what is past it cannot be
// reached.
func TestEveryScreenFitsTheWindow(t *testing.T) {
	sizes := []fyne.Size{fyne.NewSize(800, 1280), fyne.NewSize(1280, 800)}
	for _, lang := range []string{"en", "es", "ar"} {
		for _, size := range sizes {
			t.Run(fmt.Sprintf("%s-%.0fx%.0f", lang, size.Width, size.Height), func(t *testing.T) {
				checkScreensFit(t, lang, size)
			})
		}
	}
}

func checkScreensFit(t *testing.T, lang string, size fyne.Size) {
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefLanguage, lang)
	u := openTestUI(t, a, filepath.Join(t.TempDir(), "workspace"), newScreenshotClock())
	check := func(screen string) {
		t.Helper()
		u.win.Resize(size)
		for _, p := range overWide(u.win.Content(), size.Width) {
			t.Errorf("%s: %s", screen, p)
		}
	}
	check("first run")
	u.create()
	if _, err := demo.Seed(u.ws, u.forms, 7, 20); err != nil {
		t.Fatal(err)
	}
	u.registerHousehold(testHousehold, testHead, testSpouse, testChild)
	u.lock()
	check("unlock")
	u.unlockWith(testAdmin, testPass)

	u.showTab(tabHome)
	u.home.refresh()
	u.wait()
	check("home")

	u.showTab(tabRegister)
	r := u.register
	check("register: household")
	test.Tap(r.next) // refused: the messages beside the fields
	check("register: household with errors")
	u.fill(r.household, testHousehold)
	test.Tap(r.next)
	u.fill(r.person, testHead)
	test.Tap(r.addMember)
	u.fill(r.person, map[string]string{"relationship": "spouse", "given_name": "Ibrahem", "family_name": "Yousef", "sex": "male", "birth_date": "1980-07-15"})
	u.wait()
	check("register: members, with a possible duplicate")
	r.person.setValues(map[string]string{}, true)
	test.Tap(r.next)
	check("register: assessment")
	test.Tap(r.next)
	check("register: review")
	r.discardNow()

	u.showTab(tabFind)
	u.wait()
	check("find")
	id := u.roster.list("", "")[0]
	for _, cand := range u.roster.list("", "") {
		if u.roster.row(cand).Head == "Amina Yusuf" {
			id = cand
		}
	}
	u.find.openHousehold(id)
	check("household detail and history")
	if d := u.find.detail; d != nil {
		for _, b := range d.editButtons {
			test.Tap(b)
			check("household detail: editing")
			break
		}
	}
	u.find.closeDetail()

	u.showTab(tabSync)
	check("sync")
	u.showTab(tabSettings)
	check("settings")

	u.registerHousehold(map[string]string{"consent": "true", "site": "camp_south", "phone": "+962 79 555 0102"},
		map[string]string{"relationship": "head", "given_name": "Ibrahem", "family_name": "Yousef", "sex": "male", "birth_date": "1980-07-15"})
	u.showTab(tabHome)
	u.home.refresh()
	u.wait()
	test.Tap(u.home.reviewDups)
	u.wait()
	check("duplicate review")
}

// overWide lists the innermost objects under root that need more than
// width: their parents are only too wide because of them.
func overWide(root fyne.CanvasObject, width float32) []string {
	var found []string
	var walk func(o fyne.CanvasObject) bool
	walk = func(o fyne.CanvasObject) bool {
		if o == nil || !o.Visible() {
			return false
		}
		inner := false
		for _, c := range children(o) {
			if walk(c) {
				inner = true
			}
		}
		if o.MinSize().Width <= width {
			return inner
		}
		if !inner {
			found = append(found, fmt.Sprintf("%T %q needs %.0f of %.0f", o, describe(o), o.MinSize().Width, width))
		}
		return true
	}
	walk(root)
	return found
}

// children are the objects drawn inside o.
func children(o fyne.CanvasObject) []fyne.CanvasObject {
	switch w := o.(type) {
	case *fyne.Container:
		return w.Objects
	case *container.Scroll:
		if w.Direction == container.ScrollHorizontalOnly || w.Direction == container.ScrollBoth {
			return nil // may be wider than the window: it scrolls sideways
		}
		return []fyne.CanvasObject{w.Content}
	case *widget.Label, *widget.Entry, *widget.Button:
		return nil
	case fyne.Widget:
		return test.WidgetRenderer(w).Objects()
	}
	return nil
}

func describe(o fyne.CanvasObject) string {
	switch w := o.(type) {
	case *widget.Label:
		return w.Text
	case *widget.Button:
		return w.Text
	case *widget.Check:
		return w.Text
	case *widget.RadioGroup:
		return strings.Join(w.Options, "|")
	case *widget.CheckGroup:
		return strings.Join(w.Options, "|")
	case *choiceSelect:
		return w.PlaceHolder
	case *widget.Card:
		return w.Title
	}
	return ""
}

package app

import (
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"fieldreg/change"
	"fieldreg/internal/demo"
	"fieldreg/registry"
	"fieldreg/store"
)

// TestScreenshots writes a PNG of every main screen, at laptop and tablet
// sizes, in English and Arabic, to $FIELDREG_SCREENSHOTS (make screenshots).
// Without the variable it is skipped: it is for people to look at.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("FIELDREG_SCREENSHOTS")
	if dir == "" {
		t.Skip("set FIELDREG_SCREENSHOTS=dir to write screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	sizes := []struct {
		name string
		size fyne.Size
	}{{"laptop", fyne.NewSize(1280, 800)}, {"tablet", fyne.NewSize(800, 1280)}}
	for _, lang := range []string{"en", "ar"} {
		for _, sz := range sizes {
			t.Run(lang+"-"+sz.name, func(t *testing.T) {
				shootAll(t, dir, lang, sz.name, sz.size)
			})
		}
	}
	for _, lang := range []string{"en", "ar"} {
		for _, sz := range sizes {
			t.Run("imported-"+lang+"-"+sz.name, func(t *testing.T) {
				shootImported(t, dir, lang, sz.name, sz.size)
			})
		}
	}
	for _, lang := range []string{"en", "ar"} {
		for _, mode := range []string{themeDark, themeSun} {
			t.Run(mode+"-"+lang, func(t *testing.T) {
				a := test.NewTempApp(t)
				a.Preferences().SetString(prefLanguage, lang)
				a.Preferences().SetString(prefTheme, mode)
				u := openTestUI(t, a, filepath.Join(t.TempDir(), "workspace"), newScreenshotClock())
				u.create()
				seedForScreens(t, u)
				for _, sz := range sizes {
					prefix := fmt.Sprintf("%s-%s-%s-", mode, lang, sz.name)
					u.showTab(tabHome)
					u.home.refresh()
					u.wait()
					shoot(t, u, dir, prefix+"home", sz.size)
					u.showTab(tabRegister)
					shoot(t, u, dir, prefix+"register", sz.size)
				}
			})
		}
	}
}

func newScreenshotClock() *fakeClock { return &fakeClock{t: screenshotNow} }

func shootAll(t *testing.T, dir, lang, sizeName string, size fyne.Size) {
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefLanguage, lang)
	u := openTestUI(t, a, filepath.Join(t.TempDir(), "workspace"), newScreenshotClock())
	a.Settings().SetTheme(fieldTheme{mode: themeLight})
	name := func(screen string) string { return fmt.Sprintf("%s-%s-%s", lang, sizeName, screen) }

	test.Type(u.firstRun.admin, testAdmin)
	shoot(t, u, dir, name("1-first-run"), size)
	u.create()
	seedForScreens(t, u)
	u.lock()
	u.unlock.message.SetText("")
	shoot(t, u, dir, name("2-unlock"), size)
	u.unlockWith(testAdmin, testPass)
	if u.ws == nil {
		t.Fatalf("unlock: %q user %q pass %q", u.unlock.message.Text, u.unlock.user.Text, u.unlock.pass.Text)
	}

	u.showTab(tabHome)
	u.home.refresh()
	u.wait()
	shoot(t, u, dir, name("3-home"), size)

	u.showTab(tabRegister)
	r := u.register
	u.fill(r.household, map[string]string{"consent": "true", "site": "camp_south", "shelter_type": "tent", "phone": "+962 79 555 0101"})
	shoot(t, u, dir, name("4-register-household"), size)
	test.Tap(r.next)
	u.fill(r.person, map[string]string{"given_name": "Amina", "birth_date": "2/3/1985"})
	test.Tap(r.addMember) // refused: the messages beside the fields
	shoot(t, u, dir, name("5a-register-member-errors"), size)
	u.fill(r.person, testHead)
	test.Tap(r.addMember)
	// A near-duplicate of someone registered at another site.
	u.fill(r.person, map[string]string{"relationship": "spouse", "given_name": "Ibrahem", "family_name": "Yousef", "sex": "male", "birth_date": "1980-07-15"})
	u.wait()
	shoot(t, u, dir, name("5-register-members-duplicate"), size)
	r.person.setValues(map[string]string{}, true)
	test.Tap(r.next)
	u.fill(r.assessment, map[string]string{"water_source": "public_tap", "latrine_access": "shared"})
	shoot(t, u, dir, name("5b-register-assessment"), size)
	test.Tap(r.next)
	shoot(t, u, dir, name("6-register-review"), size)
	r.discardNow()

	u.showTab(tabFind)
	u.wait()
	shoot(t, u, dir, name("7-find"), size)
	u.find.openHousehold(u.conflictedHousehold(t))
	shoot(t, u, dir, name("8-household-detail"), size)
	u.find.closeDetail()
	u.wait()

	u.showTab(tabSync)
	u.sync.progress = nil
	u.sync.final = SyncProgress{Sent: 312, ToSend: 312, Received: 48, BytesSent: 41230, BytesReceived: 9120, Conflicts: 1}
	test.Tap(u.syncs.start)
	u.wait()
	shoot(t, u, dir, name("9-sync"), size)

	u.showTab(tabSettings)
	shoot(t, u, dir, name("10-settings"), size)

	// The spouse registered again at another site, heading his own household.
	u.registerHousehold(map[string]string{"consent": "true", "site": "camp_south", "phone": "+962 79 555 0102"},
		map[string]string{"relationship": "head", "given_name": "Ibrahem", "family_name": "Yousef", "sex": "male", "birth_date": "1980-07-15"})
	u.showTab(tabHome)
	u.home.refresh()
	u.wait()
	test.Tap(u.home.reviewDups)
	u.wait()
	shoot(t, u, dir, name("11-duplicate-review"), size)
	u.home.closeReview()

	// A month and more without reaching HQ.
	u.sync.enrolled = &Enrollment{HQAddr: "hq.example.org:8443", Team: "north", Enrolled: screenshotNow.Add(-60 * 24 * time.Hour)}
	u.clock.Add(34 * 24 * time.Hour)
	u.lock()
	u.unlockWith(testAdmin, testPass)
	if u.overdue == nil {
		t.Fatal("overdue screen not shown")
	}
	shoot(t, u, dir, name("12-overdue"), size)
}

// shootImported shows the register screen asking the example registration
// form (docs/examples/registration.xlsx, imported as fieldctl form import
// does): its cascade, a constraint message of the form's, skip logic, the
// member repeat's own question.
func shootImported(t *testing.T, dir, lang, sizeName string, size fyne.Size) {
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefLanguage, lang)
	u := openTestUI(t, a, filepath.Join(t.TempDir(), "workspace"), newScreenshotClock())
	a.Settings().SetTheme(fieldTheme{mode: themeLight})
	name := func(screen string) string { return fmt.Sprintf("%s-%s-%s", lang, sizeName, screen) }
	u.create()
	importExample(t, u, "registration.xlsx")
	u.showTab(tabRegister)
	u.win.Resize(size)
	r := u.register
	vals := testImportedHousehold(t, r.household)
	vals["water_minutes"] = "900"
	u.fillInOrder(r.household, vals)
	minutes := u.input(r.household, "water_minutes")
	c := u.win.Canvas()
	c.Focus(minutes.entry)
	c.Focus(u.input(r.household, "phone").entry) // left: the form's message shows
	blurAll(r.household)
	// From the location heading: the cascade, the GPS button.
	scrollToLine(r.scroll, r.household, u.input(r.household, "admin1").object(), 1)
	shoot(t, u, dir, name("13-imported-household"), size)
	r.scroll.ScrollToBottom() // the wash questions, the constraint's message last
	shoot(t, u, dir, name("14-imported-household-wash"), size)
	minutes.entry.SetText("15")
	test.Tap(r.next)
	if r.reg.Step != stepMembers {
		t.Fatalf("household refused: %q %v", r.message.Text, fieldErrors(r.household))
	}
	u.fill(r.person, testHead)
	blurAll(r.person)
	scrollToLine(r.scroll, r.person, u.input(r.person, "given_name").object(), 1)
	shoot(t, u, dir, name("15-imported-member"), size)
	scrollToLine(r.scroll, r.person, u.input(r.person, "pregnant").object(), 0)
	shoot(t, u, dir, name("16-imported-member-repeat"), size)
}

// scrollToLine scrolls so that the view starts at a line of v (a heading or
// a question's box): the one holding o, or that many lines before it, or
// the last line start the scroll can reach. The test driver's painter draws
// an object cut by a scroll's edge outside the scroll (a real window clips
// it), so the shots start on a line.
func scrollToLine(s *container.Scroll, v *formView, o fyne.CanvasObject, before int) {
	s.Refresh()
	base, _ := positionIn(s.Content, v.content)
	limit := s.Content.MinSize().Height - s.Size().Height
	var tops []float32
	want := -1
	for _, line := range v.content.Objects {
		if !line.Visible() {
			continue
		}
		if _, ok := positionIn(line, o); ok {
			want = len(tops)
		}
		tops = append(tops, base.Y+line.Position().Y)
	}
	if want < 0 {
		return
	}
	i := max(want-before, 0)
	for i > 0 && tops[i] > limit {
		i--
	}
	s.ScrollToOffset(fyne.NewPos(0, tops[i]))
}

// blurAll takes the focus look off every entry test.Type focused: the test
// driver focuses them without unfocusing the one before, which a real
// window never shows.
func blurAll(v *formView) {
	for _, in := range v.inputs {
		if in.entry != nil {
			in.entry.Entry.FocusLost()
		}
		if in.age != nil {
			in.age.Entry.FocusLost()
		}
	}
	v.u.win.Canvas().Unfocus()
}

// seedForScreens fills the workspace: generated households, one known family
// registered at another site, and a conflict on its phone number.
func seedForScreens(t *testing.T, u *testUI) {
	t.Helper()
	if _, err := demo.Seed(u.ws, u.forms, 7, 150); err != nil {
		t.Fatal(err)
	}
	u.registerHousehold(map[string]string{"consent": "true", "site": "camp_north", "phone": "+962 79 555 0100"},
		testHead, testSpouse, map[string]string{"relationship": "child", "given_name": "Hawa", "family_name": "Yusuf", "sex": "female", "age": "7"})
	id := u.conflictedHousehold(t)
	rec, _ := u.ws.Get(id)
	base := rec.Fields["phone"].Stamp()
	u.clock.Add(2 * time.Minute)
	if _, err := u.ws.Commit(store.Edit{Record: id, Kind: registry.KindHousehold, Set: map[string]string{"phone": "+962 79 555 0199"}}); err != nil {
		t.Fatal(err)
	}
	other := registry.NewID()
	remote := change.Change{Device: other, DeviceSeq: 1, Record: id, Kind: registry.KindHousehold, Author: "omar",
		Stamp:  change.Stamp{HLC: change.MakeHLC(u.clock.Now().UnixMilli()-30000, 0), Device: other},
		Writes: []change.Write{{Field: "phone", Value: "+962 77 123 4567", Base: base}}}
	if _, err := u.ws.ApplyRemote([]change.Change{remote}, nil); err != nil {
		t.Fatal(err)
	}
	u.sync.last = screenshotNow.Add(-26 * 60 * 1e9)
}

// conflictedHousehold is the household of the test's head of household.
func (u *testUI) conflictedHousehold(t *testing.T) [16]byte {
	for _, id := range u.roster.list("", "") {
		if u.roster.row(id).Head == "Amina Yusuf" {
			return id
		}
	}
	t.Fatal("Amina Yusuf's household not found")
	return [16]byte{}
}

func shoot(t *testing.T, u *testUI, dir, name string, size fyne.Size) {
	t.Helper()
	// Twice: widths decide how radio groups and form rows lay out, and
	// the heights that follow need a second pass (a real window gets it
	// on its next frame).
	u.win.Resize(size.AddWidthHeight(1, 1))
	u.win.Resize(size)
	img := u.win.Canvas().Capture()
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

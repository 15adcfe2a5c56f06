package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store"
)

var (
	testHousehold = map[string]string{"consent": "true", "site": "camp_north", "phone": "+256 700 111222", "shelter_type": "tent"}
	testHead      = map[string]string{"relationship": "head", "given_name": "Amina", "family_name": "Yusuf", "sex": "female", "birth_date": "1985-03-02"}
	testSpouse    = map[string]string{"relationship": "spouse", "given_name": "Ibrahim", "family_name": "Yusuf", "sex": "male", "birth_date": "1980-07-15"}
	testChild     = map[string]string{"relationship": "child", "given_name": "Hawa", "family_name": "Yusuf", "sex": "female", "age": "7"}
)

func TestCreateWorkspaceShowsHome(t *testing.T) {
	u := newTestUI(t)
	if u.firstRun == nil {
		t.Fatal("an empty directory should show first run")
	}
	test.Type(u.firstRun.pass, "short")
	if got := u.firstRun.strength.Text; got != u.tr.T("passphrase.too_short") {
		t.Errorf("strength hint for a short passphrase = %q", got)
	}
	u.firstRun.pass.SetText("")
	u.create()
	if !store.Exists(u.cfg.Dir) {
		t.Fatal("no workspace on disk after first run")
	}
	if u.tabs == nil || u.currentTab() != tabHome {
		t.Fatal("home not shown after first run")
	}
	if got := u.home.households.Text; got != "Households: 0 today, 0 in all" {
		t.Errorf("home households = %q", got)
	}
}

func TestFirstRunRefusesMismatchedPassphrases(t *testing.T) {
	u := newTestUI(t)
	s := u.firstRun
	test.Type(s.admin, testAdmin)
	test.Type(s.pass, testPass)
	test.Type(s.repeat, testPass+"x")
	test.Tap(s.create)
	u.wait()
	if u.ws != nil || store.Exists(u.cfg.Dir) {
		t.Fatal("workspace created with mismatched passphrases")
	}
	if !strings.Contains(s.message.Text, "different") {
		t.Errorf("message = %q", s.message.Text)
	}
}

func TestFirstRunEnrollsWithHQCode(t *testing.T) {
	u := newTestUI(t)
	test.Type(u.firstRun.code, "FR1-hq.example.org-abc")
	u.create()
	if _, ok, _ := u.sync.Enrolled(u.ws); !ok {
		t.Fatal("the enrollment code was not used")
	}
	if got := u.syncs.enrolled.Text; !strings.Contains(got, "hq.example.org") {
		t.Errorf("sync screen enrollment = %q", got)
	}
}

func TestUnlockAndWrongPassphrase(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.lock()
	if u.unlock == nil || u.ws != nil {
		t.Fatal("lock did not show the unlock screen")
	}
	if u.unlock.user.Text != testAdmin {
		t.Errorf("user name not remembered: %q", u.unlock.user.Text)
	}

	u.unlockWith(testAdmin, "wrong passphrase 1")
	if u.ws != nil {
		t.Fatal("unlocked with a wrong passphrase")
	}
	if got := u.unlock.message.Text; got != "Wrong user name or passphrase." {
		t.Errorf("message after a wrong passphrase = %q", got)
	}
	u.unlockWith(testAdmin, "wrong passphrase 2")
	u.unlockWith(testAdmin, "wrong passphrase 3")
	if got := u.unlock.message.Text; !strings.Contains(got, "Wait 5 seconds") {
		t.Errorf("third failure should ask to wait: %q", got)
	}
	// Even the right passphrase waits out the delay.
	u.unlockWith(testAdmin, testPass)
	if u.ws != nil {
		t.Fatal("unlocked during the wait after repeated failures")
	}
	if got := u.unlock.message.Text; !strings.Contains(got, "Wait") {
		t.Errorf("message during the wait = %q", got)
	}
	u.clock.Add(6 * time.Second)
	u.unlockWith(testAdmin, testPass)
	if u.ws == nil {
		t.Fatalf("right passphrase refused after the wait: %q", u.unlock.message.Text)
	}
	if n := u.app.Preferences().Int(prefFailures); n != 0 {
		t.Errorf("failure count not reset after success: %d", n)
	}
}

func TestUnlockDelaySurvivesRestart(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.lock()
	for i := 0; i < 4; i++ {
		u.unlockWith(testAdmin, "not it at all")
	}
	// A new window on the same app preferences: restarting does not reset it.
	u2 := openTestUI(t, u.app, u.cfg.Dir, u.clock)
	u2.unlockWith(testAdmin, testPass)
	if u2.ws != nil {
		t.Fatal("restarting the app skipped the wait")
	}
}

func TestIdleAndBackgroundLock(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.clock.Add(4 * time.Minute)
	u.checkIdle()
	if u.ws == nil {
		t.Fatal("locked before the auto-lock time")
	}
	u.clock.Add(2 * time.Minute)
	u.checkIdle()
	if u.ws != nil || u.unlock == nil {
		t.Fatal("not locked after 6 idle minutes (default 5)")
	}
	lc := u.app.Lifecycle().(interface {
		OnExitedForeground() func()
		OnEnteredForeground() func()
	})
	// A laptop window behind others locks after a minute, not at once.
	u.unlockWith(testAdmin, testPass)
	lc.OnExitedForeground()()
	if u.ws == nil {
		t.Fatal("a desktop window locked as soon as it lost focus")
	}
	u.clock.Add(30 * time.Second)
	lc.OnEnteredForeground()()
	u.clock.Add(time.Minute)
	u.checkIdle()
	if u.ws == nil {
		t.Fatal("locked although the window came back in time")
	}
	lc.OnExitedForeground()()
	u.clock.Add(61 * time.Second)
	u.checkIdle()
	if u.ws != nil {
		t.Fatal("a desktop window behind others for a minute did not lock")
	}
	// A tablet locks the moment the app leaves the foreground.
	u.unlockWith(testAdmin, testPass)
	u.forceMobile = true
	lc.OnExitedForeground()()
	if u.ws != nil {
		t.Fatal("a tablet did not lock when the app left the foreground")
	}
}

func TestRegisterHouseholdWithThreeMembers(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.registerHousehold(testHousehold, testHead, testSpouse, testChild)
	r := u.register
	ids := u.roster.list("", "")
	if len(ids) != 1 {
		t.Fatalf("%d households listed", len(ids))
	}
	if got, want := r.message.Text, "Household "+registrationNumber(ids[0])+" saved with 3 members."; !strings.HasPrefix(got, want) {
		t.Fatalf("after save: %q, want it to start %q", got, want)
	}
	if r.reg.Step != stepHousehold || len(r.reg.Members) != 0 {
		t.Error("the form did not start over after saving")
	}
	if _, err := u.ws.Draft(draftName); err == nil {
		t.Error("draft left behind after saving")
	}
	if n := u.ws.Count(registry.KindPerson); n != 3 {
		t.Errorf("persons stored = %d, want 3", n)
	}
	// Every record's id is bound to this device: HQ lets no other device
	// create a record under it (registry.NewIDFor).
	for _, kind := range []string{registry.KindHousehold, registry.KindPerson} {
		for _, id := range u.ws.IDs(kind) {
			if !registry.MadeBy(id, u.ws.Device()) {
				t.Errorf("%s %s is not bound to this device", kind, id)
			}
		}
	}
	// The child's age became an estimated birth date.
	var child registry.Record
	u.ws.Each(registry.KindPerson, func(rec registry.Record) error {
		if rec.Value("given_name") == "Hawa" {
			child = rec
		}
		return nil
	})
	if child.Value("birth_date") == "" || child.Value("birth_date_estimated") != "true" {
		t.Errorf("age 7 stored as birth_date %q estimated %q", child.Value("birth_date"), child.Value("birth_date_estimated"))
	}
	u.showTab(tabHome)
	u.wait()
	if got := u.home.households.Text; got != "Households: 1 today, 1 in all" {
		t.Errorf("home households = %q", got)
	}
	if got := u.home.persons.Text; got != "People: 3 today, 3 in all" {
		t.Errorf("home persons = %q", got)
	}
	// Female 5–11 (the child) and 18–59 (the head); male 18–59.
	if u.home.chart.female != [5]int{0, 1, 0, 1, 0} || u.home.chart.male != [5]int{0, 0, 0, 1, 0} {
		t.Errorf("chart female %v male %v", u.home.chart.female, u.home.chart.male)
	}
}

func TestRegisterShowsErrorsBesideFields(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.showTab(tabRegister)
	r := u.register
	u.fill(r.household, map[string]string{"site": "camp_north"}) // no consent
	test.Tap(r.next)
	if r.reg.Step != stepHousehold {
		t.Fatal("moved on without consent")
	}
	if msg := fieldErrors(r.household)["consent"]; msg == "" {
		t.Errorf("no message beside consent; errors: %v", fieldErrors(r.household))
	}
	u.fill(r.household, map[string]string{"consent": "true"})
	test.Tap(r.next)
	u.fill(r.person, map[string]string{"given_name": "Amina", "sex": "female", "birth_date": "2099-01-01"})
	test.Tap(r.addMember)
	if msg := fieldErrors(r.person)["birth_date"]; msg == "" {
		t.Errorf("no message beside a future birth date; errors: %v", fieldErrors(r.person))
	}
	if len(r.reg.Members) != 0 {
		t.Error("an invalid person was added")
	}
}

func TestRegisterNeedsOneHead(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.showTab(tabRegister)
	r := u.register
	u.fill(r.household, testHousehold)
	test.Tap(r.next)
	u.fill(r.person, testSpouse)
	test.Tap(r.addMember)
	test.Tap(r.next)
	if r.reg.Step != stepMembers {
		t.Fatal("moved on without a head of household")
	}
	if r.message.Text == "" {
		t.Error("no message about the missing head")
	}
}

func TestDraftSurvivesAKilledApp(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.showTab(tabRegister)
	r := u.register
	u.fill(r.household, testHousehold)
	test.Tap(r.next)
	u.fill(r.person, testHead)
	test.Tap(r.addMember)
	u.fill(r.person, map[string]string{"given_name": "Ibra"})
	r.saveDraft() // what the typing timer does a second after the last key

	// The process dies: no lock, no goodbye. The workspace is simply closed.
	u.wait()
	u.ws.Close()
	u.ws = nil
	u2 := openTestUI(t, u.app, u.cfg.Dir, u.clock)
	u2.unlockWith(testAdmin, testPass)
	if u2.ws == nil {
		t.Fatal(u2.unlock.message.Text)
	}
	if u2.currentTab() != tabRegister {
		t.Error("the unfinished registration was not reopened")
	}
	r2 := u2.register
	if r2.reg.Step != stepMembers || len(r2.reg.Members) != 1 {
		t.Fatalf("restored at step %d with %d members", r2.reg.Step, len(r2.reg.Members))
	}
	if got := u2.input(r2.person, "given_name").entry.Text; got != "Ibra" {
		t.Errorf("half-typed person restored as %q", got)
	}
	if got := r2.message.Text; got != "Your unfinished registration was restored." {
		t.Errorf("message = %q", got)
	}
	if r2.reg.Fields["site"] != "camp_north" {
		t.Errorf("household fields lost: %v", r2.reg.Fields)
	}
}

func TestFindByMisspelledNameAndEdit(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.registerHousehold(testHousehold, testHead, testSpouse)
	u.registerHousehold(map[string]string{"consent": "true", "site": "camp_south"},
		map[string]string{"relationship": "head", "given_name": "Omar", "family_name": "Haddad", "sex": "male", "birth_date": "1970-01-01"})

	u.showTab(tabFind)
	f := u.find
	u.wait()
	if len(f.results) != 2 {
		t.Fatalf("list shows %d households, want 2", len(f.results))
	}
	f.site.SetSelectedIndex(2) // camp_south
	u.wait()
	if len(f.results) != 1 || u.roster.row(f.results[0]).Head != "Omar Haddad" {
		t.Fatalf("site filter: %d results", len(f.results))
	}
	f.site.SetSelectedIndex(0)
	test.Type(f.search, "Amnia Yusf")
	f.debounce.flush()
	u.wait()
	if len(f.results) != 1 {
		t.Fatalf("search for a misspelled name found %d households", len(f.results))
	}
	if got := f.count.Text; got != "1 household" {
		t.Errorf("count = %q", got)
	}
	f.list.Select(0)
	if f.detail == nil {
		t.Fatal("tapping a row did not open the household")
	}
	d := f.detail
	shown := texts(d.content)
	for _, want := range []string{"Household of Amina Yusuf", "Ibrahim Yusuf", "+256 700 111222", "History of changes"} {
		if !strings.Contains(shown, want) {
			t.Errorf("detail does not show %q:\n%s", want, shown)
		}
	}

	test.Tap(d.editButtons[d.household.ID])
	if d.editing == nil {
		t.Fatal("edit did not open the form")
	}
	u.fill(d.editing, map[string]string{"phone": "+256 700 999888"})
	test.Tap(d.saveEdit)
	u.wait()
	if got := d.household.Value("phone"); got != "+256 700 999888" {
		t.Fatalf("phone after edit = %q; message %q", got, d.message.Text)
	}
	shown = texts(d.content)
	if !strings.Contains(shown, "+256 700 999888") || !strings.Contains(shown, "Household changed: Phone") && !strings.Contains(shown, "changed") {
		t.Errorf("detail after edit:\n%s", shown)
	}
	hist, _ := u.ws.History(d.household.ID)
	if len(hist) != 2 || hist[1].Writes[0].Field != "phone" || len(hist[1].Writes) != 1 {
		t.Errorf("edit should write the phone only; history %+v", hist)
	}
}

func TestDuplicateWarningWhileTyping(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.registerHousehold(testHousehold, testHead, testSpouse)

	u.showTab(tabRegister)
	r := u.register
	u.fill(r.household, map[string]string{"consent": "true", "site": "camp_south"})
	test.Tap(r.next)
	u.fill(r.person, map[string]string{"given_name": "Aminah", "family_name": "Yousef", "sex": "female", "birth_date": "1985-03-02"})
	u.wait()
	if !r.dupCard.Visible() {
		t.Fatal("no duplicate warning for an already registered person")
	}
	shown := texts(r.dupCard)
	if !strings.Contains(shown, "Amina Yusuf") || !strings.Contains(shown, "same birth date") {
		t.Errorf("duplicate warning shows:\n%s", shown)
	}
	// Opening the existing record keeps the registration as a draft.
	var open = r.dupList.Objects[0]
	_ = open
	btn := findButton(r.dupCard, "Open")
	if btn == nil {
		t.Fatal("no Open button on the duplicate")
	}
	test.Tap(btn)
	if u.currentTab() != tabFind || u.find.detail == nil {
		t.Fatal("Open did not show the existing household")
	}
	if _, err := u.ws.Draft(draftName); err != nil {
		t.Errorf("registration in progress not kept: %v", err)
	}
}

func TestResolveConflict(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.registerHousehold(testHousehold, testHead)
	id := u.roster.list("", "")[0]
	rec, _ := u.ws.Get(id)
	base := rec.Fields["phone"].Stamp()

	// This device changes the phone; another device changed it too, from the
	// same value, at about the same time.
	u.clock.Add(time.Minute)
	if _, err := u.ws.Commit(store.Edit{Record: id, Kind: registry.KindHousehold, Set: map[string]string{"phone": "+256 700 222"}}); err != nil {
		t.Fatal(err)
	}
	other := registry.NewID()
	remote := change.Change{Device: other, DeviceSeq: 1, Record: id, Kind: registry.KindHousehold, Author: "omar",
		Stamp:  change.Stamp{HLC: change.MakeHLC(u.clock.Now().Add(-30*time.Second).UnixMilli(), 0), Device: other},
		Writes: []change.Write{{Field: "phone", Value: "+256 700 333", Base: base}}}
	if res, err := u.ws.ApplyRemote([]change.Change{remote}, nil); err != nil || res[0].Outcome != store.Applied {
		t.Fatalf("apply remote: %v %+v", err, res)
	}
	u.home.refresh()
	u.wait()
	if got := u.home.conflicts.Text; got != "Conflicts to resolve: 1" {
		t.Errorf("home conflicts = %q", got)
	}

	u.find.openHousehold(id)
	d := u.find.detail
	if !strings.Contains(texts(d.content), "Conflicting answers") {
		t.Fatalf("conflict not shown:\n%s", texts(d.content))
	}
	keep := d.resolveButtons[id.String()+"/phone/+256 700 333"]
	if keep == nil {
		t.Fatalf("no button to keep the other device's value; have %v", d.resolveButtons)
	}
	test.Tap(keep)
	u.wait()
	got, _ := u.ws.Get(id)
	if got.Value("phone") != "+256 700 333" || len(got.Conflicts()) != 0 {
		t.Errorf("after resolving: phone %q, conflicts %v (%s)", got.Value("phone"), got.Conflicts(), d.message.Text)
	}
	if strings.Contains(texts(d.content), "Conflicting answers") {
		t.Error("conflict still shown after resolving")
	}
}

func TestSyncShowsProgressAndPlainErrors(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.registerHousehold(testHousehold, testHead)
	u.showTab(tabSync)
	s := u.syncs
	if !strings.Contains(s.pending.Text, "Changes waiting to be sent: 2") {
		t.Errorf("pending = %q", s.pending.Text)
	}
	u.sync.progress = []SyncProgress{{Phase: PhaseSending, Sent: 1, ToSend: 2, BytesSent: 900}}
	u.sync.final = SyncProgress{Sent: 2, ToSend: 2, Received: 5, BytesSent: 1800, BytesReceived: 20480, Conflicts: 1}
	test.Tap(s.start)
	u.wait()
	if got := s.phase.Text; got != "Sync finished" {
		t.Errorf("phase = %q", got)
	}
	if got := s.message.Text; got != "Done. Changes sent: 2, received: 5. Conflicts to review: 1." {
		t.Errorf("summary = %q", got)
	}
	if got := s.counts.Text; got != "Changes sent: 2 of 2, received: 5\nData sent: 1800 B, received: 20 kB" {
		t.Errorf("counts = %q", got)
	}
	if s.progress.Value != 1 {
		t.Errorf("progress = %v", s.progress.Value)
	}
	u.showTab(tabHome)
	u.wait()
	if got := u.home.lastSync.Text; got != "Last successful sync: 2026-11-27 09:45" {
		t.Errorf("home last sync = %q", got)
	}

	u.sync.err = errUnreachableForTest
	test.Tap(s.start)
	u.wait()
	if got := s.phase.Text; got != "Sync did not finish" {
		t.Errorf("phase after failure = %q", got)
	}
	if got := s.message.Text; !strings.Contains(got, "HQ could not be reached. Nothing is lost") {
		t.Errorf("error message = %q", got)
	}

	// The explanation is in the user's language.
	u.setLanguage("fr")
	u.showTab(tabSync)
	test.Tap(u.syncs.start)
	u.wait()
	if got := u.syncs.message.Text; !strings.Contains(got, "Impossible de joindre le siège. Rien n'est perdu") {
		t.Errorf("error message in French = %q", got)
	}
}

func TestWipeReturnsToFirstRun(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.registerHousehold(testHousehold, testHead)
	u.showTab(tabSettings)
	u.settings.wipeNow()
	if store.Exists(u.cfg.Dir) {
		t.Fatal("workspace still on disk after wipe")
	}
	if u.firstRun == nil || u.ws != nil {
		t.Fatal("first run not shown after wipe")
	}
}

func TestSettingsAddUserWhoCanUnlock(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.showTab(tabSettings)
	s := u.settings
	test.Type(s.userName, "omar")
	s.userRole.SetSelectedIndex(0)
	test.Type(s.userPass, "green tea in the morning")
	test.Tap(s.addUser)
	u.wait()
	if !strings.Contains(texts(s.users), "omar — Enumerator") {
		t.Fatalf("users list:\n%s (%s)", texts(s.users), s.userMsg.Text)
	}
	u.lock()
	u.unlockWith("omar", "green tea in the morning")
	if u.ws == nil || u.ws.Role() != store.RoleEnumerator {
		t.Fatalf("new user cannot unlock: %q", u.unlock.message.Text)
	}
	if u.settings.users != nil {
		t.Error("an enumerator sees the user management")
	}
}

func TestLanguageSwitchRebuildsScreens(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.showTab(tabSettings)
	u.settings.language.SetSelected("العربية")
	if u.tr.lang != "ar" {
		t.Fatal("language not switched")
	}
	if got := u.tabs.Items[u.tabIndex(tabHome)].Text; got != "الرئيسية" {
		t.Errorf("home tab in Arabic = %q", got)
	}
	if u.currentTab() != tabSettings {
		t.Error("switching language left the settings screen")
	}
	// Form labels come from the schema, in Arabic too.
	if got := u.input(u.register.person, "given_name").def.Label.In("ar"); !strings.Contains(texts(u.register.person.content)+texts(u.register.household.content), got) && got != "" {
		t.Errorf("Arabic label %q not on the form", got)
	}
	if got := u.app.Preferences().String(prefLanguage); got != "ar" {
		t.Errorf("language preference = %q", got)
	}
}

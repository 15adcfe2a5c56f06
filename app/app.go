package app

import (
	"slices"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fieldreg/registry"
	"fieldreg/registry/match"
	"fieldreg/store"
)

// Config is what the field app needs from its caller. Only Dir is required.
type Config struct {
	Dir  string           // the workspace directory, a plain path
	KDF  store.KDFParams  // for new key slots; zero → store.DefaultKDF (tests pass cheap ones)
	Now  func() time.Time // nil → time.Now
	Sync SyncService      // nil → the sync/client engine
}

// Preference keys. Nothing here is about a beneficiary: the language and
// lock settings must be known before the workspace is unlocked.
const (
	prefLanguage    = "language"
	prefTheme       = "theme" // themeSystem, themeLight, themeDark or themeSun
	prefLastUser    = "last_user"
	prefAutoLockMin = "autolock_minutes"
	prefFailures    = "unlock_failures"
	prefFailedAt    = "unlock_failed_at"
	prefSyncLockDay = "sync_lock_days" // before the lock moved into the workspace: migrated once (overdue.go)
)

const defaultAutoLockMinutes = 5

// UI is the field app: one window whose content is the first-run screen, the
// unlock screen or, once unlocked, the main tabs.
type UI struct {
	app   fyne.App
	win   fyne.Window
	cfg   Config
	tr    *translator
	forms *registry.Forms
	// formSet is the built-ins plus the workspace's stored forms, kept by
	// the store (store.Options.Forms); forms is what it held at unlock.
	formSet *store.FormSet
	// locate is the device's location for a geopoint's button; nil where
	// there is none (Fyne 2.7 has no location API): the point is typed.
	locate locator
	// formsPending: new form versions are held, and the register screen
	// is to be built again with them once it is not showing (followForms).
	formsPending bool

	// Set while unlocked.
	ws        *store.Workspace
	dups      *match.RecordIndex // nil until attached (attachDuplicates)
	roster    *roster            // nil until attached (attachRoster)
	rosterErr error              // why the roster could not be attached
	attaching bool               // the duplicate index is being built
	changes   *changeFeed        // tells the screens of every record written

	lastActivity    time.Time
	backgroundSince time.Time      // when a desktop window went behind others; zero while in front
	forceMobile     bool           // tests: behave as on a tablet
	tasks           sync.WaitGroup // background work in flight; tests wait on it
	slow            sync.WaitGroup // detached work (duplicate index, counting) that locking does not wait for

	// How long typing must pause before the draft is saved and a search
	// runs. Tests make them long and flush by hand.
	draftDelay, searchDelay time.Duration
	// inline runs background work on the calling goroutine. Fyne's test
	// driver runs fyne.Do callbacks on the calling goroutine too, which
	// would race with the test driving the widgets.
	inline bool

	firstRun *firstRunScreen
	unlock   *unlockScreen
	tabs     *container.AppTabs
	home     *homeScreen
	register *registerScreen
	find     *findScreen
	syncs    *syncScreen
	settings *settingsScreen
	overdue  *overdueScreen // shown instead of the tabs while a sync is overdue

	confirming *dialog.ConfirmDialog // the question on screen, if any
}

// New makes the field app's window. Call ShowAndRun on the result.
func New(a fyne.App, cfg Config) *UI {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sync == nil {
		cfg.Sync = defaultSyncService(cfg.Now)
	}
	a.Settings().SetTheme(fieldTheme{mode: a.Preferences().StringWithFallback(prefTheme, themeSystem)})
	u := &UI{app: a, cfg: cfg, draftDelay: time.Second, searchDelay: 250 * time.Millisecond}
	u.tr = newTranslator(a.Preferences().StringWithFallback(prefLanguage, "en"))
	forms, err := registry.BuiltinForms()
	if err != nil {
		// The forms are embedded in the binary: this is a build defect.
		fyne.LogError("load built-in forms", err)
	}
	u.forms = forms
	if forms != nil {
		u.formSet = store.NewFormSet(forms)
	}
	u.win = a.NewWindow("Fieldreg")
	u.win.Resize(fyne.NewSize(1280, 800))
	u.showStart()

	a.Lifecycle().SetOnExitedForeground(u.leftForeground)
	a.Lifecycle().SetOnEnteredForeground(func() { u.backgroundSince = time.Time{} })
	return u
}

// Window returns the app's window.
func (u *UI) Window() fyne.Window { return u.win }

// ShowAndRun shows the window, starts the idle-lock watch and runs the app.
func (u *UI) ShowAndRun() {
	stop := make(chan struct{})
	go u.watchIdle(stop, 15*time.Second)
	u.win.ShowAndRun()
	close(stop)
	u.lock()
}

// showStart shows first run when there is no workspace yet, else unlock.
func (u *UI) showStart() {
	if store.Exists(u.cfg.Dir) {
		u.unlock = newUnlockScreen(u)
		u.win.SetContent(u.unlock.content)
		if u.unlock.user.Text != "" {
			u.win.Canvas().Focus(u.unlock.pass) // the user is known: the passphrase is what is typed
		} else {
			u.win.Canvas().Focus(u.unlock.user)
		}
		return
	}
	u.firstRun = newFirstRunScreen(u)
	u.win.SetContent(u.firstRun.content)
}

// opened takes an unlocked workspace, shows the main tabs and then builds
// the roster r and, after it, the duplicate index dups.
func (u *UI) opened(ws *store.Workspace, dups *match.RecordIndex, r *roster) {
	u.showOpened(ws)
	u.attachRoster(ws, r, func() { u.attachDuplicates(ws, dups) })
}

// showOpened shows the main tabs of an unlocked workspace whose roster and
// duplicate index are still to be attached.
func (u *UI) showOpened(ws *store.Workspace) {
	u.ws, u.dups, u.roster, u.rosterErr = ws, nil, nil, nil
	if u.formSet != nil {
		u.forms = u.formSet.Forms() // the built-ins and the workspace's stored versions
	}
	u.migrateSyncLock(ws)
	u.attaching = true
	u.follow(ws)
	u.app.Preferences().SetString(prefLastUser, ws.User())
	u.touch()
	u.showMain()
}

// showMain builds the main tabs in the current language, or only the way
// to sync when the device has gone too long without reaching HQ.
func (u *UI) showMain() {
	if days, over := u.syncOverdue(); over {
		u.showOverdue(days)
		return
	}
	u.overdue = nil
	u.home = newHomeScreen(u)
	u.register = newRegisterScreen(u)
	u.find = newFindScreen(u)
	u.formsPending = false
	u.syncs = newSyncScreen(u)
	u.settings = newSettingsScreen(u)
	items := []*container.TabItem{
		container.NewTabItemWithIcon(u.tr.T("tab.home"), theme.HomeIcon(), u.home.content),
		container.NewTabItemWithIcon(u.tr.T("tab.register"), theme.ContentAddIcon(), u.register.content),
		container.NewTabItemWithIcon(u.tr.T("tab.find"), theme.SearchIcon(), u.find.content),
		container.NewTabItemWithIcon(u.tr.T("tab.sync"), theme.ViewRefreshIcon(), u.syncs.content),
		container.NewTabItemWithIcon(u.tr.T("tab.settings"), theme.SettingsIcon(), u.settings.content),
	}
	if u.tr.rtl() {
		slices.Reverse(items) // Home at the right, where an Arabic reader starts
	}
	u.tabs = container.NewAppTabs(items...)
	if u.tr.rtl() {
		u.tabs.SelectIndex(u.tabIndex(tabHome))
	}
	u.tabs.OnSelected = func(t *container.TabItem) {
		u.touch()
		if u.formsPending && t.Content != u.register.content {
			u.rebuildRegister() // new form versions came while it showed
		}
		switch t.Content {
		case u.home.content:
			u.home.refresh()
		case u.syncs.content:
			u.syncs.refresh()
		}
	}
	u.win.SetContent(u.tabs)
	u.home.refresh()
	if u.register.restoreDraft() {
		u.showTab(tabRegister)
	}
}

// The tabs, in order.
const (
	tabHome = iota
	tabRegister
	tabFind
	tabSync
	tabSettings
)

func (u *UI) showTab(i int) {
	if u.tabs != nil {
		u.tabs.SelectIndex(u.tabIndex(i))
	}
}

// tabIndex is where tab i (tabHome…) sits in the bar: mirrored in Arabic.
func (u *UI) tabIndex(i int) int {
	if u.tr.rtl() {
		return tabSettings - i
	}
	return i
}

// currentTab is the tab shown (tabHome…).
func (u *UI) currentTab() int { return u.tabIndex(u.tabs.SelectedIndex()) }

// lock closes the workspace and shows the unlock screen. What was being
// typed is already in an encrypted draft, so nothing is lost.
func (u *UI) lock() {
	if u.ws == nil {
		return
	}
	if u.register != nil {
		u.register.saveDraft()
	}
	if u.syncs != nil {
		u.syncs.cancel()
	}
	u.tasks.Wait()
	u.unfollow()
	if err := u.ws.Close(); err != nil {
		fyne.LogError("close workspace", err)
	}
	u.ws, u.dups, u.roster, u.rosterErr = nil, nil, nil, nil
	u.backgroundSince = time.Time{}
	u.dropScreens()
	u.showStart()
}

// dropScreens forgets the screens of an unlocked workspace.
func (u *UI) dropScreens() {
	u.home, u.register, u.find, u.syncs, u.settings, u.tabs, u.overdue = nil, nil, nil, nil, nil, nil, nil
}

// desktopBackgroundLock is how long a laptop window may stay behind other
// windows before locking: a coordinator switching to a spreadsheet for a
// moment should not have to unlock again.
const desktopBackgroundLock = time.Minute

// leftForeground locks a phone or tablet at once: one put down at a
// checkpoint must not stay open. A desktop window losing focus locks after
// desktopBackgroundLock (see checkIdle).
func (u *UI) leftForeground() {
	if u.mobile() {
		u.lock()
		return
	}
	u.backgroundSince = u.cfg.Now()
}

func (u *UI) mobile() bool {
	if u.forceMobile {
		return true
	}
	return fyne.CurrentDevice().IsMobile()
}

// touch records user activity for the idle lock.
func (u *UI) touch() { u.lastActivity = u.cfg.Now() }

func (u *UI) autoLockAfter() time.Duration {
	return time.Duration(u.app.Preferences().IntWithFallback(prefAutoLockMin, defaultAutoLockMinutes)) * time.Minute
}

// checkIdle locks the workspace when nobody has used it for the auto-lock time.
func (u *UI) checkIdle() {
	if u.ws == nil {
		return
	}
	now := u.cfg.Now()
	if after := u.autoLockAfter(); after > 0 && now.Sub(u.lastActivity) >= after {
		u.lock()
		return
	}
	if !u.backgroundSince.IsZero() && now.Sub(u.backgroundSince) >= desktopBackgroundLock {
		u.lock()
		return
	}
	u.checkOverdue()
}

func (u *UI) watchIdle(stop <-chan struct{}, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			fyne.Do(u.checkIdle)
		}
	}
}

// background runs work off the UI goroutine; the function it returns, if
// any, runs on the UI goroutine afterwards to show the result — unless the
// workspace was locked in between: then there is nothing to show it on.
func (u *UI) background(work func() (show func())) {
	ws := u.ws
	stillOpen := func() bool { return ws == nil || u.ws == ws }
	if u.inline {
		if show := work(); show != nil && stillOpen() {
			show()
		}
		if u.changes != nil {
			u.changes.flush() // as the UI goroutine would, once the work is shown
		}
		return
	}
	u.tasks.Add(1)
	go func() {
		defer u.tasks.Done()
		if show := work(); show != nil {
			fyne.Do(func() {
				if stillOpen() {
					show()
				}
			})
		}
	}()
}

// detached returns how to run work that the screen and locking do not wait
// for (counted in u.slow), and how to deliver its result to the UI
// goroutine. Inline in tests, like background.
func (u *UI) detached() (run, deliver func(func())) {
	if u.inline {
		return func(f func()) { f() }, func(f func()) { f() }
	}
	return func(f func()) { go f() }, fyne.Do
}

// setLanguage switches the interface language and rebuilds the screens.
func (u *UI) setLanguage(lang string) {
	if lang == u.tr.lang || !supportedLanguage(lang) {
		return
	}
	current := tabSettings
	if u.tabs != nil {
		current = u.currentTab() // in the old language's order
	}
	u.app.Preferences().SetString(prefLanguage, lang)
	u.tr = newTranslator(lang)
	if u.ws != nil {
		u.showMain()
		u.showTab(current)
		return
	}
	u.showStart()
}

// --- small widget helpers, so every screen gets the same touch behaviour ---

// button makes a button that also counts as activity for the idle lock.
func (u *UI) button(label string, icon fyne.Resource, tapped func()) *widget.Button {
	return widget.NewButtonWithIcon(label, icon, func() {
		u.touch()
		tapped()
	})
}

// row lays objects side by side in equal columns, in reading order: right
// to left in Arabic, so "Next" is where the eye goes on.
func (u *UI) row(objects ...fyne.CanvasObject) *fyne.Container {
	if u.tr.rtl() {
		objects = slices.Clone(objects)
		slices.Reverse(objects)
	}
	return container.NewGridWithColumns(len(objects), objects...)
}

// withAction puts an action (a button) at the line's end — the right in
// left-to-right languages, the left in Arabic — and the content in the rest.
func (u *UI) withAction(action, content fyne.CanvasObject) *fyne.Container {
	if u.tr.rtl() {
		return container.NewBorder(nil, nil, action, nil, content)
	}
	return container.NewBorder(nil, nil, nil, action, content)
}

// listSeparator joins items of a list in a line: Arabic has its own comma.
func (u *UI) listSeparator() string {
	if u.tr.rtl() {
		return "، "
	}
	return ", "
}

// text makes a label aligned for the current language that wraps.
func (u *UI) text(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Alignment = u.tr.align()
	l.Wrapping = fyne.TextWrapWord
	return l
}

// heading makes a bold label aligned for the current language.
func (u *UI) heading(s string) *widget.Label {
	l := widget.NewLabelWithStyle(s, u.tr.align(), fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	l.Wrapping = fyne.TextWrapWord
	return l
}

// errorText makes a label for an error message, hidden while empty.
func (u *UI) errorText() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Alignment = u.tr.align()
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

// setError shows msg in l, or hides l when msg is empty.
func setError(l *widget.Label, msg string) {
	l.SetText(msg)
	if msg == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

// showError tells the user about a failure in a dialog, in plain words.
func (u *UI) showError(context string, err error) {
	fyne.LogError(context, err)
	u.showMessage(u.tr.T("error.title"), u.tr.T(context)+"\n\n"+u.plainError(err))
}

// confirm asks a yes-or-no question in the user's language and runs yes on
// Yes. The dialog is kept for tests to answer.
func (u *UI) confirm(title, question string, yes func()) {
	d := dialog.NewConfirm(title, question, func(ok bool) {
		u.confirming = nil
		if ok {
			u.touch()
			yes()
		}
	}, u.win)
	d.SetConfirmText(u.tr.T("yes"))
	d.SetDismissText(u.tr.T("no"))
	u.confirming = d
	d.Show()
}

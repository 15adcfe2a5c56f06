package app

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fieldreg/store"
)

// cheapKDF keeps unlocking fast in tests; production uses store.DefaultKDF.
var cheapKDF = store.InsecureTestKDF(store.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1})

const (
	testAdmin = "amina"
	testPass  = "blue camel river lamp"
)

// fakeClock is the wall clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type testUI struct {
	*UI
	t     testing.TB
	clock *fakeClock
	sync  *fakeSync
}

// newTestUI starts the app on an empty directory with an in-memory test
// driver: no display needed.
func newTestUI(t *testing.T) *testUI {
	t.Helper()
	a := test.NewTempApp(t)
	return openTestUI(t, a, filepath.Join(t.TempDir(), "workspace"), &fakeClock{t: time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)})
}

// openTestUI starts the app on dir, as a restart of the app would.
func openTestUI(t testing.TB, a fyne.App, dir string, clock *fakeClock) *testUI {
	t.Helper()
	fs := &fakeSync{}
	u := New(a, Config{Dir: dir, KDF: cheapKDF, Now: clock.Now, Sync: fs})
	u.draftDelay, u.searchDelay = time.Hour, time.Hour
	u.inline = true
	u.win.Resize(fyne.NewSize(1280, 800))
	tu := &testUI{UI: u, t: t, clock: clock, sync: fs}
	t.Cleanup(func() {
		u.tasks.Wait()
		u.slow.Wait()
		if u.ws != nil {
			u.ws.Close()
		}
		u.win.Close()
	})
	return tu
}

// wait lets background work (unlock, commit, search, counting) finish.
func (u *testUI) wait() {
	u.tasks.Wait()
	u.slow.Wait()
}

// create goes through first run.
func (u *testUI) create() {
	u.t.Helper()
	s := u.firstRun
	if s == nil {
		u.t.Fatal("first-run screen not shown")
	}
	s.admin.SetText("")
	test.Type(s.admin, testAdmin)
	test.Type(s.pass, testPass)
	test.Type(s.repeat, testPass)
	test.Tap(s.create)
	u.wait()
	if u.ws == nil {
		u.t.Fatalf("workspace not created: %q", s.message.Text)
	}
}

// unlockWith types a user and passphrase on the unlock screen.
func (u *testUI) unlockWith(user, pass string) {
	u.t.Helper()
	s := u.unlock
	if s == nil {
		u.t.Fatal("unlock screen not shown")
	}
	s.user.SetText("")
	test.Type(s.user, user)
	s.pass.SetText("")
	test.Type(s.pass, pass)
	test.Tap(s.unlock)
	u.wait()
}

// input finds a field of a form view by name.
func (u *testUI) input(v *formView, name string) *fieldInput {
	u.t.Helper()
	in := v.byName[name]
	if in == nil {
		u.t.Fatalf("form %s has no field %q on screen", v.form.Kind, name)
	}
	return in
}

// fill sets fields as a user would: typing into entries, picking choices by
// their label in the current language, ticking boxes.
func (u *testUI) fill(v *formView, vals map[string]string) {
	u.t.Helper()
	for name, val := range vals {
		if name == "age" {
			continue
		}
		in := u.input(v, name)
		switch {
		case in.entry != nil:
			in.entry.SetText("")
			test.Type(in.entry, val)
		case in.check != nil:
			if in.check.Checked != (val == "true") {
				test.Tap(in.check)
			}
		case in.radio != nil:
			in.radio.SetSelected(in.label(val))
		case in.sel != nil:
			in.sel.SetSelected(in.label(val))
		case in.checks != nil:
			var labels []string
			for _, c := range strings.Fields(val) {
				labels = append(labels, in.label(c))
			}
			in.checks.SetSelected(labels)
		}
	}
}

// registerHousehold goes through the registration flow and saves.
func (u *testUI) registerHousehold(household map[string]string, members ...map[string]string) {
	u.t.Helper()
	u.showTab(tabRegister)
	r := u.register
	u.fill(r.household, household)
	test.Tap(r.next)
	if r.reg.Step != stepMembers {
		u.t.Fatalf("household step refused: %q %v", r.message.Text, fieldErrors(r.household))
	}
	for _, m := range members {
		age := m["age"]
		u.fill(r.person, m)
		if age != "" {
			test.Type(u.input(r.person, "birth_date").age, age)
		}
		u.wait()
		test.Tap(r.addMember)
		if r.message.Visible() && r.message.Text != "" {
			u.t.Fatalf("member refused: %q %v", r.message.Text, fieldErrors(r.person))
		}
	}
	test.Tap(r.next) // to the assessment
	test.Tap(r.next) // skip it
	if r.reg.Step != stepReview {
		u.t.Fatalf("not at review: step %d, %q, members %v", r.reg.Step, r.message.Text, r.reg.Members)
	}
	test.Tap(r.save)
	u.wait()
}

// fieldErrors lists the messages shown beside fields.
func fieldErrors(v *formView) map[string]string {
	out := map[string]string{}
	for _, in := range v.inputs {
		if in.errors.Visible() {
			out[in.def.Name] = in.errors.Text
		}
	}
	return out
}

// texts returns every label's text inside o, to assert on what is shown.
func texts(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch w := o.(type) {
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *widget.Button:
			b.WriteString(w.Text + "\n")
		case *widget.Card:
			b.WriteString(w.Title + "\n" + w.Subtitle + "\n")
			walk(w.Content)
			return
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
			return
		}
		if w, ok := o.(fyne.Widget); ok {
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

// fakeSync stands in for the sync engine: it reports progress like the real
// one and returns what the test asks.
type fakeSync struct {
	mu       sync.Mutex
	err      error
	progress []SyncProgress
	final    SyncProgress
	enrolled *Enrollment
	last     time.Time
	now      func() time.Time // when set, a successful sync happens at now()
}

func (f *fakeSync) Sync(ctx context.Context, ws *store.Workspace, progress func(SyncProgress)) (SyncProgress, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.progress {
		progress(p)
	}
	if f.err == nil {
		f.last = time.Date(2026, 11, 27, 9, 45, 0, 0, time.UTC)
		if f.now != nil {
			f.last = f.now()
		}
	}
	return f.final, f.err
}

func (f *fakeSync) Enroll(ctx context.Context, ws *store.Workspace, code string) (Enrollment, error) {
	if !strings.HasPrefix(code, "FR1-") {
		return Enrollment{}, errors.New("bad code")
	}
	e := Enrollment{HQAddr: "hq.example.org:8443", Device: ws.Device().String(), Team: "north", Sites: []string{"camp_north"}, Enrolled: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	f.mu.Lock()
	f.enrolled = &e
	f.mu.Unlock()
	return e, nil
}

func (f *fakeSync) Enrolled(*store.Workspace) (Enrollment, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.enrolled == nil {
		return Enrollment{}, false, nil
	}
	return *f.enrolled, true, nil
}

func (f *fakeSync) Pending(ws *store.Workspace) (int, error) { return int(ws.DeviceSeq()), nil }

func (f *fakeSync) LastSync(*store.Workspace) (time.Time, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last, !f.last.IsZero()
}

// Overdue follows sync/client.Overdue: counted from the last sync, or from
// enrollment when there was none; never for a device not enrolled.
func (f *fakeSync) Overdue(ws *store.Workspace, now time.Time, limit time.Duration) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.enrolled == nil {
		return false, nil
	}
	since := f.enrolled.Enrolled
	if !f.last.IsZero() {
		since = f.last
	}
	return now.Sub(since) > limit, nil
}

func (f *fakeSync) ExplainKey(err error) string { return "sync_error.unreachable" }

func (f *fakeSync) ExportBundle(ws *store.Workspace, out io.Writer) (int, error) {
	n, err := out.Write([]byte("bundle"))
	return n, err
}

func (f *fakeSync) ImportBundle(ws *store.Workspace, in io.Reader) (int, error) {
	b, err := io.ReadAll(in)
	return len(b), err
}

var errUnreachableForTest = errors.New("dial tcp: no route to host")

// findButton finds a visible button by its text inside o.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || o == nil || !o.Visible() {
			return
		}
		switch w := o.(type) {
		case *widget.Button:
			if w.Text == text {
				found = w
			}
			return
		case *widget.Card:
			walk(w.Content)
			return
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
			return
		}
	}
	walk(o)
	return found
}

var screenshotNow = time.Date(2026, 11, 27, 14, 5, 0, 0, time.UTC)

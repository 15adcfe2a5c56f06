package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// forgetfulApp is the test app with a driver that, once forget is set, has
// lost every object's canvas — what GLFW's driver in Fyne 2.7.1 does a
// minute after a form was built (fyne-io/fyne#5965). The test driver itself
// always answers with the last window's canvas, so it cannot show the crash.
type forgetfulApp struct {
	fyne.App
	drv *forgetfulDriver
}

func (a forgetfulApp) Driver() fyne.Driver { return a.drv }

type forgetfulDriver struct {
	fyne.Driver
	forget bool
}

func (d *forgetfulDriver) CanvasForObject(o fyne.CanvasObject) fyne.Canvas {
	if d.forget {
		return nil
	}
	return d.Driver.CanvasForObject(o)
}

// TestSelectAfterRestoreAndAPause replays the crash of fyne-io/fyne#5965:
// a registration restored after unlocking, the language switched, a minute's
// pause, then a tap on a drop-down. It must open its choices, not panic.
func TestSelectAfterRestoreAndAPause(t *testing.T) {
	u := newTestUI(t)
	drv := &forgetfulDriver{Driver: u.app.Driver()}
	fyne.SetCurrentApp(forgetfulApp{App: u.app, drv: drv})
	t.Cleanup(func() { fyne.SetCurrentApp(u.app) })

	u.create()
	u.showTab(tabRegister)
	u.fill(u.register.household, map[string]string{"consent": "true"})
	u.lock()
	u.unlockWith(testAdmin, testPass)
	if u.currentTab() != tabRegister {
		t.Fatal("the draft was not restored after unlocking")
	}
	u.setLanguage("es")
	u.showTab(tabRegister)
	u.clock.Add(61 * time.Second)
	u.checkIdle()
	drv.forget = true

	sel := u.input(u.register.household, "shelter_type").sel
	test.Tap(sel)
	pop := topOverlay(u.win.Canvas())
	if pop == nil {
		t.Fatal("tapping the drop-down opened nothing")
	}
	choice := findButton(pop, sel.Options[1])
	if choice == nil {
		t.Fatalf("the choice %q is not in the pop-up: %q", sel.Options[1], texts(pop))
	}
	test.Tap(choice)
	if sel.Selected != sel.Options[1] {
		t.Errorf("selected %q, want %q", sel.Selected, sel.Options[1])
	}
	if topOverlay(u.win.Canvas()) != nil {
		t.Error("the pop-up stayed open after a choice")
	}
	if got := u.register.household.values()["shelter_type"]; got == "" {
		t.Error("the choice did not reach the form's values")
	}
}

// topOverlay is the pop-up shown over the window, or nil.
func topOverlay(c fyne.Canvas) fyne.CanvasObject {
	top := c.Overlays().Top()
	if top == nil || !top.Visible() {
		return nil
	}
	if p, ok := top.(*widget.PopUp); ok {
		top = p.Content
	}
	if s, ok := top.(*container.Scroll); ok {
		top = s.Content
	}
	return top
}

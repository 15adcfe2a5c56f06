package app

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

func TestChangePassphrase(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.showTab(tabSettings)
	s := u.settings
	test.Type(s.newPass, "short")
	test.Tap(s.changePass)
	if !strings.Contains(s.passMessage.Text, "Too short") {
		t.Errorf("short passphrase: %q", s.passMessage.Text)
	}
	s.newPass.SetText("")
	test.Type(s.newPass, "red kite over the hills")
	test.Type(s.repeatPass, "red kite over the hills")
	test.Tap(s.changePass)
	u.wait()
	if got := s.passMessage.Text; got != "Passphrase changed." {
		t.Fatalf("message = %q", got)
	}
	u.lock()
	u.unlockWith(testAdmin, testPass)
	if u.ws != nil {
		t.Fatal("the old passphrase still unlocks")
	}
	u.unlockWith(testAdmin, "red kite over the hills")
	if u.ws == nil {
		t.Fatalf("the new passphrase does not unlock: %q", u.unlock.message.Text)
	}
}

func TestAutoLockSetting(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.showTab(tabSettings)
	u.settings.autoLock.SetSelectedIndex(0) // 1 minute
	u.clock.Add(61 * time.Second)
	u.checkIdle()
	if u.ws != nil {
		t.Fatal("not locked after the chosen minute")
	}
}

type closingBuffer struct {
	bytes.Buffer
	closed bool
}

func (b *closingBuffer) Close() error { b.closed = true; return nil }

func TestBundleExportAndImport(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.showTab(tabSync)
	s := u.syncs
	var out closingBuffer
	s.exportTo(&out)
	u.wait()
	if out.String() != "bundle" || !out.closed {
		t.Errorf("bundle file: %q, closed %v", out.String(), out.closed)
	}
	if got := s.message.Text; got != "6 changes written to the file." {
		t.Errorf("after export: %q", got)
	}
	s.importFrom(io.NopCloser(strings.NewReader("abc")))
	u.wait()
	if got := s.message.Text; got != "3 changes applied from the file." {
		t.Errorf("after import: %q", got)
	}
}

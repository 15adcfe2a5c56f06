package app

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/bidi"
)

// fyneDraws is what Fyne 2.7 shows of s, left to right (see visualRTL): the
// runs golang.org/x/text/unicode/bidi finds with the direction taken from
// the first strong letter, in the order they come, each split where the
// font changes, each piece of a right-to-left run reversed with its
// brackets mirrored by the shaper; the marks draw nothing.
func fyneDraws(t *testing.T, s string) string {
	t.Helper()
	var out []string
	for _, line := range strings.Split(s, "\n") {
		var p bidi.Paragraph
		if _, err := p.SetString(line, bidi.DefaultDirection(bidi.LeftToRight)); err != nil {
			t.Fatal(err)
		}
		o, err := p.Order()
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i := 0; i < o.NumRuns(); i++ {
			r := o.Run(i)
			for _, piece := range fontPieces([]rune(r.String())) { // shaped one by one, in reading order
				if r.Direction() == bidi.RightToLeft {
					b.WriteString(bidi.ReverseString(string(piece)))
				} else {
					b.WriteString(string(piece))
				}
			}
		}
		out = append(out, strings.NewReplacer(lrm, "", rlm, "").Replace(b.String()))
	}
	return strings.Join(out, "\n")
}

// TestVisualRTL: what Fyne draws of visualRTL's output reads right to left
// as the Arabic line does — read from the left edge: the number, date,
// phone number or Latin name that ends the line first, whole and in its
// own order, brackets facing the right way.
func TestVisualRTL(t *testing.T) {
	for _, tc := range []struct{ in, left string }{
		{"الأفراد (3)", "(3) "},
		{"رقم الهاتف: +962 79 555 0100", "+962 79 555 0100 :"},
		{"آخر مزامنة: 2026-11-27 13:39", "2026-11-27 13:39 :"},
		{"أسرة Amina Yusuf", "Amina Yusuf "},
		{"الاسم الأول: Amina", "Amina :"},
		{"المستوى الإداري 1 (الولاية / المحافظة)", "("},
		{"مدرسة (مركز)", "("},
		{"سطر 1\nسطر 2", "1 "},
		{"تاريخ الموافقة: 2026-11-27", "2026-11-27 :"},
		{"+962 79 555 0199 — كُتب في 2026-11-27 14:07", "2026-11-27 14:07 "},
	} {
		got := fyneDraws(t, visualRTL(tc.in))
		if !strings.HasPrefix(got, tc.left) {
			t.Errorf("Fyne draws visualRTL(%q) as %q, want it to start %q at the left", tc.in, got, tc.left)
		}
		if want := strings.Join(rtlReading(tc.in), "\n"); got != want {
			t.Errorf("Fyne draws visualRTL(%q) as %q, want %q", tc.in, got, want)
		}
	}
	if got := visualRTL("Households: 3 today"); got != "Households: 3 today" {
		t.Errorf("a line without Arabic changed: %q", got)
	}
}

// rtlReading is each line as a right-to-left reader expects it drawn, left
// to right: the runs in reverse order, each Arabic run reversed and
// mirrored, numbers kept whole.
func rtlReading(s string) []string {
	var lines []string
	for _, line := range strings.Split(s, "\n") {
		runs, _ := logicalRuns(line)
		var b strings.Builder
		for _, r := range visualOrder(runs) {
			if r.rtl {
				b.WriteString(bidi.ReverseString(string(r.text)))
			} else {
				b.WriteString(string(r.text))
			}
		}
		lines = append(lines, b.String())
	}
	return lines
}

// TestArabicCountsReadRightToLeft: counts shown on their own (the auto-lock
// and sync-lock choices, the find screen's count) go through bidi like any
// other line; as plain plural text the settings drew "دقائق دون استخدام5",
// its words in left-to-right order.
func TestArabicCountsReadRightToLeft(t *testing.T) {
	u := newTestUI(t)
	u.create()
	u.setLanguage("ar")
	u.showTab(tabSettings)
	for i, m := range autoLockChoices {
		shown, logical := u.settings.autoLock.Options[i], u.tr.plural("settings.minutes", m)
		if got, want := fyneDraws(t, shown), strings.Join(rtlReading(logical), "\n"); got != want {
			t.Errorf("auto-lock choice %d drawn as %q, want %q", m, got, want)
		}
	}
	for i, d := range syncLockChoices {
		shown, logical := u.settings.syncLock.Options[i], u.tr.plural("settings.days", d)
		if got, want := fyneDraws(t, shown), strings.Join(rtlReading(logical), "\n"); got != want {
			t.Errorf("sync-lock choice %d drawn as %q, want %q", d, got, want)
		}
	}
	u.registerHousehold(testHousehold, testHead)
	u.showTab(tabFind)
	u.wait()
	logical := u.tr.plural("find.count", 1)
	if got, want := fyneDraws(t, u.find.count.Text), strings.Join(rtlReading(logical), "\n"); got != want {
		t.Errorf("find count drawn as %q, want %q", got, want)
	}
}

package app

import "testing"

// Fyne draws runs left to right in the order given; visualRTL must hand it
// right-to-left lines with their runs reversed, numbers, phone numbers,
// dates and Latin names kept whole.
func TestVisualRTL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Households: 3 today", "Households: 3 today"},
		{"الأسر: 0 اليوم", " اليوم0الأسر: "},
		{"آخر مزامنة: 2026-11-27 13:39", "2026-11-27\u00a013:39آخر مزامنة: "},
		{"رقم الهاتف: +962 79 555 0100", "+962\u00a079\u00a0555\u00a00100رقم الهاتف: "},
		{"أسرة Amina Yusuf", "Amina Yusuf أسرة"},
		{"مسح", "مسح"},
		{"مدرسة (مركز)", "مدرسة )مركز("},
		{"سطر 1\nسطر 2", "1سطر \n2سطر "},
	} {
		if got := visualRTL(tc.in); got != tc.want {
			t.Errorf("visualRTL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

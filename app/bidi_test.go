package app

import "testing"

// Fyne draws runs left to right in the order given; visualRTL must hand it
// right-to-left lines with their runs reversed, numbers, phone numbers,
// dates and Latin names kept whole, spaces at run edges unbreakable and
// brackets mirrored. (The screenshots show the result.)
func TestVisualRTL(t *testing.T) {
	const nb = "\u00a0"
	for _, tc := range []struct{ in, want string }{
		{"Households: 3 today", "Households: 3 today"},
		{"الأسر: 0 اليوم", nb + "اليوم0الأسر:" + nb},
		{"آخر مزامنة: 2026-11-27 13:39", "2026-11-27" + nb + "13:39آخر مزامنة:" + nb},
		{"رقم الهاتف: +962 79 555 0100", "+962" + nb + "79" + nb + "555" + nb + "0100رقم الهاتف:" + nb},
		{"أسرة Amina Yusuf", "Amina Yusuf" + nb + "أسرة"},
		{"مسح", "مسح"},
		{"مدرسة (مركز)", "مدرسة )مركز("},
		{"سطر 1\nسطر 2", "1سطر" + nb + "\n2سطر" + nb},
	} {
		if got := visualRTL(tc.in); got != tc.want {
			t.Errorf("visualRTL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

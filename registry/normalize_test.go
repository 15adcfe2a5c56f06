package registry

import "testing"

func TestNormalizeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  Zoë  AL-Hassan ", "zoe al hassan"},
		{"ÉLODIE", "elodie"},
		{"Müller", "muller"},
		{"Straße", "strasse"},
		{"Ｍｏｈａｍｅｄ", "mohamed"}, // full-width letters (NFKC)
		{"أحمد", "احمد"},
		{"إبراهيم", "ابراهيم"},
		{"فاطمة", "فاطمه"},
		{"مُحَمَّد", "محمد"}, // harakat and shadda
		{"مـحـمـد", "محمد"},  // tatweel
		{"مصطفى", "مصطفي"},
		{"علی", "علي"}, // Persian yeh
		{"Nguyễn Thị", "nguyen thi"},
		{"O'Brien", "o brien"},
		{"٣٤", "34"},
		{"سماء", "سما"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NormalizeName(tt.in); got != tt.want {
			t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

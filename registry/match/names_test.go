package match

import "testing"

// The consonant skeleton is what lets one name written in Arabic, Latin or
// Cyrillic script, in any of its transliterations, meet itself.
func TestSkeletonAcrossSpellings(t *testing.T) {
	groups := map[string][]string{
		"MHMD":    {"Mohammed", "Muhammad", "Mohamed", "Mohamad", "محمد", "مُحَمَّد", "Maxamed"},
		"HMD":     {"Ahmed", "Ahmad", "أحمد", "احمد"},
		"FTM":     {"Fatima", "Fatimah", "Fatma", "فاطمة", "فاطمه"},
		"YSF":     {"Yousef", "Youssef", "Yusuf", "يوسف"},
		"BDLRHMN": {"Abdulrahman", "Abdul Rahman", "Abd al-Rahman", "Abdelrahman", "عبد الرحمن", "عبدالرحمن"},
		"WLD":     {"Walid", "Waleed", "وليد"},
		"KDJ":     {"Khadija", "Khadijah", "خديجة"},
		"JD":      {"Jawad", "Javad", "جواد"},
		// Somali x (ḥ) between vowels wins over Olexandr, which the fold
		// still matches closely.
		"LKSNDR": {"Oleksandr", "Олександр"},
		"HFZ":    {"Hafiz", "Hafez", "Hafidh", "حافظ"},
		"RHMTL":  {"Rahmatullah", "Rahmat Ullah", "رحمت الله"},
	}
	for want, spellings := range groups {
		for _, s := range spellings {
			f := prepareField(s)
			if len(f.tokens) != 1 {
				t.Errorf("%q: %d words, want 1", s, len(f.tokens))
				continue
			}
			if got := f.tokens[0].skeleton; got != want {
				t.Errorf("skeleton of %q = %q, want %q", s, got, want)
			}
		}
	}
}

func TestFoldLatin(t *testing.T) {
	tests := []struct{ in, want string }{
		{"mohammed", "mohamed"},
		{"aysha", "aisha"},
		{"maryam", "mariam"},
		{"fatimah", "fatima"},
		{"youssef", "yusef"},
		{"philippe", "filipe"},
		{"iurii", "yuri"},
		{"ayoub", "ayub"},
	}
	for _, tt := range tests {
		if got := foldLatin(tt.in); got != tt.want {
			t.Errorf("foldLatin(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPrepareFieldParticles(t *testing.T) {
	tests := []struct {
		in    string
		folds []string
	}{
		{"Al-Hassan", []string{"hasan"}},
		{"Ahmed bin Saleh", []string{"ahmed", "sale"}},
		{"María de la Cruz", []string{"maria", "cruz"}},
		{"Abu Bakr", []string{"abubakr"}},
		{"الحسن", []string{"حسن"}},
		{"al", []string{"al"}}, // a particle alone is a name
		{"  ", nil},
	}
	for _, tt := range tests {
		f := prepareField(tt.in)
		var folds []string
		for _, tok := range f.tokens {
			folds = append(folds, tok.fold)
		}
		if len(folds) != len(tt.folds) {
			t.Errorf("%q folds to %q, want %q", tt.in, folds, tt.folds)
			continue
		}
		for i := range folds {
			if folds[i] != tt.folds[i] {
				t.Errorf("%q folds to %q, want %q", tt.in, folds, tt.folds)
			}
		}
	}
}

// The ASCII fast path must agree with registry.NameTokens.
func TestNormalizedWordsASCII(t *testing.T) {
	for _, s := range []string{"  Jean-Baptiste  O'Neil ", "ABDUL rahman", "x1 2y", "", "---", "Al-Hassan"} {
		fast := normalizedWords(s)
		slow := normalizedWordsSlow(s)
		if len(fast) != len(slow) {
			t.Errorf("%q: fast %q, slow %q", s, fast, slow)
			continue
		}
		for i := range fast {
			if fast[i] != slow[i] {
				t.Errorf("%q: fast %q, slow %q", s, fast, slow)
			}
		}
	}
}

func TestOneKeystroke(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"baraka", "bsraka", true},
		{"baraka", "barka", true},
		{"baraka", "baraaka", true},
		{"baraka", "abraka", true},
		{"baraka", "baraka", true},
		{"baraka", "bsrska", false},
		{"rana", "rania", false}, // too short to call a slip
	}
	for _, tt := range tests {
		if got := oneKeystroke(tt.a, tt.b); got != tt.want {
			t.Errorf("oneKeystroke(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestJaroWinkler(t *testing.T) {
	tests := []struct {
		a, b     string
		min, max float64
	}{
		{"martha", "marhta", 0.96, 0.962},
		{"dwayne", "duane", 0.84, 0.841},
		{"same", "same", 1, 1},
		{"abc", "", 0, 0},
		{"abc", "xyz", 0, 0},
	}
	for _, tt := range tests {
		got := jaroWinklerString(tt.a, tt.b)
		if got < tt.min || got > tt.max {
			t.Errorf("jaroWinkler(%q, %q) = %.4f, want in [%.3f, %.3f]", tt.a, tt.b, got, tt.min, tt.max)
		}
		if back := jaroWinklerString(tt.b, tt.a); back != got {
			t.Errorf("jaroWinkler not symmetric on %q, %q: %.4f vs %.4f", tt.a, tt.b, got, back)
		}
	}
}

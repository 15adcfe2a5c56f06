package registry

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

func TestCheckValue(t *testing.T) {
	tests := []struct {
		name      string
		v         string
		multiline bool
		want      string
	}{
		{"empty", "", false, ""},
		{"plain", "Amina", false, ""},
		{"accented, composed", "Ren\u00e9", false, ""},
		{"Arabic", "أمينة", false, ""},
		{"Arabic with a right-to-left mark", "أمينة\u200f", false, ""},
		{"emoji", "🙂", false, ""},
		{"Latin-1 byte", "Ren\xe9", false, RuleEncoding},
		{"truncated UTF-8", "Ren\xc3", false, RuleEncoding},
		{"surrogate encoded", "\xed\xa0\x80", false, RuleEncoding},
		{"decomposed accent", "Rene\u0301", false, RuleNormalization},
		{"NUL", "Ren\x00e", false, RuleControl},
		{"NUL in a note", "a\x00b", true, RuleControl},
		{"escape", "\x1b[31mred", false, RuleControl},
		{"DEL", "a\x7fb", false, RuleControl},
		{"C1 control", "a\u0085b", false, RuleControl},
		{"carriage return in a note", "a\r\nb", true, RuleControl},
		{"newline in a name", "Amina\nYusuf", false, RuleControl},
		{"tab in a name", "Amina\tYusuf", false, RuleControl},
		{"newline in a note", "first line\nsecond line", true, ""},
		{"tab in a note", "a\tb", true, ""},
		{"right-to-left override", "abc\u202edcba", false, RuleBidi},
		{"left-to-right embedding", "\u202aabc", false, RuleBidi},
		{"first strong isolate", "\u2068abc\u2069", true, RuleBidi},
		{"byte order mark at the start", "\ufeffAmina", false, RuleControl},
		{"byte order mark inside a note", "a\ufeffb", true, RuleControl},
		{"zero-width space", "Ami\u200bna", false, RuleControl},
		{"word joiner", "Ami\u2060na", true, RuleControl},
		{"line separator in a name", "Amina\u2028Yusuf", false, RuleControl},
		{"paragraph separator in a name", "Amina\u2029Yusuf", false, RuleControl},
		{"line separator in a note", "first\u2028second", true, ""},
		{"Persian name with ZWNJ", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", false, ""},
		{"emoji family with ZWJ", "👨\u200d👩\u200d👧", false, ""},
		{"Vietnamese with stacked diacritics", "Nguy\u1ec5n Th\u1ecb \u1ef8", false, ""},
		{"Hebrew with eight marks on one letter", "\u05d1" + strings.Repeat("\u05b0", MaxCombiningRun), false, ""},
		{"nine combining marks on one letter", "a" + strings.Repeat("\u0332", MaxCombiningRun+1), false, RuleControl},
		{"Zalgo text", "Z" + strings.Repeat("\u0336\u0337\u0338", 5) + "algo", false, RuleControl},
		{"longest allowed", strings.Repeat("a", MaxValueBytes), false, ""},
		{"one byte too long", strings.Repeat("a", MaxValueBytes+1), false, RuleTooLong},
		{"too long and not UTF-8", strings.Repeat("\xe9", MaxValueBytes+1), false, RuleTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := CheckValue(tt.v, tt.multiline); got != tt.want {
				t.Errorf("CheckValue(%q, multiline %v) = %q, want %q", tt.v, tt.multiline, got, tt.want)
			}
		})
	}
}

// Validate applies the value rule to every field, naming field and rule, and
// what people type is normalized on the way in so they never meet the NFC rule.
func TestValidateAppliesValueRule(t *testing.T) {
	forms, err := BuiltinForms()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	values := map[string]string{
		"household_id": uuid.NewString(), "given_name": "Ren\xe9", "family_name": "Ab\u202ec",
		"sex": "male", "relationship": "head", "birth_date": "1990-01-01",
	}
	err = forms.ValidateValues(KindPerson, NewID(), values, now)
	got := map[string]string{}
	fes, _ := AsValidation(err)
	for _, fe := range fes {
		got[fe.Field] = fe.Rule
	}
	if got["given_name"] != RuleEncoding || got["family_name"] != RuleBidi {
		t.Errorf("errors %v, want given_name %s and family_name %s", err, RuleEncoding, RuleBidi)
	}
	if !strings.Contains(err.Error(), "given_name: is not valid UTF-8 text") {
		t.Errorf("message %q does not name the field and the rule", err)
	}
	if v, err := CanonicalValue(TypeText, "\ufeffMoh\u200bam\u2060med"); err != nil || v != "Mohammed" {
		t.Errorf("CanonicalValue of a pasted name: %q, %v; want it without the invisible characters", v, err)
	}
	if v, err := CanonicalValue(TypeText, "\u0645\u06cc\u200c\u0646\u0627"); err != nil || v != "\u0645\u06cc\u200c\u0646\u0627" {
		t.Errorf("CanonicalValue of a Persian name: %q, %v; want the ZWNJ kept", v, err)
	}
	if v, err := CanonicalValue(TypeText, "Rene\u0301 "); err != nil || v != "Ren\u00e9" {
		t.Errorf("CanonicalValue of a decomposed name: %q, %v; want the composed form", v, err)
	}
}

// FuzzCheckValue: whatever CheckValue accepts is valid UTF-8, NFC, short
// enough, and free of the characters it refuses; a value refused for its
// encoding is never valid UTF-8.
func FuzzCheckValue(f *testing.F) {
	for _, s := range []string{"Amina", "Ren\xe9", "Rene\u0301", "a\x00b", "a\nb", "\u202e", "أمينة", strings.Repeat("é", 3000), "\ufeffa", "a\u2028b", "\u0645\u06cc\u200c", "a" + strings.Repeat("\u0301", 9)} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, v string, multiline bool) {
		rule, _ := CheckValue(v, multiline)
		switch rule {
		case "":
			if !utf8.ValidString(v) || len(v) > MaxValueBytes || nfc(v) != v {
				t.Fatalf("accepted %q", v)
			}
			marks := 0
			for _, r := range v {
				if r < 0x20 && !(multiline && (r == '\t' || r == '\n')) || r >= 0x7f && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 ||
					r == 0xfeff || r == 0x200b || r == 0x2060 || !multiline && (r == 0x2028 || r == 0x2029) {
					t.Fatalf("accepted %q with %U", v, r)
				}
				if unicode.Is(unicode.Mn, r) {
					marks++
				} else {
					marks = 0
				}
				if marks > MaxCombiningRun {
					t.Fatalf("accepted %q with %d combining marks in a row", v, marks)
				}
			}
		case RuleEncoding:
			if utf8.ValidString(v) {
				t.Fatalf("refused valid UTF-8 %q as encoding", v)
			}
		case RuleNormalization:
			if nfc(v) == v {
				t.Fatalf("refused NFC %q as not normalized", v)
			}
			if r, _ := CheckValue(nfc(v), multiline); r == RuleNormalization {
				t.Fatalf("normalizing %q did not satisfy the rule", v)
			}
		}
	})
}

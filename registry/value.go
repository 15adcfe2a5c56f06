package registry

import (
	"strconv"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The value rule. Every value that enters a workspace — typed in the app or
// fieldctl, read from a CSV or JSON file, received from another replica — is
// checked by it, through Validate, before the store keeps it:
//
//   - valid UTF-8: one bad byte would make the record unreadable;
//   - NFC: the same name typed on two keyboards is the same string, so it
//     compares, searches and deduplicates as one (CanonicalValue normalizes
//     what people type; the rule refuses what skipped it);
//   - no NUL or other C0/C1 control character, except tab and newline in a
//     multi-line text field: they cannot be typed into a form, break exports
//     and terminals, and hide text;
//   - no bidi embedding, override or isolate control (U+202A–U+202E,
//     U+2066–U+2069): they reorder what a reader sees (Trojan Source) and
//     have no place in a name or a note; the app isolates right-to-left text
//     itself;
//   - at most MaxValueBytes bytes.

// MaxValueBytes bounds one field value: 4 KiB is several times the longest
// note a form allows (500 characters, up to 4 bytes each in UTF-8 is 2,000)
// and keeps one value from growing a record, the file and every sync.
const MaxValueBytes = 4 << 10

// CheckValue returns the value rule v breaks and its parameters, or "" when
// it keeps every one. multiline allows tab and newline (a notes field).
func CheckValue(v string, multiline bool) (rule string, params []string) {
	if len(v) > MaxValueBytes {
		return RuleTooLong, []string{strconv.Itoa(MaxValueBytes)}
	}
	if !utf8.ValidString(v) {
		return RuleEncoding, nil
	}
	for _, r := range v {
		switch {
		case r == '\t' || r == '\n':
			if !multiline {
				return RuleControl, nil
			}
		case r < 0x20 || r >= 0x7f && r <= 0x9f:
			return RuleControl, nil
		case r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
			return RuleBidi, nil
		}
	}
	if !norm.NFC.IsNormalString(v) {
		return RuleNormalization, nil
	}
	return "", nil
}

// nfc returns s in Unicode normalization form C. Bytes that are not UTF-8
// are left as they are, for the value rule to refuse by name.
func nfc(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	return norm.NFC.String(s)
}

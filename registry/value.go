package registry

import (
	"strconv"
	"strings"
	"unicode"
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
//   - no invisible character that hides or splits text: U+FEFF (byte order
//     mark) anywhere, U+200B (zero-width space) and U+2060 (word joiner),
//     and the line and paragraph separators U+2028/U+2029 outside a
//     multi-line field. ZWNJ and ZWJ (U+200C/U+200D) stay: Persian,
//     Arabic-script and Indic names and emoji sequences need them.
//     CanonicalValue drops the first three from what people type;
//   - at most MaxCombiningRun combining marks on one base character: no
//     script stacks more, and a long run paints over the text around it
//     ("Zalgo" text);
//   - at most MaxValueBytes bytes.

// MaxCombiningRun bounds the nonspacing marks (unicode.Mn) in a row: Vietnamese
// stacks two, Tibetan and Indic clusters a handful.
const MaxCombiningRun = 8

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
	marks := 0
	for _, r := range v {
		if unicode.Is(unicode.Mn, r) {
			if marks++; marks > MaxCombiningRun {
				return RuleControl, nil
			}
		} else {
			marks = 0
		}
		switch {
		case r == '\t' || r == '\n' || r == 0x2028 || r == 0x2029:
			if !multiline {
				return RuleControl, nil
			}
		case strings.ContainsRune(invisible, r):
			return RuleControl, nil
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

// nfc returns s in Unicode normalization form C, without the invisible
// characters the value rule refuses wherever they are (a byte order mark, a
// zero-width space, a word joiner): names pasted from a phone or a web page
// carry them, and nobody typing can see or remove them. Bytes that are not
// UTF-8 are left as they are, for the value rule to refuse by name.
func nfc(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	if strings.ContainsAny(s, invisible) {
		s = strings.Map(func(r rune) rune {
			if strings.ContainsRune(invisible, r) {
				return -1
			}
			return r
		}, s)
	}
	return norm.NFC.String(s)
}

// invisible are the characters nfc drops.
const invisible = "\ufeff\u200b\u2060"

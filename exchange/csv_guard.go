package exchange

import "strings"

// The formula rule of CSV (and HXL) exports. A spreadsheet opening a CSV
// runs a cell that starts with = + - or @ as a formula, and a formula can
// reach outside the sheet (=HYPERLINK to send a cell away, DDE to run a
// program): someone who types such a "name" at registration would have it
// run on the analyst's machine. OWASP's advice is an apostrophe before
// every such cell, which Excel hides. But a phone number "+963 944 123 456"
// or a negative number is data, and an apostrophe before it is exactly
// what an analyst's tools then read back wrong. So, in CSV:
//
//   - a value starting with = or @, or with a tab or carriage return, gets
//     an apostrophe before it;
//   - a value starting with + or - gets one unless the rest is only digits,
//     spaces and . , ( ) / - with at least one digit: a phone number or a
//     number, which no formula can hide in (a function or a link needs
//     letters, a DDE call "|" or "!");
//   - a value that starts with apostrophes followed by any of = + - @ tab
//     CR gets one more, so an apostrophe typed by a person survives too;
//   - nothing else is touched.
//
// The importer removes one apostrophe exactly where the last two rules put
// one (uncell), so export → import gives every value back, and an export
// written by the earlier rule (which defused phone numbers too) still reads
// back right. In XLSX every string is written as a text cell, which no
// spreadsheet runs, so XLSX needs and gets no apostrophes; open exports in
// Excel as XLSX, where a phone number also stays text.

// defuse returns v as a CSV cell under the formula rule.
func defuse(v string) string {
	if formulaLike(v) || (v != "" && v[0] == '\'' && startsLikeFormula(v[1:])) {
		return "'" + v
	}
	return v
}

// uncell undoes defuse: one apostrophe goes where defuse could have put it.
func uncell(v string) string {
	if v != "" && v[0] == '\'' && startsLikeFormula(v[1:]) {
		return v[1:]
	}
	return v
}

// formulaLike tells a value a spreadsheet could run as a formula.
func formulaLike(v string) bool {
	if v == "" {
		return false
	}
	switch v[0] {
	case '=', '@', '\t', '\r':
		return true
	case '+', '-':
		return !numberLike(v[1:])
	}
	return false
}

// startsLikeFormula tells a value starting as a formula could, after any
// apostrophes: what an apostrophe before it may have been put there for.
func startsLikeFormula(v string) bool {
	v = strings.TrimLeft(v, "'")
	return v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0]))
}

// numberLike tells the rest of a phone number or signed number: digits,
// spaces and . , ( ) / - only, one digit at least.
func numberLike(s string) bool {
	digit := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune(" .,()/-", r):
		default:
			return false
		}
	}
	return digit
}

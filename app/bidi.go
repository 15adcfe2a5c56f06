package app

import (
	"slices"
	"strings"
	"unicode"
)

// visualRTL prepares a right-to-left line for Fyne, which lays text out left
// to right only. Fyne shapes each run of one direction correctly (an Arabic
// word comes out right to left) but places the runs in reading order from
// the left, so "الخطوة 1 من 4" would show its numbers in the wrong places.
// Putting the runs in visual order first — for a right-to-left line, the
// reverse of reading order — makes Fyne draw them where a reader expects.
//
// The split is simpler than the Unicode bidi algorithm on purpose: a
// left-to-right run goes from a Latin letter or digit to the last one before
// the next Arabic letter, spaces and punctuation inside included, so a phone
// number "+962 79 555 0100", a date and time or a name in Latin letters stay
// whole, as a reader expects, where the full algorithm would reverse their
// groups. Text without right-to-left letters is returned as is.
func visualRTL(s string) string {
	if !hasRTL(s) {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		lines[i] = visualLine(line)
	}
	return strings.Join(lines, "\n")
}

func visualLine(line string) string {
	rs := []rune(line)
	var runs []run
	start := 0
	for i := 0; i < len(rs); {
		if !isLTR(rs[i]) {
			i++
			continue
		}
		// A sign right before a number belongs to it.
		j := i
		if j > start && strings.ContainsRune("+-", rs[j-1]) && unicode.IsDigit(rs[i]) {
			j--
		}
		end := i
		for k := i; k < len(rs) && !isRTL(rs[k]); k++ {
			if isLTR(rs[k]) {
				end = k + 1
			}
		}
		if j > start {
			runs = append(runs, run{text: rs[start:j]})
		}
		runs = append(runs, run{text: rs[j:end], ltr: true})
		start, i = end, end
	}
	if start < len(rs) {
		runs = append(runs, run{text: rs[start:]})
	}
	var out []string
	for k, r := range runs {
		if r.ltr {
			out = append(out, keepTogether(r.text))
			continue
		}
		// A space at the edge of a run goes missing when Fyne wraps the
		// line (it trims spaces where runs meet) or draws the run's far end:
		// a no-break space survives both. Beside a Latin word the space is
		// also moved out of the Arabic run, to sit between the two.
		text := r.text
		var lead, trail []rune
		if n := countSpaces(text, false); n > 0 {
			lead, text = nbsp(n), text[n:]
		}
		if n := countSpaces(text, true); n > 0 {
			text, trail = text[:len(text)-n], nbsp(n)
		}
		latinBefore := k > 0 && runs[k-1].endsWithLetter()
		latinAfter := k+1 < len(runs) && runs[k+1].startsWithLetter()
		parts := []string{mirror(text)}
		if len(lead) > 0 {
			if latinBefore {
				parts = append([]string{string(lead)}, parts...)
			} else {
				parts[0] = string(lead) + parts[0]
			}
		}
		if len(trail) > 0 {
			if latinAfter {
				parts = append(parts, string(trail))
			} else {
				parts[len(parts)-1] += string(trail)
			}
		}
		for _, part := range parts {
			if part != "" {
				out = append(out, part)
			}
		}
	}
	slices.Reverse(out)
	return strings.Join(out, "")
}

// run is a stretch of one direction.
type run struct {
	text []rune
	ltr  bool
}

func (r run) startsWithLetter() bool {
	return r.ltr && len(r.text) > 0 && unicode.IsLetter(r.text[0])
}

func (r run) endsWithLetter() bool {
	return r.ltr && len(r.text) > 0 && unicode.IsLetter(r.text[len(r.text)-1])
}

func nbsp(n int) []rune {
	out := make([]rune, n)
	for i := range out {
		out[i] = '\u00a0'
	}
	return out
}

// countSpaces counts the spaces at the start (or end) of s.
func countSpaces(s []rune, atEnd bool) int {
	n := 0
	for n < len(s) {
		i := n
		if atEnd {
			i = len(s) - 1 - n
		}
		if s[i] != ' ' {
			break
		}
		n++
	}
	return n
}

// mirror swaps paired brackets in a right-to-left run: Fyne's shaper does
// not apply bidi mirroring, so "(" would otherwise face the wrong way.
func mirror(run []rune) string {
	out := make([]rune, len(run))
	for i, r := range run {
		switch r {
		case '(':
			r = ')'
		case ')':
			r = '('
		case '[':
			r = ']'
		case ']':
			r = '['
		case '«':
			r = '»'
		case '»':
			r = '«'
		}
		out[i] = r
	}
	return string(out)
}

func isRTL(r rune) bool { return unicode.In(r, unicode.Arabic, unicode.Hebrew) && !unicode.IsDigit(r) }

func isLTR(r rune) bool { return !isRTL(r) && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

func hasRTL(s string) bool {
	for _, r := range s {
		if isRTL(r) {
			return true
		}
	}
	return false
}

// keepTogether joins the groups of a number ("+962 79 555 0100") with
// no-break spaces: Fyne's own bidi pass would otherwise split the number at
// its spaces and, in an Arabic line, show the groups in reverse order. A
// no-break space between digits is a number separator to the bidi
// algorithm; it looks the same.
func keepTogether(run []rune) string {
	out := make([]rune, len(run))
	copy(out, run)
	for k := 1; k+1 < len(out); k++ {
		if out[k] == ' ' && unicode.IsDigit(out[k-1]) && unicode.IsDigit(out[k+1]) {
			out[k] = '\u00a0'
		}
	}
	return string(out)
}

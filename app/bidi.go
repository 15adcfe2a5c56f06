package app

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/bidi"
)

// visualRTL prepares a line of an Arabic screen for Fyne.
//
// Fyne 2.7 (through go-text) splits a string into runs with
// golang.org/x/text/unicode/bidi, taking the paragraph's direction from its
// first strong letter, and draws the runs left to right in the order they
// come, each right-to-left run reversed and its brackets mirrored by the
// shaper. It never puts the runs themselves in visual order, so an Arabic
// line with a number, a date or a Latin name comes out scrambled.
//
// It also splits a run where the font changes (Arabic letters come from Noto
// Sans Arabic, brackets and colons from Fyne's font) and places those pieces
// in reading order too.
//
// visualRTL therefore resolves the line as a right-to-left paragraph with
// the same package, puts its runs — and the pieces of each Arabic run — in
// visual order, and wraps each in zero-width marks (an Arabic piece in
// RLM…RLM between LRMs, a Latin or number run in LRM…LRM): Fyne's own pass
// then finds exactly these pieces as runs, with the neutral characters at
// their edges (brackets, colons, spaces) on the side they belong to.
//
// One correction to what the package resolves: it splits "2026-11-27" and
// "+962 79 555 0100" into one run per group (against rule W4 for the first),
// which would show the groups in reverse order. A number's groups joined by
// one separator, and a sign before it, are kept as one run (joinNumbers).
// Text without right-to-left letters is returned as is.
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

const (
	lrm = "\u200e" // left-to-right mark
	rlm = "\u200f" // right-to-left mark
)

func visualLine(line string) string {
	runs, ok := logicalRuns(line)
	if !ok || len(runs) == 1 && len(fontPieces(runs[0].text)) == 1 {
		return line // one run in one font: Fyne draws it right as it is
	}
	var b strings.Builder
	for _, r := range visualOrder(runs) {
		if !r.rtl {
			b.WriteString(lrm + string(r.text) + lrm)
			continue
		}
		// Each piece its own run, the pieces in visual order: Fyne
		// places the pieces of one run in reading order.
		pieces := fontPieces(r.text)
		for k := len(pieces) - 1; k >= 0; k-- {
			b.WriteString(lrm + rlm + string(pieces[k]) + rlm + lrm)
		}
	}
	return b.String()
}

// fontPieces splits a right-to-left run where the font changes: Arabic
// letters and the spaces between them come from Noto Sans Arabic, brackets,
// colons and other signs from Fyne's own font, and Fyne shapes each piece
// on its own.
func fontPieces(text []rune) [][]rune {
	var pieces [][]rune
	start := 0
	for i := 1; i <= len(text); i++ {
		if i == len(text) || inArabicFont(text[i]) != inArabicFont(text[i-1]) {
			pieces = append(pieces, text[start:i])
			start = i
		}
	}
	return pieces
}

func inArabicFont(r rune) bool {
	return unicode.Is(unicode.Arabic, r) || r == ' ' || r == '\u00a0' || unicode.Is(unicode.Mn, r)
}

// dirRun is a stretch of one direction, in logical order.
type dirRun struct {
	text []rune
	rtl  bool
}

// logicalRuns resolves line as a right-to-left paragraph.
func logicalRuns(line string) ([]dirRun, bool) {
	if line == "" {
		return nil, false
	}
	var p bidi.Paragraph
	if _, err := p.SetString(line, bidi.DefaultDirection(bidi.RightToLeft)); err != nil {
		return nil, false
	}
	o, err := p.Order()
	if err != nil {
		return nil, false
	}
	runs := make([]dirRun, 0, o.NumRuns())
	for i := 0; i < o.NumRuns(); i++ {
		r := o.Run(i)
		runs = append(runs, dirRun{text: []rune(r.String()), rtl: r.Direction() == bidi.RightToLeft})
	}
	return joinNumbers(runs), true
}

// visualOrder puts the runs of a right-to-left line (levels 1 and 2 only:
// left-to-right runs inside Arabic) in the order they are drawn, left first.
func visualOrder(runs []dirRun) []dirRun {
	out := slices.Clone(runs)
	slices.Reverse(out)
	return out
}

// numberSeparators join the groups of a number: a date, a time, a phone
// number.
const numberSeparators = "-/:., \u00a0"

// joinNumbers keeps a number whole: left-to-right runs separated by one
// separator between digits become one run, a "+" or "-" right before a
// number joins it, and neighbouring left-to-right runs merge.
func joinNumbers(runs []dirRun) []dirRun {
	runs = slices.Clone(runs)
	var out []dirRun
	var sep []rune // a separator between two groups of a number, held for the merge
	for i, r := range runs {
		r.text = slices.Clone(r.text)
		nextDigit := i+1 < len(runs) && !runs[i+1].rtl && len(runs[i+1].text) > 0 && unicode.IsDigit(runs[i+1].text[0])
		if r.rtl {
			afterDigit := len(out) > 0 && !out[len(out)-1].rtl && endsWithDigit(out[len(out)-1].text)
			if len(r.text) == 1 && strings.ContainsRune(numberSeparators, r.text[0]) && afterDigit && nextDigit {
				sep = r.text
				continue
			}
			if n := len(r.text); n > 0 && strings.ContainsRune("+-", r.text[n-1]) && nextDigit {
				runs[i+1].text = append([]rune{r.text[n-1]}, runs[i+1].text...)
				r.text = r.text[:n-1]
				if len(r.text) == 0 {
					continue
				}
			}
			out = append(out, r)
			continue
		}
		if len(out) > 0 && !out[len(out)-1].rtl {
			last := &out[len(out)-1]
			last.text = append(append(last.text, sep...), r.text...)
			sep = nil
			continue
		}
		out = append(out, r)
	}
	return out
}

func endsWithDigit(r []rune) bool { return len(r) > 0 && unicode.IsDigit(r[len(r)-1]) }

func isRTL(r rune) bool {
	p, _ := bidi.LookupRune(r)
	return p.Class() == bidi.R || p.Class() == bidi.AL
}

func hasRTL(s string) bool {
	for _, r := range s {
		if isRTL(r) {
			return true
		}
	}
	return false
}

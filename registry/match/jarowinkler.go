package match

import "slices"

// jaroWinklerString is jaroWinkler on two strings, decoded on the stack.
func jaroWinklerString(a, b string) float64 {
	var ra, rb [64]rune
	return jaroWinkler(appendRunes(ra[:0], a), appendRunes(rb[:0], b))
}

func appendRunes(dst []rune, s string) []rune {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 { // not ASCII: decode properly
			for _, r := range s[i:] {
				if len(dst) == cap(dst) {
					break
				}
				dst = append(dst, r)
			}
			return dst
		}
		if len(dst) == cap(dst) {
			return dst
		}
		dst = append(dst, rune(s[i]))
	}
	return dst
}

// jaroWinkler returns the Jaro-Winkler similarity of two words, 1 for equal,
// 0 for nothing in common. It favours a shared start, which is where names
// are most reliably written the same. Words beyond 64 runes are compared on
// their first 64.
func jaroWinkler(a, b []rune) float64 {
	const maxLen = 64
	if len(a) > maxLen {
		a = a[:maxLen]
	}
	if len(b) > maxLen {
		b = b[:maxLen]
	}
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if slices.Equal(a, b) {
		return 1
	}
	window := max(len(a), len(b))/2 - 1
	if window < 0 {
		window = 0
	}
	var matchedA, matchedB [maxLen]bool
	matches := 0
	for i, r := range a {
		lo, hi := max(0, i-window), min(len(b), i+window+1)
		for j := lo; j < hi; j++ {
			if !matchedB[j] && b[j] == r {
				matchedA[i], matchedB[j] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	transposed, j := 0, 0
	for i := range a {
		if !matchedA[i] {
			continue
		}
		for !matchedB[j] {
			j++
		}
		if a[i] != b[j] {
			transposed++
		}
		j++
	}
	m := float64(matches)
	jaro := (m/float64(len(a)) + m/float64(len(b)) + (m-float64(transposed/2))/m) / 3
	prefix := 0
	for prefix < min(4, len(a), len(b)) && a[prefix] == b[prefix] {
		prefix++
	}
	return jaro + float64(prefix)*0.1*(1-jaro)
}

// oneKeystroke reports whether two words of at least five letters differ by
// one keying slip: a letter replaced, dropped or added, or two neighbours
// swapped. Jaro-Winkler judges some of these harshly (Baraka, Bsraka).
func oneKeystroke(a, b string) bool {
	var ba, bb [64]rune
	x, y := appendRunes(ba[:0], a), appendRunes(bb[:0], b)
	if len(x) > len(y) {
		x, y = y, x
	}
	if len(x) < 5 || len(y)-len(x) > 1 {
		return false
	}
	i := 0
	for i < len(x) && x[i] == y[i] {
		i++
	}
	if len(x) == len(y) {
		if i == len(x) {
			return true
		}
		if slices.Equal(x[i+1:], y[i+1:]) {
			return true // replaced
		}
		return i+1 < len(x) && x[i] == y[i+1] && x[i+1] == y[i] && slices.Equal(x[i+2:], y[i+2:])
	}
	return slices.Equal(x[i:], y[i+1:]) // one letter more in y
}

package match

// arabicLetters maps Arabic letters (as registry.NormalizeName leaves them)
// onto the skeleton alphabet, the way field transliteration renders them.
// Letters missing here (alef, ain, hamza) carry no consonant a Latin spelling
// keeps reliably, so they are dropped.
var arabicLetters = map[rune]byte{
	'ب': 'B', 'پ': 'B', 'ت': 'T', 'ط': 'T', 'ث': 'T',
	'ج': 'J', 'چ': 'X', 'ژ': 'J', 'گ': 'J', 'غ': 'J',
	'ح': 'H', 'ه': 'H', 'خ': 'K', 'ك': 'K', 'ق': 'K',
	'د': 'D', 'ض': 'D', 'ذ': 'Z', 'ظ': 'Z',
	'ر': 'R', 'ز': 'Z', 'س': 'S', 'ص': 'S', 'ش': 'X',
	'ف': 'F', 'ل': 'L', 'م': 'M', 'ن': 'N',
	'ګ': 'J', 'ټ': 'T', 'ډ': 'D', 'ړ': 'R', 'ږ': 'J', 'ښ': 'X', 'ڼ': 'N', // Pashto
}

// arabicAlternatives are the other ways some letters are commonly written:
// ث as s (Osman beside Othman), ض and ذ as z in Persian and Pashto (Marzia,
// مرضیه), ظ as d.
var arabicAlternatives = map[rune]byte{'ث': 'S', 'ض': 'Z', 'ذ': 'D', 'ظ': 'D'}

// arabicSkeleton gives the consonant outline of an Arabic-script word: محمد →
// MHMD. Waw and yeh are consonants at the start of a word (وليد, يوسف) and
// long vowels elsewhere. alt is the outline with arabicAlternatives, "" when
// the word has none of those letters.
func arabicSkeleton(w string) (skeleton, alt string) {
	sk := make([]byte, 0, len(w))
	ak := make([]byte, 0, len(w))
	hasAlt := false
	first := true
	for _, r := range w {
		var c byte
		switch r {
		case 'و':
			if first {
				c = 'W'
			}
		case 'ي', 'ۍ':
			if first {
				c = 'Y'
			}
		default:
			c = arabicLetters[r]
			if r >= '0' && r <= '9' {
				c = byte(r)
			}
		}
		first = false
		a := c
		if x, ok := arabicAlternatives[r]; ok {
			a, hasAlt = x, true
		}
		if c != 0 && (len(sk) == 0 || sk[len(sk)-1] != c) {
			sk = append(sk, c)
		}
		if a != 0 && (len(ak) == 0 || ak[len(ak)-1] != a) {
			ak = append(ak, a)
		}
	}
	if !hasAlt {
		return trimSkeleton(sk), ""
	}
	return trimSkeleton(sk), trimSkeleton(ak)
}

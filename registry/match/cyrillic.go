package match

import "strings"

// Cyrillic names reach registration lists in whichever transliteration the
// document at hand used, and the letters do not say which language a name
// is written in (Иван is Russian, Іван Ukrainian). So a Cyrillic word is read
// by each standard people actually meet, and matches a Latin spelling when
// any reading does:
//
//   - the Ukrainian national transliteration (2010), which Ukrainian
//     passports print: г h, и y, ю iu, я ia, initial ю yu;
//   - ICAO Doc 9303 (2013 onwards), which Russian and Belarusian machine-
//     readable passports print: и i, й i, х kh, ю iu, я ia, ъ ie;
//   - BGN/PCGN (maps, the press, most older Russian documents): й y, ю yu,
//     я ya, е ye at the start of a word and after a vowel, ё yo;
//   - GOST 7.79 system B (Russian and CIS bibliographic and some civil
//     records): й j, х x, ц c, щ shh, ю yu, я ya;
//   - the "scientific" reading Central European documents use: й j, ю ju,
//     я ja, х ch, ц c (Julija, Jurij);
//   - and one that reads х as h, as Russian writes the Arabic ḥ and h
//     (Мухаммед for محمد, Хасан for حسن): the bridge to Arabic script.
//
// Belarusian ў, Kazakh and Kyrgyz letters (ә ғ қ ң ө ұ ү һ) are read in every
// standard the way their national romanizations write them.
type cyrillicReading struct {
	letters map[rune]string // overrides of cyrillicBase
	initial map[rune]string // at the start of a word, or after a vowel when afterVowel
	// afterVowel applies initial after a vowel too (BGN/PCGN's ye).
	afterVowel bool
}

// cyrillicBase is what every reading agrees on.
var cyrillicBase = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'ґ': "g", 'д': "d", 'е': "e", 'ё': "e", 'є': "ie",
	'ж': "zh", 'з': "z", 'и': "i", 'і': "i", 'ї': "i", 'й': "i", 'к': "k", 'л': "l",
	'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ў': "u",
	'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ь': "", 'ъ': "",
	'ы': "y", 'э': "e", 'ю': "iu", 'я': "ia",
	// Kazakh and Kyrgyz.
	'ә': "a", 'ғ': "gh", 'қ': "k", 'ң': "ng", 'ө': "o", 'ұ': "u", 'ү': "u", 'һ': "h",
	// Serbian and Macedonian letters, read as their Latin alphabets write them.
	'ј': "j", 'љ': "lj", 'њ': "nj", 'ђ': "dj", 'ћ': "c", 'џ': "dz",
}

var cyrillicReadings = []cyrillicReading{
	{ // Ukrainian national
		letters: map[rune]string{'г': "h", 'и': "y", 'х': "kh", 'щ': "shch"},
		initial: map[rune]string{'є': "ye", 'ї': "yi", 'й': "y", 'ю': "yu", 'я': "ya"},
	},
	{ // ICAO 9303
		letters: map[rune]string{'ъ': "ie"},
	},
	{ // BGN/PCGN
		letters:    map[rune]string{'й': "y", 'ю': "yu", 'я': "ya", 'ё': "yo", 'є': "ye"},
		initial:    map[rune]string{'е': "ye", 'ё': "yo"},
		afterVowel: true,
	},
	{ // GOST 7.79 B
		letters: map[rune]string{'й': "j", 'х': "x", 'ц': "c", 'щ': "shh", 'ю': "yu", 'я': "ya", 'ё': "yo"},
	},
	{ // scientific
		letters: map[rune]string{'й': "j", 'ю': "ju", 'я': "ja", 'х': "ch", 'ц': "c", 'є': "je", 'ї': "ji"},
	},
	{ // х as h: Russian for Arabic names
		letters: map[rune]string{'х': "h", 'й': "y", 'ю': "yu", 'я': "ya"},
	},
}

func hasCyrillic(w string) bool {
	for _, r := range w {
		if r >= 0x0400 && r <= 0x04FF {
			return true
		}
	}
	return false
}

func isCyrillicVowel(r rune) bool {
	return strings.ContainsRune("аеёиоуыэюяіїєәөұүў", r)
}

func (rd cyrillicReading) read(w string) string {
	var b strings.Builder
	prevVowel := false
	first := true
	for _, r := range w {
		s, ok := rd.letters[r]
		if !ok {
			s, ok = cyrillicBase[r]
		}
		if x, init := rd.initial[r]; init && (first || (rd.afterVowel && prevVowel)) {
			s, ok = x, true
		}
		switch {
		case ok:
			b.WriteString(s)
		case r < 0x80:
			b.WriteRune(r)
		}
		prevVowel = isCyrillicVowel(r)
		first = false
	}
	return b.String()
}

// cyrillicLatinReadings returns w read by every standard, the Ukrainian
// national first, each once.
func cyrillicLatinReadings(w string) []string {
	out := make([]string, 0, len(cyrillicReadings))
	for _, rd := range cyrillicReadings {
		s := rd.read(w)
		dup := false
		for _, o := range out {
			dup = dup || o == s
		}
		if !dup {
			out = append(out, s)
		}
	}
	return out
}

package match

import (
	"slices"
	"strings"

	"fieldreg/registry"
)

// nameToken is one word of a name, prepared once so comparing is cheap.
type nameToken struct {
	fold     string // see the package glossary
	skeleton string // consonant outline, ASCII upper case
	arabic   bool   // written in Arabic script: only the skeleton compares across scripts
	// altSkeleton is the skeleton with the other common rendering of
	// ambiguous Arabic letters (see arabicAlternatives), "" when none.
	altSkeleton string
	// readings are a Cyrillic word's other readings; nil for other words.
	readings *cyrillicForms
	// groups are the names of namegroups.txt the word is a spelling of
	// (numbers from 1; 0 ends the list); common is set when one of them is
	// among the commonest.
	groups [maxGroups]uint16
	common bool
	// patronymic marks a father's name: -ovich, -ovna, the word after bin.
	patronymic bool
	id         uint32 // the word's number in an Index's cache, 0 when not cached
	key        uint32 // the name's number for counting how common it is; 0 when not cached
}

// cyrillicForms are the other readings of a Cyrillic word (see
// cyrillic.go), folded, and their skeletons other than the word's skeleton.
// Few words are Cyrillic, so the other words carry only a nil pointer.
type cyrillicForms struct{ alts, skeletons []string }

func (t nameToken) alts() []string {
	if t.readings == nil {
		return nil
	}
	return t.readings.alts
}

func (t nameToken) altSkeletons() []string {
	if t.readings == nil {
		return nil
	}
	return t.readings.skeletons
}

// groupList returns the names the word spells.
func (t *nameToken) groupList() []uint16 {
	n := 0
	for n < maxGroups && t.groups[n] != 0 {
		n++
	}
	return t.groups[:n]
}

// folds returns the word's fold and its other readings.
func (t nameToken) folds() []string {
	if t.readings == nil {
		return []string{t.fold}
	}
	return append([]string{t.fold}, t.readings.alts...)
}

// skeletons returns every skeleton the word may have, for blocking.
func (t nameToken) skeletons() []string {
	out := []string{t.skeleton}
	if t.altSkeleton != "" {
		out = append(out, t.altSkeleton)
	}
	return append(out, t.altSkeletons()...)
}

// particles are words that enumerators write or leave out at will and that
// say nothing about who a person is.
var particles = map[string]bool{
	"al": true, "el": true, "ul": true, "bin": true, "ibn": true, "bint": true, "binti": true,
	"de": true, "del": true, "la": true, "los": true, "las": true, "y": true, "du": true, "des": true,
	"ال": true, "بن": true, "ابن": true, "بنت": true,
}

// joinNext are words that belong to the word after them: "Abd al-Rahman",
// "Abdul Rahman" and "Abdulrahman" are one name written three ways.
var joinNext = map[string]bool{
	"abd": true, "abdul": true, "abdel": true, "abdal": true, "abdoul": true, "abdur": true, "abdar": true,
	"abu": true, "abou": true, "abo": true,
	"عبد": true, "ابو": true,
}

// joinPrevious are words that belong to the word before them: "Rahmat Ullah"
// is "Rahmatullah", "رحمت الله" is one name.
var joinPrevious = map[string]bool{"ullah": true, "ulla": true, "allah": true, "الله": true}

// nameField is one name field (given, family or other names) prepared.
type nameField struct {
	tokens []nameToken
	// joined is all the words written as one, when there are several:
	// "Bibi Gul" and "Bibigul", "بی بی ګل" and "Bibigul" then compare.
	joined *nameToken
	// patronymic is set when a word is a patronymic.
	patronymic bool
}

func (f nameField) empty() bool { return len(f.tokens) == 0 }

// joinedOrOnly is the field as one word: joined, or its only word; nil when
// it has none.
func (f nameField) joinedOrOnly() *nameToken {
	if f.joined != nil {
		return f.joined
	}
	if len(f.tokens) == 1 {
		return &f.tokens[0]
	}
	return nil
}

// prepareField splits one name field into prepared words.
func prepareField(s string) nameField {
	if s == "" {
		return nameField{}
	}
	words := normalizedWords(s)
	var out []nameToken
	var raws []string
	afterBin := false
	for i := 0; i < len(words); i++ {
		w := words[i]
		if fatherParticles[w] && i+1 < len(words) {
			afterBin = true
			continue
		}
		if joinNext[w] && i+1 < len(words) {
			j := i + 1
			if particles[words[j]] && j+1 < len(words) {
				w += words[j] // "abd" + "al" + "rahman"
				j++
			}
			w += words[j]
			i = j
		} else if joinPrevious[w] && len(out) > 0 {
			raws[len(raws)-1] += w
			out[len(out)-1] = prepareToken(raws[len(raws)-1])
			continue
		} else if particles[w] && len(words) > 1 {
			continue
		}
		t := prepareToken(w)
		t.patronymic = t.patronymic || afterBin
		afterBin = false
		out = append(out, t)
		raws = append(raws, w)
	}
	f := nameField{tokens: out, patronymic: hasPatronymic(out)}
	if len(raws) > 1 {
		j := prepareToken(strings.Join(raws, ""))
		f.joined = &j
	}
	return f
}

// normalizedWords is registry.NameTokens with a fast path for plain ASCII,
// which most Latin-script names are; the result is the same.
func normalizedWords(s string) []string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if !ascii {
		return registry.NameTokens(s)
	}
	var words []string
	start := -1
	buf := []byte(s)
	for i, c := range buf {
		if 'A' <= c && c <= 'Z' {
			buf[i] = c + 'a' - 'A'
			c = buf[i]
		}
		word := ('a' <= c && c <= 'z') || ('0' <= c && c <= '9')
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			words = append(words, string(buf[start:i]))
			start = -1
		}
	}
	if start >= 0 {
		words = append(words, string(buf[start:]))
	}
	return words
}

// prepareToken prepares one normalized word, with what namegroups.txt
// knows of it.
func prepareToken(w string) nameToken {
	t := bareToken(w)
	knownNames().lookup(&t)
	return t
}

// bareToken prepares one normalized word from its letters alone.
func bareToken(w string) nameToken {
	if isArabic(w) {
		w = strings.TrimPrefix(w, "ال")
		if w == "" {
			w = "ال"
		}
		sk, alt := arabicSkeleton(w)
		return nameToken{fold: w, skeleton: sk, altSkeleton: alt, arabic: true}
	}
	if !hasCyrillic(w) {
		f := foldLatin(w)
		return nameToken{fold: f, skeleton: latinSkeleton(f), patronymic: isPatronymic(f)}
	}
	var t nameToken
	var more cyrillicForms
	for i, r := range cyrillicLatinReadings(w) {
		f := foldLatin(r)
		if i == 0 {
			t = nameToken{fold: f, skeleton: latinSkeleton(f)}
		} else if !slices.Contains(more.alts, f) && f != t.fold {
			more.alts = append(more.alts, f)
		}
		t.patronymic = t.patronymic || isPatronymic(f)
		for _, sk := range []string{latinSkeleton(f), latinSkeleton(strings.ReplaceAll(f, "kh", "h"))} {
			if sk != t.skeleton && !slices.Contains(more.skeletons, sk) {
				more.skeletons = append(more.skeletons, sk)
			}
		}
	}
	if len(more.alts) > 0 || len(more.skeletons) > 0 {
		t.readings = &more
	}
	return t
}

// fatherParticles introduce a father's name: "Ahmed bin Saleh".
var fatherParticles = map[string]bool{"bin": true, "ibn": true, "bint": true, "binti": true, "بن": true, "ابن": true, "بنت": true}

// patronymicEndings are the endings of East Slavic patronymics as their
// readings fold them (Petrovich, Petrovych, Petrovna, Illich, Illichna).
var patronymicEndings = []string{"ovich", "evich", "ovych", "evych", "ovna", "evna", "ivna", "ichna"}

func isPatronymic(f string) bool {
	for _, e := range patronymicEndings {
		if len(f) >= len(e)+3 && strings.HasSuffix(f, e) {
			return true
		}
	}
	return false
}

func isArabic(w string) bool {
	for _, r := range w {
		if r >= 0x0600 && r <= 0x06FF {
			return true
		}
	}
	return false
}

func isVowel(c byte) bool { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' }

// latinRewrites unify spellings that stand for one sound in names.
var latinRewrites = strings.NewReplacer(
	// shch (Ukrainian, ICAO, BGN), shh (GOST) and sch (German) are one щ.
	"shch", "sh", "shh", "sh",
	"ph", "f", "sch", "sh", "tch", "ch", "ck", "k", "dj", "j", "q", "k",
	"ou", "u", "oo", "u", "ee", "i",
)

// foldLatin folds a normalized Latin-script word (see the package glossary).
func foldLatin(w string) string {
	w = latinRewrites.Replace(w)
	if len(w) > 1 && w[0] == 'i' && isVowel(w[1]) {
		w = "y" + w[1:] // Iurii, Yurii; Iaroslav, Yaroslav
	}
	b := make([]byte, 0, len(w))
	for i := 0; i < len(w); i++ {
		c := w[i]
		if len(b) > 0 && b[len(b)-1] == c {
			continue // doubled letters: Mohammed, Mohamed
		}
		if c == 'y' && i > 0 {
			prevVowel := isVowel(w[i-1])
			nextVowel := i+1 < len(w) && isVowel(w[i+1])
			if !(prevVowel && nextVowel) {
				c = 'i' // Aysha, Aisha; Maryam, Mariam
			}
		}
		b = append(b, c)
	}
	if n := len(b); n > 2 && b[n-1] == 'h' && isVowel(b[n-2]) {
		b = b[:n-1] // Fatimah, Fatima
	}
	return string(b)
}

// sameConsonants reports whether two folded Latin words differ only in
// their vowels, each run of vowels counting as one.
func sameConsonants(a, b string) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		va, vb := isVowel(a[i]), isVowel(b[j])
		switch {
		case va && vb:
			for i < len(a) && isVowel(a[i]) {
				i++
			}
			for j < len(b) && isVowel(b[j]) {
				j++
			}
		case va || vb || a[i] != b[j]:
			return false
		default:
			i++
			j++
		}
	}
	return i == len(a) && j == len(b)
}

// latinSkeleton maps a folded Latin word onto the skeleton alphabet.
func latinSkeleton(f string) string {
	sk := make([]byte, 0, len(f))
	emit := func(c byte) {
		if len(sk) == 0 || sk[len(sk)-1] != c {
			sk = append(sk, c)
		}
	}
	for i := 0; i < len(f); i++ {
		c := f[i]
		var next byte
		if i+1 < len(f) {
			next = f[i+1]
		}
		if next == 'h' {
			digraph := byte(0)
			switch c {
			case 's', 'c':
				digraph = 'X'
			case 't':
				digraph = 'T'
			case 'd':
				digraph = 'Z' // dhal: Hafidh, Hafiz, حافظ
			case 'k':
				digraph = 'K'
			case 'g':
				digraph = 'J'
			}
			if c == 'z' {
				digraph = 'J' // Ukrainian zh
			}
			if digraph != 0 {
				emit(digraph)
				i++
				continue
			}
		}
		switch c {
		case 'a', 'e', 'i', 'o', 'u':
		case 'y':
			if i == 0 {
				emit('Y')
			}
		case 'w', 'v':
			// Arabic has no v, and a waw inside a word is a vowel: Jawad,
			// Javad and جواد agree on J-D, Wali, Vali and ولي on W-L.
			if i == 0 {
				emit('W')
			}
		case 'b', 'p':
			emit('B')
		case 'f':
			emit('F')
		case 't':
			emit('T')
		case 'd':
			emit('D')
		case 's':
			emit('S')
		case 'z':
			emit('Z')
		case 'c':
			if next == 'e' || next == 'i' {
				emit('S')
			} else {
				emit('K')
			}
		case 'k':
			emit('K')
		case 'x':
			// Somali writes the Arabic ḥ as x: Maxamed is Mohamed.
			if i > 0 && isVowel(f[i-1]) && isVowel(next) {
				emit('H')
			} else {
				emit('K')
			}
		case 'g', 'j':
			emit('J')
		case 'h':
			emit('H')
		case 'l':
			emit('L')
		case 'm':
			emit('M')
		case 'n':
			emit('N')
		case 'r':
			emit('R')
		default:
			if c >= '0' && c <= '9' {
				emit(c)
			}
		}
	}
	return trimSkeleton(sk)
}

// trimSkeleton drops a final H (Fatimah, فاطمة with its teh marbuta).
func trimSkeleton(sk []byte) string {
	if n := len(sk); n > 1 && sk[n-1] == 'H' {
		sk = sk[:n-1]
	}
	return string(sk)
}

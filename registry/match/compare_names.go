package match

import "strings"

// nameWeights are the weights of one name field's outcomes.
type nameWeights struct{ exact, strong, close, weak, differ float64 }

var (
	givenWeights  = nameWeights{weightGivenExact, weightGivenStrong, weightGivenClose, weightGivenWeak, weightGivenDiffer}
	familyWeights = nameWeights{weightFamilyExact, weightFamilyStrong, weightFamilyClose, weightFamilyWeak, weightFamilyDiffer}
)

func (w nameWeights) of(sim float64) float64 {
	switch {
	case sim < 0:
		return 0 // missing on one side
	case sim == 1:
		return w.exact
	case sim >= simStrong:
		return w.strong
	case sim >= simClose:
		return w.close
	case sim >= simWeak:
		return w.weak
	}
	return w.differ
}

// nameVerdict is what compareNames found, for the rules that follow it.
type nameVerdict struct {
	givenSim, familySim float64
	swapped             bool
}

// compareNames compares given and family names in both orientations, since
// enumerators swap them, and keeps the better. For the swapped orientation
// the weaker of the two similarities is judged as the given name, which keeps
// the comparison symmetric. Agreeing names are weighed by how common they
// are (counts may be nil: priors only).
func compareNames(a, b *profile, out []Reason, memo *simMemo, counts *nameCounts) ([]Reason, nameVerdict) {
	givenSim, familySim := fieldSim(a.given, b.given, memo), fieldSim(a.family, b.family, memo)
	straight := givenWeights.of(givenSim) + familyWeights.of(familySim)

	s1, s2 := fieldSim(a.given, b.family, memo), fieldSim(a.family, b.given, memo)
	swapGiven, swapFamily := min(s1, s2), max(s1, s2)
	swapped := givenWeights.of(swapGiven) + familyWeights.of(swapFamily)
	v := nameVerdict{givenSim: givenSim, familySim: familySim}
	// The fields compared as given and as family names, for the counts.
	ga, gb, fa, fb := a.given, b.given, a.family, b.family
	if swapGiven >= 0 && swapped > straight {
		out = append(out, Reason{"names_swapped", "given and family names swapped", 0})
		v = nameVerdict{givenSim: swapGiven, familySim: swapFamily, swapped: true}
		ga, gb, fa, fb = a.given, b.family, a.family, b.given
		if s2 < s1 {
			ga, gb, fa, fb = a.family, b.given, a.given, b.family
		}
	}

	gw, fw := givenWeights.of(v.givenSim), familyWeights.of(v.familySim)
	switch {
	case v.givenSim == 1 && v.familySim == 1:
		out = append(out, Reason{"name_exact", "same name", gw + fw})
	default:
		out = appendNameReason(out, givenField, v.givenSim, gw)
		out = appendNameReason(out, familyField, v.familySim, fw)
	}
	// Given and family names are not drawn independently (a tradition's
	// common names go together), so their common-name penalties are not
	// simply added: together they are bounded by adjustFloorBoth.
	var ag, af float64
	if v.givenSim >= simClose {
		ag = counts.adjust(ga, gb)
	}
	if v.familySim >= simClose {
		af = counts.adjust(fa, fb)
	}
	if ag+af < adjustFloorBoth {
		af = min(0, adjustFloorBoth-ag)
	}
	out = appendFrequency(out, givenField, ag)
	out = appendFrequency(out, familyField, af)
	if !a.other.empty() && !b.other.empty() {
		switch s := fieldSim(a.other, b.other, memo); {
		case s >= simStrong:
			out = append(out, Reason{"other_names_agree", "same other names", weightOtherAgree})
		case s < simWeak:
			out = append(out, Reason{"other_names_differ", "different other names", weightOtherDiffer})
		}
	}
	return out, v
}

func appendFrequency(out []Reason, field int, adjust float64) []Reason {
	switch {
	case adjust <= -adjustShown:
		r := frequencyReasons[field][0]
		r.Weight = adjust
		return append(out, r)
	case adjust >= adjustShown:
		r := frequencyReasons[field][1]
		r.Weight = adjust
		return append(out, r)
	}
	return out
}

var frequencyReasons = [2][2]Reason{
	{{Code: "given_name_common", Text: "common given name"}, {Code: "given_name_rare", Text: "rare given name"}},
	{{Code: "family_name_common", Text: "common family name"}, {Code: "family_name_rare", Text: "rare family name"}},
}

func appendNameReason(out []Reason, field int, sim, weight float64) []Reason {
	band := 4
	switch {
	case sim < 0:
		return out
	case sim == 1:
		band = 0
	case sim >= simStrong:
		band = 1
	case sim >= simClose:
		band = 2
	case sim >= simWeak:
		band = 3
	}
	r := nameReasons[field][band]
	r.Weight = weight
	return append(out, r)
}

const (
	givenField = iota
	familyField
)

// nameReasons are the reasons per field and band, made once so a
// comparison allocates nothing for them.
var nameReasons = [2][5]Reason{
	{
		{Code: "given_name_exact", Text: "same given name"},
		{Code: "given_name_similar", Text: "given name spelled differently"},
		{Code: "given_name_close", Text: "given name close"},
		{Code: "given_name_weak", Text: "given name barely alike"},
		{Code: "given_name_different", Text: "different given name"},
	},
	{
		{Code: "family_name_exact", Text: "same family name"},
		{Code: "family_name_similar", Text: "family name spelled differently"},
		{Code: "family_name_close", Text: "family name close"},
		{Code: "family_name_weak", Text: "family name barely alike"},
		{Code: "family_name_different", Text: "different family name"},
	},
}

// fieldSim compares two name fields, -1 when either is empty. Each word of
// the shorter field finds its best partner in the other, so a missing middle
// name costs nothing; with equal lengths both directions are tried. A
// patronymic (Petrovich, bin Saleh) on one side only is left out: records
// keep or drop it at will.
func fieldSim(fa, fb nameField, memo *simMemo) float64 {
	a, b := fa.tokens, fb.tokens
	if len(a) == 0 || len(b) == 0 {
		return -1
	}
	if fa.patronymic != fb.patronymic {
		a, b = withoutPatronymics(a), withoutPatronymics(b)
	}
	var s float64
	switch {
	case len(a) < len(b):
		s = bestAverage(a, b, memo)
	case len(b) < len(a):
		s = bestAverage(b, a, memo)
	default:
		s = max(bestAverage(a, b, memo), bestAverage(b, a, memo))
	}
	if s < 1 && (fa.joined != nil || fb.joined != nil) {
		ja, jb := &a[0], &b[0]
		if fa.joined != nil {
			ja = fa.joined
		}
		if fb.joined != nil {
			jb = fb.joined
		}
		s = max(s, memo.tokenSim(*ja, *jb))
	}
	// Across scripts only consonant outlines compare; one word of three or
	// more agreeing that way is weak evidence the names are one.
	short, long := min(len(a), len(b)), max(len(a), len(b))
	if a[0].arabic != b[0].arabic && 2*short < long {
		s = min(s, simClose)
	}
	return s
}

func hasPatronymic(ts []nameToken) bool {
	for _, t := range ts {
		if t.patronymic {
			return true
		}
	}
	return false
}

// withoutPatronymics drops the patronymics, unless nothing else is left.
func withoutPatronymics(ts []nameToken) []nameToken {
	if !hasPatronymic(ts) {
		return ts
	}
	out := make([]nameToken, 0, len(ts))
	for _, t := range ts {
		if !t.patronymic {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return ts
	}
	return out
}

func bestAverage(short, long []nameToken, memo *simMemo) float64 {
	sum := 0.0
	for _, s := range short {
		best := 0.0
		for _, l := range long {
			best = max(best, memo.tokenSim(s, l))
		}
		sum += best
	}
	return sum / float64(len(short))
}

// tokenSim compares two words. What namegroups.txt knows comes first: two
// spellings of one name are similar, two different names differ however
// alike their letters. Otherwise, within a script it is Jaro-Winkler on the
// folds (each reading of a Cyrillic word tried), lifted when the consonant
// skeletons agree (Muhammad, Mohamed); across scripts only the skeletons can
// be compared, and equal skeletons count as strong but never exact.
func tokenSim(a, b nameToken) float64 {
	s := letterSim(a, b)
	switch relation(a, b) {
	case sameName:
		if s < 1 {
			s = max(s, groupAgree)
		}
	case distinctNames:
		s = min(s, groupDiffer)
	}
	return s
}

func letterSim(a, b nameToken) float64 {
	if a.arabic == b.arabic {
		if a.readings == nil && b.readings == nil {
			return foldSim(a.fold, b.fold, a.skeleton, b.skeleton, a.arabic)
		}
		best := 0.0
		for i, fa := range a.folds() {
			for j, fb := range b.folds() {
				ska, skb := a.skeleton, b.skeleton
				if i > 0 {
					ska = latinSkeleton(fa)
				}
				if j > 0 {
					skb = latinSkeleton(fb)
				}
				best = max(best, foldSim(fa, fb, ska, skb, false))
				if best == 1 {
					return 1
				}
			}
		}
		return best
	}
	if a.arabic {
		a, b = b, a // b is the Arabic one
	}
	best := 0.0
	for _, sk := range a.skeletons() {
		if sk == "" {
			continue
		}
		if sk == b.skeleton || sk == b.altSkeleton {
			// One consonant is no outline: Ali, ليلى and علاء are all "L".
			if len(sk) < 2 {
				return simWeak
			}
			return crossScriptAgree
		}
		s := jaroWinklerString(sk, b.skeleton)
		if b.altSkeleton != "" {
			s = max(s, jaroWinklerString(sk, b.altSkeleton))
		}
		best = max(best, crossScriptScale*s)
	}
	return best
}

// foldSim compares two folds of one script.
func foldSim(fa, fb, ska, skb string, arabic bool) float64 {
	if fa == fb {
		return 1
	}
	s := jaroWinklerString(fa, fb)
	if ska == skb && len(ska) >= 3 {
		s = max(s, skeletonAgree)
	}
	if s < simTypo && oneKeystroke(fa, fb) {
		s = simTypo
	}
	if s < simVowels && !arabic && sameConsonants(fa, fb) {
		s = simVowels
	}
	return min(s, 0.99) // different folds are never an exact match
}

const (
	skeletonAgree    = 0.93
	crossScriptAgree = 0.95
	crossScriptScale = 0.95
	groupAgree       = 0.95 // two spellings of one known name
	groupDiffer      = 0.7  // two known names that are not one
)

// sameGivenName is the strict test for when the given name is all that tells
// two people apart (twins; a man and a woman, otherSex): every word of the shorter
// field must be the same name as one of the other's, by namegroups.txt, by
// the letters (one keying slip, Jaro-Winkler strong on its own), or across
// scripts by a consonant outline of three or more. Close letters alone do
// not do: Hasna and Husna are two names.
func sameGivenName(fa, fb nameField, otherSex bool) bool {
	a, b := fa.tokens, fb.tokens
	if len(a) == 0 || len(b) == 0 {
		return true // nothing to tell them apart
	}
	if len(b) < len(a) {
		a, b = b, a
	}
	for _, x := range a {
		found := false
		for _, y := range b {
			if strictlySame(x, y, otherSex) {
				found = true
				break
			}
		}
		if !found {
			ja, jb := fa.joinedOrOnly(), fb.joinedOrOnly()
			return ja != nil && jb != nil && (fa.joined != nil || fb.joined != nil) && strictlySame(*ja, *jb, otherSex)
		}
	}
	return true
}

// oneNameExactly reports two given names with the same tokens, each pair
// either one name in the name table or one spelling once folded (a
// Cyrillic reading included), and no token left over on either side.
func oneNameExactly(fa, fb nameField) bool {
	if len(fa.tokens) != len(fb.tokens) {
		return false
	}
	for _, x := range fa.tokens {
		found := false
		for _, y := range fb.tokens {
			if relation(x, y) == sameName || foldsMeet(x, y) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func foldsMeet(x, y nameToken) bool {
	for _, fx := range x.folds() {
		for _, fy := range y.folds() {
			if fx == fy {
				return true
			}
		}
	}
	return false
}

func strictlySame(x, y nameToken, otherSex bool) bool {
	switch relation(x, y) {
	case sameName:
		return true
	case distinctNames:
		return false
	}
	if otherSex {
		// A man and a woman: names that differ at all are most often the
		// male and female forms of one name (Nasim, Nasima).
		return x.fold == y.fold
	}
	if x.arabic != y.arabic {
		return letterSim(x, y) >= simCrossSlip && len(x.skeleton) >= 3 && len(y.skeleton) >= 3
	}
	if x.skeleton == y.skeleton && len(x.skeleton) >= 2 && !x.arabic {
		return true // vowels only: transliteration writes them freely (Deeqa, Deka)
	}
	for _, fx := range x.folds() {
		for _, fy := range y.folds() {
			if fx == fy || slipOf(fx, fy) {
				return true
			}
		}
	}
	return false
}

// simCrossSlip is the least similarity across scripts that strictlySame
// takes for one name: an outline agreeing but for a slip.
const simCrossSlip = 0.88

// slipOf reports whether two Latin folds of an unknown name look like one
// spelling mistyped: a strong Jaro-Winkler with the same first letter, or
// one keystroke apart in a word of five letters or more whose first letters
// sound alike (Yorman, Jorman; Xavier, Javier). Rami and Sami, Hasna and
// Husna are two names.
func slipOf(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if a[0] == b[0] && jaroWinklerString(a, b) >= simSlip {
		return true
	}
	if len(a) == 4 && len(b) == 4 && a[0] == b[0] {
		return oneKeystroke("x"+a, "x"+b) // Hawa, Hswa
	}
	return len(a) >= 5 && len(b) >= 5 && soundAlike(a[0], b[0]) && oneKeystroke(a, b)
}

// simSlip is the least Jaro-Winkler of a mistyped spelling in slipOf.
const simSlip = 0.89

// soundAlike reports first letters that transliteration writes for one
// sound.
func soundAlike(a, b byte) bool {
	if a == b {
		return true
	}
	for _, class := range []string{"yji", "xjh", "ckq", "sz", "eiy", "ou", "vw"} {
		if strings.IndexByte(class, a) >= 0 && strings.IndexByte(class, b) >= 0 {
			return true
		}
	}
	return false
}

package match

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

// compareNames compares given and family names in both orientations, since
// enumerators swap them, and keeps the better. For the swapped orientation
// the weaker of the two similarities is judged as the given name, which keeps
// the comparison symmetric.
func compareNames(a, b *profile, out []Reason, memo *simMemo) ([]Reason, float64) {
	givenSim, familySim := fieldSim(a.given, b.given, memo), fieldSim(a.family, b.family, memo)
	straight := givenWeights.of(givenSim) + familyWeights.of(familySim)

	s1, s2 := fieldSim(a.given, b.family, memo), fieldSim(a.family, b.given, memo)
	swapGiven, swapFamily := min(s1, s2), max(s1, s2)
	swapped := givenWeights.of(swapGiven) + familyWeights.of(swapFamily)
	if swapGiven >= 0 && swapped > straight {
		out = append(out, Reason{"names_swapped", "given and family names swapped", 0})
		givenSim, familySim = swapGiven, swapFamily
	}

	gw, fw := givenWeights.of(givenSim), familyWeights.of(familySim)
	switch {
	case givenSim == 1 && familySim == 1:
		out = append(out, Reason{"name_exact", "same name", gw + fw})
	default:
		out = appendNameReason(out, givenField, givenSim, gw)
		out = appendNameReason(out, familyField, familySim, fw)
	}
	if !a.other.empty() && !b.other.empty() {
		switch s := fieldSim(a.other, b.other, memo); {
		case s >= simStrong:
			out = append(out, Reason{"other_names_agree", "same other names", weightOtherAgree})
		case s < simWeak:
			out = append(out, Reason{"other_names_differ", "different other names", weightOtherDiffer})
		}
	}
	return out, givenSim
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
// name costs nothing; with equal lengths both directions are tried.
func fieldSim(fa, fb nameField, memo *simMemo) float64 {
	a, b := fa.tokens, fb.tokens
	if len(a) == 0 || len(b) == 0 {
		return -1
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
	return s
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

// tokenSim compares two words. Within a script it is Jaro-Winkler on the
// folds, lifted when the consonant skeletons agree (Muhammad, Mohamed); across
// scripts only the skeletons can be compared, and equal skeletons count as
// strong but never exact.
func tokenSim(a, b nameToken) float64 {
	if a.arabic == b.arabic {
		if a.fold == b.fold {
			return 1
		}
		s := jaroWinklerString(a.fold, b.fold)
		if a.skeleton == b.skeleton && len(a.skeleton) >= 3 {
			s = max(s, skeletonAgree)
		}
		if s < simTypo && oneKeystroke(a.fold, b.fold) {
			s = simTypo
		}
		if s < simVowels && !a.arabic && sameConsonants(a.fold, b.fold) {
			s = simVowels
		}
		return min(s, 0.99) // different folds are never an exact match
	}
	if a.arabic {
		a, b = b, a // b is the Arabic one
	}
	if a.skeleton != "" && (a.skeleton == b.skeleton || a.skeleton == b.altSkeleton) {
		return crossScriptAgree
	}
	s := jaroWinklerString(a.skeleton, b.skeleton)
	if b.altSkeleton != "" {
		s = max(s, jaroWinklerString(a.skeleton, b.altSkeleton))
	}
	return crossScriptScale * s
}

const (
	skeletonAgree    = 0.93
	crossScriptAgree = 0.95
	crossScriptScale = 0.95
)

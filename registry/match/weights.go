package match

// Weights are log2 likelihood ratios: how much more often an outcome happens
// for two registrations of one person than for two different people. They
// were set from the field's error rates (see the corpus package) and tuned on
// one seed of the corpus; the quality test checks them on another.
//
// The given name weighs most against: within one family the given name is
// what tells twins and siblings apart, and the household context (same
// family name, same members, same phone) would otherwise outvote it.
const (
	weightGivenExact    = 4.5
	weightGivenStrong   = 3.5
	weightGivenClose    = 1.5
	weightGivenWeak     = -4
	weightGivenDiffer   = -10
	weightFamilyExact   = 3.5
	weightFamilyStrong  = 3
	weightFamilyClose   = 1
	weightFamilyWeak    = -1.5
	weightFamilyDiffer  = -4
	weightOtherAgree    = 1
	weightOtherDiffer   = -0.5
	weightBirthExact    = 5
	weightBirthSameEst  = 2.5 // both estimated dates are often 1 January or 1 July
	weightBirthSwapped  = 4   // 03-04 typed as 04-03
	weightBirthYearTypo = 3   // same day and month, year ±1
	weightBirthYearSame = 0   // same year, different day: a slip, or two people
	weightBirthYearPM1  = -2  // a year apart and another day
	weightBirthEstSame  = 1.5 // an estimated age, same year
	weightBirthEstNear  = 1   // an estimated age, a year apart
	weightBirthEstFar   = 0   // an estimated age, two years apart
	weightBirthEstApart = -3  // an estimated age, three to five years apart
	weightBirthApart    = -7  // a few years apart
	weightBirthFar      = -12 // a generation apart: parent and child
	weightSexSame       = 0.5
	weightSexDifferent  = -5
	weightSiteSame      = 0.5
	weightPhoneSame     = 3
	weightHouseholdNone = -1.5
	weightHouseholdSome = 0   // a few names in common
	weightHouseholdHalf = 1.5 // at least half
	weightHouseholdMost = 3.5 // three quarters or more
	// A document number typed the same is hard to come by for two people;
	// two numbers can be two documents of one person.
	weightDocumentSame   = 8
	weightDocumentDiffer = -2
)

// Token similarity thresholds for the name outcomes.
const (
	simStrong = 0.92
	simClose  = 0.85
	simWeak   = 0.75
	// simTypo is the least similarity of two words of five letters or more
	// one keystroke apart (a letter replaced, dropped, added or two swapped).
	simTypo = 0.9
	// simVowels is the least similarity of two words that differ only in
	// their vowels (Enayet, Inayat): transliteration writes vowels freely.
	simVowels = 0.9
)

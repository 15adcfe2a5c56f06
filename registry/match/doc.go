// Package match finds people registered more than once, on the device, while
// the family is still there to ask.
//
// It follows Fellegi and Sunter in spirit. A pair of persons is compared field
// by field; each comparison lands in an outcome (same name, similar name,
// birth year ±1, different sex, ...) carrying a weight, roughly the log2 of
// how much more often that outcome happens for true duplicates than for two
// different people. The weights add up to a score, and two thresholds cut the
// score into levels: Likely (warn the enumerator) and Possible (list for a
// supervisor). Every weight that counted comes back as a Reason a person can
// read.
//
// Glossary:
//
//   - fold: a name token after registry.NormalizeName, particles such as "al"
//     and "bin" dropped, "abd"/"abu" joined to the next word, and the usual
//     Latin spelling variants unified ("ph"→"f", doubled letters single...).
//     Cyrillic is transliterated to Latin here.
//   - skeleton: the consonant outline of a folded token in a small Latin
//     alphabet, vowels dropped. Arabic script maps onto the same alphabet, so
//     محمد, Mohammed, Muhammad and Mohamed all have the skeleton "MHMD". It
//     is the bridge across scripts and the blocking key.
//   - blocking: an Index only compares a person with those sharing a block:
//     the start of a name skeleton plus a birth year (±1, wider when estimated),
//     or the pair of given and family skeletons. A check never scans everything.
//
// Hard rules sit above the score: two members of one household are never
// duplicates of each other, and a supervisor's "not a duplicate" decision is
// respected by RecordIndex.
package match

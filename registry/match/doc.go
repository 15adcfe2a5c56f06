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
// respected by RecordIndex. Site, phone and household members count only
// when the given names agree: they say "same family", and within a family
// the given name is what tells twins and siblings apart.
//
// Use: the store feeds a RecordIndex every record (it implements the store's
// Indexer: store.Options{Indexes: []store.Indexer{ri}}); the app asks RecordIndex.Candidates while a person is typed and
// `fieldctl duplicates` lists RecordIndex.Pairs. Compare judges one pair.
//
// How good, how fast (internal/corpus, weights tuned on seed 1,
// measured on seed 2 with BenchmarkQuality and BenchmarkCheck): on 20,000
// persons with 10% second registrations, Likely has precision 0.99, recall
// 0.98, F1 0.98; Possible-and-above finds 0.99 of the true pairs. A check
// takes p50 0.2 ms, p95 0.6 ms at 100,000 persons (48 MB of index) and p50
// 1.5 ms, p95 7 ms at 1,000,000 (370 MB), on 2 busy cores.
//
// Known limits: names that share a consonant skeleton are not told apart
// across scripts (محمود and Mohammed, حسن and Hussein); Latin spellings
// far from the Arabic consonants (Somali Cabdi for عبدي) match loosely; a
// frequent name counts as much as a rare one, so two different people with a
// common name and the same estimated age can reach Likely.
package match

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
//     Latin spelling variants unified ("ph"→"f", doubled letters single,
//     "shch", "shh" and "sch" one letter...).
//   - reading: a Cyrillic word is transliterated by every standard people
//     meet on documents (Ukrainian national, ICAO 9303 as Russian and
//     Belarusian passports print it, BGN/PCGN, GOST 7.79 B, the "scientific"
//     j-reading, and х as h for Arabic names), with Belarusian, Kazakh and
//     Kyrgyz letters; the word matches a Latin spelling when any reading
//     does (Иван Ivan, Юлия Yulia, Iuliia, Julija; Щербаков Shcherbakov,
//     Scherbakov). See cyrillic.go.
//   - skeleton: the consonant outline of a folded token in a small Latin
//     alphabet, vowels dropped. Arabic script maps onto the same alphabet, so
//     محمد, Mohammed, Muhammad, Mohamed and Мухаммед all have the skeleton
//     "MHMD". It is the bridge across scripts and the blocking key.
//   - name group: a line of namegroups.txt, one given name with its
//     spellings in Latin and Arabic script (Omar, Umar, Omer, عمر). Two words
//     of one group are one name whatever their letters; two words of
//     different groups are two names however alike (Omar and Amr, Hassan and
//     Hussein, Ali and Alia, Ivan and Ivanna). The table is consulted before
//     string distance; words not in it are judged by their letters.
//   - name counts: how many persons of the index carry each name (by group,
//     else by fold). Agreeing on a name weighs log2(ū/u) more or less than
//     the field's usual weight, u the name's share and ū the average share
//     (Fellegi–Sunter u-probabilities), smoothed towards a prior for small
//     workspaces and bounded: a shared "Mohammed Ali" counts little. Compare,
//     with no index, has only the prior: the names namegroups.txt marks
//     commonest count a little less.
//   - blocking: an Index only compares a person with those sharing a block:
//     the start of a name skeleton plus a birth year (±1, wider when estimated),
//     or the pair of given and family skeletons. A check never scans everything.
//
// Hard rules sit above the score: two members of one household are never
// duplicates of each other — unless they are one person entered twice: one
// given name (one name of the table, or one spelling once folded), one sex,
// one birth date, neither estimated; twins have two names and a namesake
// son another birth date — and a supervisor's "not a duplicate" decision is
// respected by RecordIndex. Site, phone and household members count only
// when the given names agree: they say "same family", and within a family
// the given name is what tells twins and siblings apart. When the given name
// is all that tells two people apart — the same family name and birth date
// (twins), or the other sex (Ali and Alia, Karim and Karima) — it must be the
// same name, not merely a name alike: one name group, or letters one slip
// apart, and for a man and a woman the very same spelling. Otherwise it
// counts as a different given name, unless both records carry one document
// number. A patronymic on one record only (Petrovich, Ivanivna, bin Saleh)
// is left out of the comparison. Across scripts, one word agreeing with a
// name of three words or more, or an outline of one consonant (Ali, ليلى),
// is not enough for the names to count as similar.
//
// Use: the store feeds a RecordIndex every record (it implements the store's
// Indexer: store.Options{Indexes: []store.Indexer{ri}}); the app asks
// RecordIndex.Candidates while a person is typed, `fieldctl duplicates` and
// HQ list RecordIndex.Pairs, `fieldctl register` and `import` report the
// Candidates of what they add. Compare judges one pair. SearchKeys gives name
// search (store) the same keys, so "Mohamed" finds محمد and Иван finds Ivan.
//
// How good, how fast (internal/corpus, weights tuned on seed 1, measured on
// seed 2 with BenchmarkQuality and BenchmarkCheck): on 20,000 persons with
// 10% second registrations, Likely has precision 0.992, recall 0.980, F1
// 0.986; Possible-and-above finds 0.993 of the true pairs (before the name
// groups, counts and rules: 0.991, 0.977, 0.984, 0.988). Before that change
// a check took p50 0.2 ms, p95 0.6 ms at 100,000 persons and p50 1.5 ms,
// p95 7 ms at 1,000,000 on 2 quiet cores. The change was timed on cores
// shared with other builds (2026-12-01, load average 8–10), old and new code
// run in turn: at 100,000 persons p50 0.38–0.42 ms old, 0.43–0.46 ms new,
// p95 3.9–4.7 ms old, 4.6–8.6 ms new (under the 10 ms target); at 1,000,000
// p95 13.6–16.6 ms old, 7.4–12.6 ms new. The index is 58 MB at 100,000
// persons (51 MB before) and 424 MB at 1,000,000 (381 MB): words carry their
// readings and groups. docs/benchmarks.md has the runs.
//
// Known limits: names that share a consonant skeleton and are not in
// namegroups.txt are not told apart across scripts (محمود and a misspelt
// Mohammed); Latin spellings far from the Arabic consonants (Somali Cabdi
// for عبدي) match loosely; the table covers common Arabic, Persian, Pashto,
// Somali, Hausa, Russian, Ukrainian, Belarusian and Spanish and French given
// names, and a name outside it is judged by its letters alone, so twins with
// two rare names one vowel apart (two names the table does not know) are
// taken for one spelling; a typo that turns a name into another known name
// (Joseph typed Joseh, which folds to José) costs the pair; the frequency
// prior in a new workspace knows only the commonest names, so until some
// hundreds of persons are registered two different people with a fairly
// common name, the same estimated age and nothing else can still reach
// Likely.
package match

package match

import (
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// Level says how sure a match is.
type Level int

const (
	None     Level = iota // not a duplicate as far as matching can tell
	Possible              // worth a supervisor's look
	Likely                // warn the enumerator now
)

func (l Level) String() string {
	switch l {
	case Possible:
		return "possible"
	case Likely:
		return "likely"
	}
	return "none"
}

// Config holds the score thresholds. Scores are sums of log2 likelihood
// ratios, so +1 means "twice as likely a duplicate".
type Config struct {
	Likely, Possible float64
}

// DefaultConfig returns thresholds tuned on a generated corpus (seed 1) and
// checked on another (see quality_test.go and BenchmarkQuality).
func DefaultConfig() Config { return Config{Likely: 10.5, Possible: 6} }

func (c Config) level(score float64) Level {
	switch {
	case score >= c.Likely:
		return Likely
	case score >= c.Possible:
		return Possible
	}
	return None
}

// Reason is one piece of evidence that counted, with its weight in the score.
type Reason struct {
	Code   string // machine-readable, e.g. "given_name_exact", "birth_year_pm1"
	Text   string // for the enumerator, e.g. "birth year ±1"
	Weight float64
}

// Match is the verdict on one pair of persons.
type Match struct {
	A, B    uuid.UUID
	Score   float64
	Level   Level
	Reasons []Reason
}

// sameHouseholdScore is the score of two members of one household, who are
// never duplicates of each other whatever their names and dates.
const sameHouseholdScore = -100

// Compare scores one pair of persons. It is symmetric: Compare(a, b) and
// Compare(b, a) give the same score, level and reasons.
func Compare(a, b Person, cfg Config) Match {
	return compareProfiles(newProfile(a, nil), newProfile(b, nil), cfg, nil, nil, true)
}

// profile is a Person prepared for comparison: tokens folded, date parsed.
// An Index keeps one per person so a check does no parsing.
type profile struct {
	id, household        uuid.UUID
	given, family, other nameField
	sex                  byte // 'f', 'm' or 0 when not known
	birth                birthDate
	site                 string
	phone                uint64   // phoneKey; 0 when none
	document             string   // documentKey; "" when none
	context              []uint32 // sorted hashes of the other members' name skeletons
}

// newProfile prepares p, taking name fields from cache (which may be nil).
func newProfile(p Person, cache *fieldCache) *profile {
	pr := &profile{
		id:        p.ID,
		household: p.Household,
		given:     cache.field(p.GivenName),
		family:    cache.field(p.FamilyName),
		other:     cache.field(p.OtherNames),
		birth:     parseBirthDate(strings.TrimSpace(p.BirthDate), p.BirthDateEstimated),
		site:      strings.ToLower(strings.TrimSpace(p.Site)),
		phone:     phoneKey(p.Phone),
		document:  documentKey(p.DocumentNumber),
	}
	switch strings.ToLower(strings.TrimSpace(p.Sex)) {
	case "female", "f":
		pr.sex = 'f'
	case "male", "m":
		pr.sex = 'm'
	}
	for _, name := range p.HouseholdNames {
	tokens:
		for _, t := range cache.field(name).tokens {
			if len(t.skeleton) < 2 {
				continue
			}
			for _, own := range pr.family.tokens {
				if own.skeleton == t.skeleton {
					continue tokens // the family name all members share
				}
			}
			pr.context = append(pr.context, skeletonHash(t.skeleton))
		}
	}
	slices.Sort(pr.context)
	pr.context = slices.Compact(pr.context)
	return pr
}

// phoneKey keeps the last nine digits: enough to tell numbers apart, and
// blind to whether the country code or a leading zero was typed. Numbers
// under seven digits are not numbers (0).
func phoneKey(s string) uint64 {
	var key uint64
	digits := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			key = (key*10 + uint64(s[i]-'0')) % 1_000_000_000
			digits++
		}
	}
	if digits < 7 {
		return 0
	}
	return key + 1 // never 0, even for 000000000
}

// documentKey keeps the letters and digits of a document number, upper
// case: "AB 123-456" and "ab123456" are one number. Under four characters it
// is no number.
func documentKey(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			b = append(b, c-'a'+'A')
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b = append(b, c)
		}
	}
	if len(b) < 4 {
		return ""
	}
	return string(b)
}

// skeletonHash is FNV-1a, enough to tell a household's names apart.
func skeletonHash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

// compareProfiles judges a pair. Reasons are filled in for pairs at Possible
// or above, and for all when keep is set. counts, when not nil, weighs names
// by how common they are.
func compareProfiles(a, b *profile, cfg Config, memo *simMemo, counts *nameCounts, keep bool) Match {
	m := Match{A: a.id, B: b.id}
	if a.household == b.household && a.household != uuid.Nil && !doubleEntry(a, b) {
		m.Score = sameHouseholdScore
		m.Reasons = []Reason{{"same_household", "members of one household", sameHouseholdScore}}
		return m
	}
	var buf [16]Reason // on the stack: most pairs an index compares are dropped
	reasons, names := compareNames(a, b, buf[:0], memo, counts)
	reasons = compareBirth(a.birth, b.birth, reasons)
	reasons = compareSex(a.sex, b.sex, reasons)
	sameDocument := a.document != "" && a.document == b.document
	switch {
	case sameDocument:
		reasons = append(reasons, Reason{"document_same", "same document number", weightDocumentSame})
	case a.document != "" && b.document != "":
		reasons = append(reasons, Reason{"document_different", "different document numbers", weightDocumentDiffer})
	}
	givenSim := names.givenSim
	// When the given name is all that tells two people apart, it must be
	// the same name, not a name alike: twins (one family, one birth date)
	// and a brother and sister (Ali and Alia) are named that way. A shared
	// document number says otherwise.
	if !sameDocument && !names.swapped && givenSim >= simClose && givenSim < 1 {
		otherSex := a.sex != 0 && b.sex != 0 && a.sex != b.sex
		twins := names.familySim >= simClose && sameDate(a.birth, b.birth)
		if (otherSex || twins) && !sameGivenName(a.given, b.given, otherSex) {
			r := Reason{"twins", "same family and birth date, another given name: twins?", weightGivenDiffer}
			if otherSex {
				r = Reason{"given_name_other_name", "another given name, and the other sex", weightGivenDiffer}
			}
			reasons = overrideGiven(reasons, r)
			givenSim = 0
		}
	}
	// Site, phone and household members say "same family", not "same
	// person": when the given names disagree they point to a sibling or a
	// twin, so they do not count.
	if givenSim < 0 || givenSim >= simClose {
		reasons = compareContext(a, b, reasons)
	}
	for _, r := range reasons {
		m.Score += r.Weight
	}
	m.Level = cfg.level(m.Score)
	if keep || m.Level >= Possible {
		m.Reasons = slices.Clone(reasons)
	}
	return m
}

// doubleEntry reports two members of one household who can only be one
// person entered twice: the same given name (one name of the name table, or
// one spelling once folded — not merely a name alike, which twins have),
// the same sex and the same birth date, neither estimated. Any two other
// members are different people, whatever their names: siblings, twins
// (distinct given names), a father and his namesake son (other birth
// dates). Such a pair is scored like any other, so the supervisor sees it.
func doubleEntry(a, b *profile) bool {
	return a.sex != 0 && a.sex == b.sex && sameDate(a.birth, b.birth) &&
		len(a.given.tokens) > 0 && len(b.given.tokens) > 0 && oneNameExactly(a.given, b.given)
}

// sameDate reports two birth dates given as the same day, neither estimated.
func sameDate(a, b birthDate) bool {
	return a.known() && !a.estimated && !b.estimated && a == b
}

// overrideGiven replaces the given name's reasons (its band, its frequency,
// or its share of "same name") with r.
func overrideGiven(reasons []Reason, r Reason) []Reason {
	out := reasons[:0]
	for _, x := range reasons {
		switch x.Code {
		case "given_name_exact", "given_name_similar", "given_name_close", "given_name_common", "given_name_rare":
			continue
		case "name_exact":
			x = nameReasons[familyField][0]
			x.Weight = weightFamilyExact
		}
		out = append(out, x)
	}
	return append(out, r)
}

func compareSex(a, b byte, out []Reason) []Reason {
	switch {
	case a == 0 || b == 0:
		return out
	case a == b:
		return append(out, Reason{"sex_same", "same sex", weightSexSame})
	}
	return append(out, Reason{"sex_different", "different sex", weightSexDifferent})
}

func compareContext(a, b *profile, out []Reason) []Reason {
	if a.site != "" && a.site == b.site {
		out = append(out, Reason{"site_same", "same site " + a.site, weightSiteSame})
	}
	if a.phone != 0 && a.phone == b.phone {
		out = append(out, Reason{"phone_same", "same phone", weightPhoneSame})
	}
	if len(a.context) == 0 || len(b.context) == 0 {
		return out
	}
	// Names are few within a tradition, so two unrelated families share
	// some by chance; what counts is sharing most of them.
	shared := countShared(a.context, b.context)
	smaller := min(len(a.context), len(b.context))
	text := strconv.Itoa(shared) + " household member names in common"
	switch {
	case shared == 0:
		return append(out, Reason{"household_none_shared", "no household member names in common", weightHouseholdNone})
	case shared >= 2 && 4*shared >= 3*smaller:
		return append(out, Reason{"household_most_shared", text, weightHouseholdMost})
	case shared >= 2 && 2*shared >= smaller:
		return append(out, Reason{"household_half_shared", text, weightHouseholdHalf})
	}
	return append(out, Reason{"household_some_shared", text, weightHouseholdSome})
}

// countShared counts the values two sorted, duplicate-free lists share.
func countShared(a, b []uint32) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			n++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return n
}

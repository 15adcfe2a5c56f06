package corpus

import (
	"strings"
	"sync"
)

// entry is one name with its spellings; script is its form in the
// tradition's other script, "" when it has none.
type entry struct {
	variants []string
	script   string
}

func parseEntries(list []string) []entry {
	out := make([]entry, len(list))
	for i, s := range list {
		latin, script, _ := strings.Cut(s, "=")
		out[i] = entry{variants: strings.Split(latin, "|"), script: script}
	}
	return out
}

// familyStyle says where a child's family name comes from.
type familyStyle int

const (
	inherited    familyStyle = iota // the father's family name, from the family list
	patronymic                      // the father's given name (Somali, Hausa)
	doubleFamily                    // the father's first and the mother's first family name (Spanish)
	personal                        // a name of one's own by sex (Rohingya)
)

// site is a place households register at, with its admin areas.
type site struct{ name, admin1, admin2, phonePrefix string }

type tradition struct {
	name                 string
	male, female, family []entry
	femaleFamily         []entry // for personal names by sex
	style                familyStyle
	grandfather          bool    // other_names holds the father's given name
	scriptShare          float64 // share of households written in the other script
	juniorShare          float64 // share of first sons named after their father
	sites                []site
	lat, lon             float64
}

var (
	traditionsOnce sync.Once
	traditionsList []tradition
)

// traditions returns the naming traditions, parsed once.
func traditions() []tradition {
	traditionsOnce.Do(func() {
		traditionsList = []tradition{
			{name: "arabic", male: parseEntries(arabicMale), female: parseEntries(arabicFemale),
				family: parseEntries(arabicFamily), style: inherited, grandfather: true, scriptShare: 0.25,
				sites: []site{{"zaatari-3", "Mafraq", "Zaatari", "+9627"}, {"azraq-v5", "Zarqa", "Azraq", "+9627"},
					{"bekaa-12", "Bekaa", "Zahle", "+9613"}, {"domiz-1", "Duhok", "Sumel", "+9647"}},
				lat: 32.3, lon: 36.3},
			{name: "somali", male: parseEntries(somaliMale), female: parseEntries(somaliFemale),
				style: patronymic, grandfather: true,
				sites: []site{{"dadaab-ifo", "Garissa", "Dadaab", "+2547"}, {"dadaab-hagadera", "Garissa", "Dadaab", "+2547"},
					{"dollo-ado-4", "Somali", "Liben", "+2519"}, {"baidoa-idp", "Bay", "Baidoa", "+2526"}},
				lat: 0.05, lon: 40.3},
			{name: "hausa", male: parseEntries(hausaMale), female: parseEntries(hausaFemale), style: patronymic,
				sites: []site{{"minawao", "Far North", "Mokolo", "+2376"}, {"bakassi-camp", "Borno", "Maiduguri", "+2348"},
					{"diffa-sayam", "Diffa", "Diffa", "+2279"}},
				lat: 11.8, lon: 13.1},
			{name: "swahili", male: parseEntries(swahiliMale), female: parseEntries(swahiliFemale),
				family: parseEntries(swahiliFamily), style: inherited, juniorShare: 0.05,
				sites: []site{{"nyarugusu", "Kigoma", "Kasulu", "+2557"}, {"kakuma-1", "Turkana", "Kakuma", "+2547"},
					{"nakivale-base", "Isingiro", "Nakivale", "+2567"}},
				lat: -4.6, lon: 30.4},
			{name: "pashto", male: parseEntries(pashtoMale), female: parseEntries(pashtoFemale),
				family: parseEntries(pashtoFamily), style: inherited, grandfather: true, scriptShare: 0.2,
				sites: []site{{"torkham-transit", "Nangarhar", "Momand Dara", "+937"}, {"kabul-idp-7", "Kabul", "Kabul", "+937"},
					{"peshawar-kc", "Khyber Pakhtunkhwa", "Peshawar", "+923"}},
				lat: 34.1, lon: 71.1},
			{name: "rohingya", male: parseEntries(rohingyaMale), female: parseEntries(rohingyaFemale),
				family: parseEntries(rohingyaMaleFamily), femaleFamily: parseEntries(rohingyaFemaleFamily), style: personal,
				sites: []site{{"kutupalong-2e", "Chittagong", "Ukhia", "+8801"}, {"balukhali-9", "Chittagong", "Ukhia", "+8801"},
					{"nayapara-r", "Chittagong", "Teknaf", "+8801"}},
				lat: 21.2, lon: 92.1},
			{name: "ukrainian", male: parseEntries(ukrainianMale), female: parseEntries(ukrainianFemale),
				family: parseEntries(ukrainianFamily), style: inherited, scriptShare: 0.2, juniorShare: 0.08,
				sites: []site{{"przemysl-hub", "Podkarpackie", "Przemysl", "+4850"}, {"lviv-cc-3", "Lviv", "Lviv", "+3806"},
					{"chisinau-moldexpo", "Chisinau", "Chisinau", "+3736"}},
				lat: 49.8, lon: 24.0},
			{name: "spanish", male: parseEntries(spanishMale), female: parseEntries(spanishFemale),
				family: parseEntries(spanishFamily), style: doubleFamily, juniorShare: 0.12,
				sites: []site{{"cucuta-cas", "Norte de Santander", "Cucuta", "+573"}, {"maicao-cai", "La Guajira", "Maicao", "+573"},
					{"tapachula-1", "Chiapas", "Tapachula", "+529"}},
				lat: 7.9, lon: -72.5},
			{name: "french", male: parseEntries(frenchMale), female: parseEntries(frenchFemale),
				family: parseEntries(frenchFamily), style: inherited, juniorShare: 0.1,
				sites: []site{{"goma-bulengo", "Nord-Kivu", "Goma", "+2439"}, {"bangui-m-poko", "Bangui", "Bangui", "+2367"},
					{"kalemie-katanika", "Tanganyika", "Kalemie", "+2438"}},
				lat: -1.6, lon: 29.2},
		}
	})
	return traditionsList
}

// NameSpellings returns every name of every tradition as its spellings, the
// other script's form last when it has one: what a matcher's own table of
// names must agree with.
func NameSpellings() [][]string {
	var out [][]string
	for _, t := range traditions() {
		for _, list := range [][]entry{t.male, t.female, t.family, t.femaleFamily} {
			for _, e := range list {
				spellings := append([]string(nil), e.variants...)
				if e.script != "" {
					spellings = append(spellings, e.script)
				}
				out = append(out, spellings)
			}
		}
	}
	return out
}

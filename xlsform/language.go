package xlsform

import (
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/text/language"
)

// languageNames are the language names forms write in column headers
// ("label::English", "label::Français") without a code. A header with a code
// in brackets ("label::English (en)") or a bare code ("label::en") needs no
// entry here.
var languageNames = map[string]string{
	"english": "en", "french": "fr", "français": "fr", "francais": "fr",
	"spanish": "es", "español": "es", "espanol": "es",
	"arabic": "ar", "العربية": "ar", "عربي": "ar",
	"portuguese": "pt", "português": "pt", "portugues": "pt",
	"russian": "ru", "русский": "ru", "ukrainian": "uk", "українська": "uk",
	"swahili": "sw", "kiswahili": "sw", "somali": "so", "af-soomaali": "so",
	"amharic": "am", "tigrinya": "ti", "oromo": "om", "hausa": "ha", "kanuri": "kr",
	"fulfulde": "ff", "lingala": "ln", "sango": "sg", "kinyarwanda": "rw", "kirundi": "rn",
	"dari": "prs", "pashto": "ps", "persian": "fa", "farsi": "fa", "urdu": "ur",
	"bengali": "bn", "bangla": "bn", "burmese": "my", "rohingya": "rhg",
	"turkish": "tr", "kurdish": "ku", "kurmanji": "kmr", "sorani": "ckb",
	"hindi": "hi", "nepali": "ne", "tigre": "tig", "nuer": "nus", "dinka": "din",
	"chinese": "zh", "german": "de", "italian": "it", "indonesian": "id",
}

// bracketedCode finds "(en)" or "(pt-BR)" at the end of a language header.
var bracketedCode = regexp.MustCompile(`\(\s*([A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*)\s*\)\s*$`)

// languageCode turns what a header says after "label::" into the code the
// forms' Labels are keyed by: the base language of a BCP 47 tag ("pt-BR" is
// "pt"), so that it matches the app's language setting.
func languageCode(s string) (string, error) {
	s = strings.TrimSpace(s)
	if m := bracketedCode.FindStringSubmatch(s); m != nil {
		return parseCode(m[1])
	}
	if code, ok := languageNames[strings.ToLower(s)]; ok {
		return code, nil
	}
	if code, err := parseCode(s); err == nil {
		return code, nil
	}
	return "", fmt.Errorf("unknown language %q: write its code in brackets, as in \"label::%s (xx)\"", s, s)
}

func parseCode(s string) (string, error) {
	tag, err := language.Parse(strings.ReplaceAll(s, "_", "-"))
	if err != nil {
		return "", fmt.Errorf("language code %q: %w", s, err)
	}
	base, conf := tag.Base()
	if conf != language.Exact {
		return "", fmt.Errorf("language code %q: not a known language", s)
	}
	return base.String(), nil
}

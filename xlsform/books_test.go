package xlsform

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// The workbooks under testdata, each written for one set of features and
// the quirks real forms have. TestGenerate writes them; the tests read the
// committed files, as an admin's import would.
var books = map[string]book{
	// Label column spellings, missing translations, default_language.
	"languages.xlsx": {
		{"survey", sheet{
			{"type", "name", "label::English (en)", "label :: Arabic (ar)", "LABEL:French", "label::es", "Label::Kiswahili", "hint::English (en)", "hint::ar"},
			{"text", "full_name", "Full name", "الاسم الكامل", "Nom complet", "Nombre completo", "Jina kamili", "As on the card", "كما في البطاقة"},
			{"integer", "age", "Age", "العمر", "", "Edad", "", "In years", ""},
			{"select_one yes_no", "displaced", "Displaced?", "نازح؟", "Déplacé ?", "", "", "", ""},
		}},
		{"choices", sheet{
			{"list_name", "name", "label::English (en)", "label :: Arabic (ar)", "label:French"},
			{"yes_no", "yes", "Yes", "نعم", "Oui"},
			{"yes_no", "no", "No", "لا", ""},
		}},
		settings("languages_test", "1", "form_title", "Languages", "default_language", "English (en)"),
	},
	// A form written in French with a bare label column: default_language says what it is.
	"bare_labels.xlsx": {
		{"Survey", sheet{
			{"Type", "Name", "Label", "label::Arabic (ar)", "Hint"},
			{"text", "nom", "Nom", "الاسم", "Tel qu'écrit"},
			{"date", "arrivee", "Date d'arrivée", "", ""},
		}},
		{"Settings", sheet{{"form_id", "version", "default_language"}, {"arrivals", "2026-12", "fr"}}},
	},
	// required spellings, trailing spaces in names, a list shared by questions.
	"required.xlsx": {
		{"survey", sheet{
			{"type", "name", "label", "required", "required_message"},
			{"select_one yes_no ", "has_water ", "Water?", "yes", "Say whether"},
			{"select_one yes_no", "has_food", "Food?", "TRUE()", ""},
			{"select_one  yes_no", "has_shelter", "Shelter?", "true()", ""},
			{"integer", "rooms", "Rooms", 1, ""},
			{"text", "remarks", "Remarks", "no", ""},
			{"text", "village", "Village", "y", ""},
			{"decimal", "litres", "Litres", "FALSE()", ""},
			{"acknowledge", "understood", "I understood", true, ""},
		}},
		{"choices", sheet{
			{"list_name", "name", "label"},
			{"yes_no ", "yes ", "Yes"},
			{"yes_no", "no", "No"},
		}},
		settings("required_test", "3"),
	},
	// Groups: sections and their titles, nested groups, a group's relevant on every question in it.
	"groups.xlsx": {
		{"survey", sheet{
			{"type", "name", "label", "relevant", "appearance"},
			{"integer", "children", "Children", "", ""},
			{"begin group", "school", "Schooling", "${children} > 0", "field-list"},
			{"integer", "in_school", "Children in school", "", "numbers"},
			{"begin_group", "reasons", "Reasons", "${in_school} < ${children}", ""},
			{"text", "reason", "Why not in school?", "", "multiline"},
			{"end_group", "", "", "", ""},
			{"end group", "", "", "", ""},
			{"text", "other", "Anything else", "", ""},
		}},
		settings("groups_test", "1"),
	},
	// calculate and note.
	"calculate.xlsx": {
		{"survey", sheet{
			{"type", "name", "label", "calculation", "hint"},
			{"note", "intro", "Ask the head of household.", "", "Read aloud"},
			{"integer", "adults", "Adults", "", ""},
			{"integer", "children", "Children", "", ""},
			{"calculate", "household_size", "", "${adults} + ${children}", ""},
			{"note", "size_note", "This household has ${household_size} people.", "", ""},
			{"calculate", "is_large", "Large household", "if(${household_size} > 6, 'yes', 'no')", ""},
		}},
		settings("calculate_test", "1"),
	},
	// Constraints with messages in two languages.
	"constraints.xlsx": {
		{"survey", sheet{
			{"type", "name", "label", "constraint", "constraint_message::English (en)", "constraint_message::Arabic (ar)", "jr:constraintMsg::French"},
			{"integer", "age", "Age", ". >= 0 and . <= 120", "Between 0 and 120", "بين 0 و 120", "Entre 0 et 120"},
			{"text", "phone", "Phone", "regex(., '^[0-9+ ]{7,15}$')", "Digits only", "", ""},
			{"integer", "children", "Children", ". < ${age}", "Fewer children than years", "", ""},
		}},
		settings("constraints_test", "1"),
	},
	// hxl, appearances, defaults, read_only, parameters that change nothing stored.
	"hxl.xlsx": {
		{"survey", sheet{
			{"type", "name", "label", "hxl", "appearance", "default", "read_only", "parameters"},
			{"integer", "affected_f", "Women affected", "#affected +f", "numbers", "", "", ""},
			{"integer", "affected_m", "Men affected", "#affected+m", "w2 thousands-sep", "0", "", ""},
			{"select_one sector", "sector", "Sector", "#sector", "minimal", "wash", "", "randomize=false"},
			{"geopoint", "location", "Location", "#geo+coord", "", "", "", "capture-accuracy=10"},
			{"text", "team", "Team", "#org", "", "alpha", "yes", ""},
		}},
		{"choices", sheet{
			{"list_name", "name", "label"},
			{"sector", "wash", "WASH"},
			{"sector", "shelter", "Shelter"},
		}},
		settings("hxl_test", "1"),
	},
	// A registration extension: its own sites (p-codes, admin areas),
	// cascading admin1 → admin2 → site, questions added to the household
	// and to each member.
	"registration.xlsx": registrationBook(),
	// A needs assessment with a repeat per child: wholly new forms.
	"assessment.xlsx": assessmentBook(),
	// What KoboToolbox exports: its $kuid columns, metadata questions,
	// style and instance_name settings, the hxl column.
	"kobo.xlsx": {
		{"survey", sheet{
			{"type", "name", "label::English (en)", "label::Somali (so)", "required", "hxl", "$kuid", "$autoname"},
			{"start", "start", "", "", "", "", "k1", "start"},
			{"end", "end", "", "", "", "", "k2", "end"},
			{"today", "today", "", "", "", "", "k3", "today"},
			{"select_one district", "district", "District", "Degmada", "true", "#adm2+code", "k4", "district"},
			{"integer", "hh_count", "Households", "Qoysaska", "false", "#population+hh", "k5", "hh_count"},
		}},
		{"choices", sheet{
			{"list_name", "name", "label::English (en)", "label::Somali (so)", "$kuid"},
			{"district", "banadir", "Banadir", "Banaadir", "c1"},
			{"district", "baidoa", "Baidoa", "Baydhabo", "c2"},
		}},
		settings("kobo_test", "vGz3xa7", "form_title", "Site survey", "style", "pages", "instance_name", "concat(${district}, '-', ${hh_count})"),
	},
}

func registrationBook() book {
	return book{
		{"survey", sheet{
			{"type", "name", "label::English (en)", "label::Arabic (ar)", "required", "relevant", "choice_filter", "constraint", "constraint_message::English (en)", "hxl", "appearance"},
			{"select_one admin1", "admin1", "Governorate", "المحافظة", "yes", "", "", "", "", "#adm1+code", "minimal"},
			{"select_one admin2", "admin2", "District", "المنطقة", "yes", "", "admin1=${admin1}", "", "", "#adm2+code", "minimal"},
			{"select_one site", "site", "Site", "الموقع", "yes", "", "admin2=${admin2}", "", "", "#loc+code", "minimal"},
			{"begin group", "wash", "Water and sanitation", "المياه والصرف الصحي", "", "", "", "", "", "", ""},
			{"select_one yes_no", "water_access", "Access to safe water?", "هل تصل إلى مياه آمنة؟", "yes", "", "", "", "", "", ""},
			{"integer", "water_minutes", "Minutes to the water point", "دقائق إلى نقطة المياه", "", "${water_access} = 'yes'", "", ". >= 0 and . < 600", "Under 10 hours", "", "numbers"},
			{"end group", "", "", "", "", "", "", "", "", "", ""},
			{"begin repeat", "members", "Members", "الأفراد", "", "", "", "", "", "", ""},
			{"select_one yes_no", "pregnant", "Pregnant?", "حامل؟", "", "${sex} = 'female'", "", "", "", "", ""},
			{"select_multiple vulnerability", "specific_needs", "Specific needs", "الاحتياجات الخاصة", "", "", "", "", "", "#indicator+needs", ""},
			{"end repeat", "", "", "", "", "", "", "", "", "", ""},
		}},
		{"choices", sheet{
			{"list_name", "name", "label::English (en)", "label::Arabic (ar)", "admin1", "admin2", "pcode"},
			{"admin1", "SY01", "Damascus", "دمشق", "", "", "SY01"},
			{"admin1", "SY02", "Aleppo", "حلب", "", "", "SY02"},
			{"admin2", "SY0100", "Damascus city", "مدينة دمشق", "SY01", "", "SY0100"},
			{"admin2", "SY0200", "Jebel Saman", "جبل سمعان", "SY02", "", "SY0200"},
			{"admin2", "SY0201", "Al Bab", "الباب", "SY02", "", "SY0201"},
			{"site", "cp_001", "Al Wafideen camp", "مخيم الوافدين", "SY01", "SY0100", "CP001"},
			{"site", "cp_002", "Hanano collective centre", "مركز هنانو", "SY02", "SY0200", "CP002"},
			{"site", "cp_003", "Al Bab informal site", "موقع الباب", "SY02", "SY0201", "CP003"},
			{"yes_no", "yes", "Yes", "نعم", "", "", ""},
			{"yes_no", "no", "No", "لا", "", "", ""},
			{"vulnerability", "disability", "Disability", "إعاقة", "", "", ""},
			{"vulnerability", "chronic_illness", "Chronic illness", "مرض مزمن", "", "", ""},
			{"vulnerability", "unaccompanied_child", "Unaccompanied child", "طفل غير مصحوب", "", "", ""},
		}},
		settings("household", "2026120101", "form_title", "Registration, North-west Syria", "default_language", "en"),
	}
}

func assessmentBook() book {
	return book{
		{"survey", sheet{
			{"type", "name", "label::English (en)", "label::French (fr)", "hint::English (en)", "required", "relevant", "constraint", "constraint_message::English (en)", "calculation", "hxl"},
			{"date", "visit_date", "Date of visit", "Date de visite", "", "yes", "", ". <= today()", "Not in the future", "", "#date"},
			{"note", "consent_note", "Explain the assessment before you start.", "Expliquez l'évaluation.", "", "", "", "", "", "", ""},
			{"begin group", "food", "Food", "Alimentation", "", "", "", "", "", "", ""},
			{"integer", "meals", "Meals yesterday", "Repas hier", "Count every meal", "yes", "", ". >= 0 and . <= 10", "0 to 10", "", "#indicator+meals"},
			{"select_multiple coping", "coping", "Coping strategies", "Stratégies d'adaptation", "", "", "${meals} < 3", "", "", "", ""},
			{"calculate", "coping_count", "", "", "", "", "", "", "", "count-selected(${coping})", "#indicator+coping_count"},
			{"end group", "", "", "", "", "", "", "", "", "", ""},
			{"integer", "children", "Children under 5", "Enfants de moins de 5 ans", "", "yes", "", "", "", "", "#affected+children"},
			{"begin repeat", "child", "Child", "Enfant", "", "", "", "", "", "", ""},
			{"text", "child_name", "Name", "Nom", "", "yes", "", "string-length(.) <= 60", "60 characters at most", "", ""},
			{"decimal", "muac", "MUAC (cm)", "PB (cm)", "", "", "", ". >= 5 and . <= 30", "Between 5 and 30 cm", "", "#indicator+muac"},
			{"end repeat", "", "", "", "", "", "", "", "", "", ""},
		}},
		{"choices", sheet{
			{"list_name", "name", "label::English (en)", "label::French (fr)"},
			{"coping", "borrow", "Borrowed food", "Emprunté de la nourriture"},
			{"coping", "fewer_meals", "Fewer meals", "Moins de repas"},
			{"coping", "sold_assets", "Sold assets", "Vendu des biens"},
		}},
		settings("needs_assessment", "2026.12.1", "form_title", "Rapid needs assessment"),
	}
}

// TestGenerate writes the workbooks under testdata and the examples under
// docs/examples: XLSFORM_GENERATE=1 go test -run TestGenerate ./xlsform.
func TestGenerate(t *testing.T) {
	if os.Getenv("XLSFORM_GENERATE") == "" {
		t.Skip("XLSFORM_GENERATE not set")
	}
	for name, b := range books {
		write(t, filepath.Join("testdata", name), b.xlsx(t))
	}
	write(t, filepath.Join("..", "docs", "examples", "registration.xlsx"), registrationBook().xlsx(t))
	write(t, filepath.Join("..", "docs", "examples", "assessment.xlsx"), assessmentBook().xlsx(t))
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	fmt.Println("wrote", path)
}

// The committed workbooks (and the examples under docs/examples) are what
// the definitions above write: a definition changed without regenerating
// would leave the tests reading something else.
func TestCommittedWorkbooksAreUpToDate(t *testing.T) {
	files := map[string]book{
		filepath.Join("..", "docs", "examples", "registration.xlsx"): registrationBook(),
		filepath.Join("..", "docs", "examples", "assessment.xlsx"):   assessmentBook(),
	}
	for name, b := range books {
		files[filepath.Join("testdata", name)] = b
	}
	for path, b := range files {
		committed, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (XLSFORM_GENERATE=1 go test -run TestGenerate ./xlsform)", err)
		}
		got, want := formsJSON(t, committed), formsJSON(t, b.xlsx(t))
		if got != want {
			t.Errorf("%s differs from its definition: regenerate with XLSFORM_GENERATE=1 go test -run TestGenerate ./xlsform", path)
		}
	}
}

func formsJSON(t *testing.T, data []byte) string {
	t.Helper()
	out, err := json.Marshal(read(t, data))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

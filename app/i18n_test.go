package app

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"fieldreg/assets/i18n"
)

// Every interface string exists in every language, with the same
// placeholders, so no screen shows a key or a broken "%!d(MISSING)".
func TestTranslationsComplete(t *testing.T) {
	en, err := i18n.Load("en")
	if err != nil {
		t.Fatal(err)
	}
	verbs := regexp.MustCompile(`%[a-z]`)
	for _, lang := range []string{"fr", "es", "ar"} {
		msgs, err := i18n.Load(lang)
		if err != nil {
			t.Fatal(err)
		}
		for key, want := range en {
			got, ok := msgs[key]
			if !ok || got == "" {
				t.Errorf("%s: %q missing", lang, key)
				continue
			}
			if a, b := verbs.FindAllString(want, -1), verbs.FindAllString(got, -1); strings.Join(a, "") != strings.Join(b, "") {
				t.Errorf("%s: %q has placeholders %v, English has %v", lang, key, b, a)
			}
		}
		for key := range msgs {
			if _, ok := en[key]; !ok {
				t.Errorf("%s: %q is not an English key", lang, key)
			}
		}
	}
}

// Every key the code asks for is in the English file.
func TestTranslationKeysUsedExist(t *testing.T) {
	en, err := i18n.Load("en")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("*.go")
	used := regexp.MustCompile(`tr\.T\("([a-z_]+\.[a-z_.]+|yes|no)"`)
	var missing []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(src), -1) {
			if _, ok := en[m[1]]; !ok {
				missing = append(missing, f+": "+m[1])
			}
		}
	}
	// Keys built at run time.
	for _, k := range append(stepKeys[:], "passphrase.weak", "passphrase.fair", "passphrase.strong", "settings.wipe_failed",
		PhaseIdle.key(), PhaseConnecting.key(), PhaseSending.key(), PhaseReceiving.key(), PhaseDone.key(), PhaseFailed.key(), PhaseWaiting.key(),
		"role.enumerator", "role.supervisor", "role.admin", "find.any_site", "find.any_status") {
		if _, ok := en[k]; !ok {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("no English string for %s", m)
	}
}

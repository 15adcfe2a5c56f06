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

// Every key the code asks for is in the English file.
func TestTranslationKeysUsedExist(t *testing.T) {
	cat := i18n.Builtin()
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
			if !cat.Has(m[1]) {
				missing = append(missing, f+": "+m[1])
			}
		}
	}
	// Keys built at run time.
	for _, k := range append(stepKeys[:], "passphrase.weak", "passphrase.fair", "passphrase.strong", "settings.wipe_failed",
		PhaseIdle.key(), PhaseConnecting.key(), PhaseSending.key(), PhaseReceiving.key(), PhaseDone.key(), PhaseFailed.key(), PhaseWaiting.key(),
		"role.enumerator", "role.supervisor", "role.admin", "find.any_site", "find.any_status",
		"settings.theme_system", "settings.theme_light", "settings.theme_dark", "settings.theme_sun") {
		if !cat.Has(k) {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("no English string for %s", m)
	}
}

package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// exampleHousehold is a household for docs/examples/registration.xlsx at
// site, in the districts given, with the water question answered.
func exampleHousehold(site, admin1, admin2, waterMinutes string) string {
	minutes := ""
	if waterMinutes != "" {
		minutes = `, "water_minutes": ` + waterMinutes
	}
	return `[{"fields": {"site": "` + site + `", "admin1": "` + admin1 + `", "admin2": "` + admin2 + `",
  "consent": true, "consent_by": "Rania", "status": "active", "water_access": "yes"` + minutes + `},
  "members": [{"fields": {"relationship": "head", "given_name": "Rania", "family_name": "Haddad", "sex": "female", "birth_date": "1988-04-02"}}]}]`
}

// An operation's XLSForm, imported on a device without HQ, is what the
// device registers with from then on: its sites, its cascade, its skip
// logic and constraints, with the form's own messages.
func TestXLSFormImportedOnTheDevice(t *testing.T) {
	w := newWorkspace(t)
	form := filepath.Join("..", "..", "docs", "examples", "registration.xlsx")
	al := writeFile(t, "al-bab.json", exampleHousehold("cp_003", "SY02", "SY0201", "15"))
	w.fails(exitFailure, []string{"water_access", "no such field"}, "register", "--file", al) // questions only the operation's form has

	out := w.ok("form", "import", form)
	if !strings.Contains(out, "household@2026120101") {
		t.Fatalf("form import said %q", out)
	}
	tooFar := writeFile(t, "far.json", exampleHousehold("cp_003", "SY02", "SY0201", "900"))
	w.fails(exitFailure, []string{"water_minutes"}, "register", "--file", tooFar) // its constraint
	wrongDistrict := writeFile(t, "wrong.json", exampleHousehold("cp_001", "SY02", "SY0201", "15"))
	w.fails(exitFailure, []string{"site"}, "register", "--file", wrongDistrict) // a site outside the chosen district
	w.ok("register", "--file", al)
	if list := w.ok("list"); !strings.Contains(list, "cp_003") {
		t.Errorf("the household registered under the imported form is not listed:\n%s", list)
	}
}

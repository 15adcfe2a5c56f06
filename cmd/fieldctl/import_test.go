package main

import (
	"strings"
	"testing"
)

// TestImportForeignLayout imports another agency's list, in French with its
// own columns, through a mapping: bad rows are reported by line and field,
// good households are imported.
func TestImportForeignLayout(t *testing.T) {
	w := newWorkspace(t)
	list := strings.Join([]string{
		"Nom;Prénom;Sexe;Age;Ménage;Lien;Site;Consentement;Remarques",
		"Ouedraogo;Aminata;female;38;M-001;head;camp_north;oui;",
		"Ouedraogo;Issa;male;9;M-001;child;camp_north;oui;vu le 3 mars",
		"Sawadogo;Rasmata;female;quarante;M-002;head;camp_north;oui;",
		"Kaboré;Paul;robot;40;M-003;head;camp_south;oui;",
		"Traoré;Awa;female;25;M-004;head;camp_south;oui;",
		"Traoré;;female;3;M-004;child;camp_south;oui;",
		"Traoré;Moussa;male;1;M-004;child;camp_south;oui;",
		"",
		"Ouedraogo;Mariam;female;2;M-001;child;camp_north;oui;rejoint plus tard",
	}, "\n") + "\n"
	mapping := `{"Nom": "family_name", "Prénom": "given_name", "Sexe": "sex", "Age": "age", "Ménage": "household_id",
		"Lien": "relationship", "Site": "site", "Consentement": "consent", "Remarques": "-"}`
	res := w.run("import", "--csv", writeFile(t, "liste.csv", list), "--mapping", writeFile(t, "mapping.json", mapping))
	if res.code != exitFailure {
		t.Fatalf("import with bad rows: exit %d, want 1\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	for _, want := range []string{"line 4: age", "line 5: sex", "line 7: given_name"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	}
	for _, value := range []string{"quarante", "robot"} {
		if strings.Contains(res.stderr, value) {
			t.Errorf("stderr quotes the refused value %q:\n%s", value, res.stderr)
		}
	}
	// M-001 is whole, its late row included; M-004 lost only its bad row.
	if !strings.Contains(res.stdout, "imported 5 persons in 2 households; 3 rows refused") {
		t.Errorf("summary: %q", res.stdout)
	}
	households := lines(w.ok("list", "--kind", "household", "--names"))
	if len(households) != 2 || !strings.Contains(households[0], "3 members") || !strings.Contains(households[0], "Aminata Ouedraogo") {
		t.Errorf("households:\n%s", strings.Join(households, "\n"))
	}
	if hits := lines(w.ok("search", "Aminata Ouedraogo")); len(hits) == 0 {
		t.Error("an imported person is not found by name")
	}
	if n := w.count("person"); n != 5 {
		t.Errorf("%d persons stored, want 5", n)
	}
}

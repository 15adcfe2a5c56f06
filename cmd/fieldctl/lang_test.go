package main

import (
	"strings"
	"testing"
)

// fieldctl speaks the user's language, from LC_ALL, LC_MESSAGES, LANG and
// LANGUAGE, for what the catalogue holds: rule messages and sync
// explanations. Its own lines stay English, and without a locale so does
// everything.
func TestSpeaksTheUsersLanguage(t *testing.T) {
	w := newWorkspace(t)
	aminata := parseRegistered(t, w.ok("register", "--file", "testdata/households.json"))["person"][0]
	choices := "(female, male, other, unknown)"

	english := w.fails(1, []string{"sex: not one of the choices " + choices}, "edit", aminata, "sex=bogus")
	french := w.withEnv("LANG", "fr_FR.UTF-8").fails(1, []string{"sex: ne fait pas partie des choix " + choices}, "edit", aminata, "sex=bogus")
	if want := strings.Replace(english.stderr, "not one of the choices", "ne fait pas partie des choix", 1); french.stderr != want {
		t.Errorf("in French, more than the rule message changed:\n%s\nwant\n%s", french.stderr, want)
	}
	if strings.Contains(english.stderr, "ne fait pas") {
		t.Error("French without a locale")
	}
	w.withEnv("LANG", "fr_FR.UTF-8").withEnv("LC_ALL", "C").fails(1, []string{"not one of the choices"}, "edit", aminata, "sex=bogus")
	w.withEnv("LC_MESSAGES", "ar_EG.UTF-8").fails(1, []string{"birth_date: التاريخ في المستقبل"}, "edit", aminata, "birth_date=2999-01-01")
	w.withEnv("LANG", "es_ES.UTF-8").fails(1, []string{"relationship: un hogar debe tener exactamente un jefe (encontrados: 0)"}, "edit", aminata, "relationship=parent")

	// A sync error: the error itself for the log, the explanation for the user.
	w.withEnv("LANG", "fr_FR.UTF-8").fails(1, []string{"not enrolled", "Cet appareil n'est pas encore relié à un siège."}, "sync")
}

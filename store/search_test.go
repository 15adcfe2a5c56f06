package store

import (
	"testing"

	"fieldreg/registry"
)

func TestWithinOneEdit(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"mohammed", "mohammed", true},
		{"mohammed", "mohamed", true},  // deletion
		{"mohamed", "mohammed", true},  // insertion
		{"mohammed", "muhammed", true}, // substitution
		{"mohammed", "mohmamed", true}, // transposition
		{"mohammed", "muhamed", false}, // two edits
		{"fatima", "fatema", true},
		{"fatima", "fatuma", true},
		{"fatima", "fatmia", true},
		{"fatima", "faitma", true}, // neighbours t,i swapped
		{"احمد", "احمد", true},
		{"احمد", "امحد", true},
		{"احمد", "اخمد", true},
		{"احمد", "حمد", true},
		{"احمد", "محمد", true},
		{"احمد", "محمود", false},
		{"abcd", "abdc", true},
		{"abcd", "badc", false},
	} {
		if got := withinOneEdit(tc.a, tc.b); got != tc.want {
			t.Errorf("withinOneEdit(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if got := withinOneEdit(tc.b, tc.a); got != tc.want {
			t.Errorf("withinOneEdit(%q, %q) = %v, want %v (not symmetric)", tc.b, tc.a, got, tc.want)
		}
	}
}

func TestSearch(t *testing.T) {
	w := newTestWorkspace(t)
	people := map[string]string{}
	for _, n := range []struct{ given, family string }{
		{"Mohammed", "Al-Hassan"},
		{"Muhammad", "Haddad"},
		{"Fatima", "Al-Hassan"},
		{"Zoë", "Okafor"},
		{"أحمد", "الحسن"},
		{"Hassan", "Ibrahim"},
	} {
		_, edits := household("camp-a", n.given)
		edits[1].Set["family_name"] = n.family
		if _, err := w.Commit(edits...); err != nil {
			t.Fatal(err)
		}
		people[n.given+" "+n.family] = edits[1].Record.String()
	}
	first := func(q string) string {
		hits := w.Search(q, 5)
		if len(hits) == 0 {
			return ""
		}
		return hits[0].ID.String()
	}
	for _, tc := range []struct{ query, want string }{
		{"mohammed al hassan", "Mohammed Al-Hassan"},
		{"Mohamed al-hassan", "Mohammed Al-Hassan"}, // one typo
		{"fatima hassan", "Fatima Al-Hassan"},
		{"fat", "Fatima Al-Hassan"}, // prefix
		{"zoe", "Zoë Okafor"},       // diacritics folded
		{"OKAFOR", "Zoë Okafor"},
		{"احمد", "أحمد الحسن"}, // Arabic hamza folded
		{"hassan ibrahim", "Hassan Ibrahim"},
	} {
		if got := first(tc.query); got != people[tc.want] {
			t.Errorf("search %q: first hit %s, want %s (%s)", tc.query, got, people[tc.want], tc.want)
		}
	}
	// Every query word matched ranks above a partial match.
	hits := w.Search("hassan ibrahim", 10)
	if len(hits) < 2 || hits[0].Score <= hits[1].Score {
		t.Errorf("ranking: %+v", hits)
	}
	if hits := w.Search("xyzzy", 10); len(hits) != 0 {
		t.Errorf("nonsense query found %v", hits)
	}
	// Edits move the index along.
	id := people["Zoë Okafor"]
	rid, _ := parseID(id)
	if _, err := w.Commit(Edit{Record: rid, Kind: registry.KindPerson, Set: map[string]string{"family_name": "Mensah"}}); err != nil {
		t.Fatal(err)
	}
	if first("okafor") == id || first("zoe mensah") != id {
		t.Error("search did not follow the edit")
	}
}

// Search finds a name in another script or spelling by the matcher's keys,
// below an exact hit.
func TestSearchAcrossScripts(t *testing.T) {
	w := newTestWorkspace(t)
	people := map[string]string{}
	for _, n := range []struct{ given, family string }{
		{"محمد", "حداد"},
		{"Ivan", "Petrov"},
		{"Юлия", "Смирнова"},
		{"Hussein", "Khalil"},
		{"Mohamed", "Omar"},
	} {
		_, edits := household("camp-a", n.given)
		edits[1].Set["family_name"] = n.family
		if _, err := w.Commit(edits...); err != nil {
			t.Fatal(err)
		}
		people[n.given+" "+n.family] = edits[1].Record.String()
	}
	found := func(q, who string) bool {
		for _, h := range w.Search(q, 10) {
			if h.ID.String() == people[who] {
				return true
			}
		}
		return false
	}
	for _, tc := range []struct {
		query, who string
		want       bool
	}{
		{"Mohamed", "محمد حداد", true},
		{"Muhammad Haddad", "محمد حداد", true},
		{"Иван", "Ivan Petrov", true},
		{"Иван Петров", "Ivan Petrov", true},
		{"Yulia", "Юлия Смирнова", true},
		{"Julija Smirnova", "Юлия Смирнова", true},
		{"محمد", "Mohamed Omar", true},
		{"Hassan", "Hussein Khalil", false}, // two names, not two spellings
		{"Hadid", "محمد حداد", false},
	} {
		if got := found(tc.query, tc.who); got != tc.want {
			t.Errorf("search %q finds %s: %v, want %v (hits %v)", tc.query, tc.who, got, tc.want, w.Search(tc.query, 10))
		}
	}
	// The exact spelling still ranks first.
	if hits := w.Search("Mohamed", 5); len(hits) < 2 || hits[0].ID.String() != people["Mohamed Omar"] || hits[0].Score <= hits[1].Score {
		t.Errorf("exact hit not first: %+v", hits)
	}
}

package match

import "strconv"

// SearchKeys returns the keys under which name search files one name word,
// and the keys to look up for it when it is typed as a query, so that search
// finds a name in any script and spelling the matcher takes for one:
// "Mohamed" finds محمد and Muhammad, "Иван" finds Ivan.
//
// word is one word as registry.NameTokens gives it. The keys are the names
// of namegroups.txt the word spells; else its folds (each reading of a
// Cyrillic word); and, to cross between Arabic and other scripts, its
// consonant outline when it has three consonants or more, filed on one
// side and looked up from the other, so that Latin spellings do not meet
// each other by outline alone (Hadid is not Haddad). Keys never look like
// words, and stored and query keys meet only where the matcher would say
// the words agree.
func SearchKeys(word string) (stored, query []string) {
	if word == "" {
		return nil, nil
	}
	t := prepareToken(word)
	if gs := t.groupList(); len(gs) > 0 {
		for _, g := range gs {
			k := groupSearchKey(g)
			stored, query = append(stored, k), append(query, k)
		}
		return stored, query
	}
	for _, f := range t.folds() {
		stored, query = append(stored, "f:"+f), append(query, "f:"+f)
	}
	own, other := "l:", "a:"
	if t.arabic {
		own, other = "a:", "l:"
	}
	for _, sk := range t.skeletons() {
		if len(sk) >= 3 {
			stored, query = append(stored, own+sk), append(query, other+sk)
		}
	}
	return stored, query
}

func groupSearchKey(g uint16) string { return "g:" + strconv.Itoa(int(g)) }

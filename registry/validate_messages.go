package registry

import (
	"strings"

	"fieldreg/assets/i18n"
)

// ruleKey is the catalogue key of a rule's message: "rule.required". Every
// rule has one in every language: a test checks it.
func ruleKey(rule string) string { return "rule." + rule }

// ruleMessage renders a rule's message in lang with its parameters, from the
// one catalogue of assets/i18n. An unknown rule gives the rule code itself,
// so a newer peer's error still says something.
func ruleMessage(rule, lang string, params []string) string {
	c := i18n.Builtin()
	key := ruleKey(rule)
	if !c.Has(key) {
		return rule + " " + strings.Join(params, " ")
	}
	args := make([]any, len(params))
	for i, p := range params {
		args[i] = p
	}
	return c.Lookup(lang, key, args...)
}

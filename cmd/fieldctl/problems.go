package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"fieldreg/registry"
)

// problemLines explains why records were refused, one line per broken rule,
// naming the record as the input did ("member 2", "line 17") and the field
// and rule, but never a value: these lines end up in terminals, logs and bug
// reports, where a beneficiary's name or phone number must not. The rules'
// messages are in lang (see env.lang).
func problemLines(lang string, err error, forms *registry.Forms, names map[uuid.UUID]string) []string {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var lines []string
		for _, e := range joined.Unwrap() {
			lines = append(lines, problemLines(lang, e, forms, names)...)
		}
		return lines
	}
	if fes, ok := registry.AsValidation(err); ok {
		lines := make([]string, len(fes))
		for i, fe := range fes {
			lines[i] = describeFieldError(lang, fe, forms, names)
		}
		return lines
	}
	var fe registry.FieldError
	if errors.As(err, &fe) {
		return []string{describeFieldError(lang, fe, forms, names)}
	}
	return []string{err.Error()}
}

func describeFieldError(lang string, fe registry.FieldError, forms *registry.Forms, names map[uuid.UUID]string) string {
	var b strings.Builder
	if name, ok := names[fe.Record]; ok {
		b.WriteString(name)
	} else if fe.Kind != "" {
		b.WriteString(fe.Kind)
		if fe.Record != uuid.Nil {
			b.WriteString(" " + fe.Record.String())
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if fe.Field != "" {
		b.WriteString(fe.Field + ": ")
	}
	b.WriteString(ruleText(lang, fe, forms))
	return b.String()
}

// ruleText is the rule's message in lang. A refused choice is explained by
// the choices there are, not by echoing what was typed: a value typed into the
// wrong column may be a name.
func ruleText(lang string, fe registry.FieldError, forms *registry.Forms) string {
	msg := fe.Message(lang)
	if fe.Rule != registry.RuleChoice {
		return msg
	}
	if form, ok := forms.Form(fe.Kind); ok {
		if d, ok := form.Field(fe.Field); ok && len(d.Choices) > 0 {
			codes := make([]string, len(d.Choices))
			for i, c := range d.Choices {
				codes[i] = c.Name
			}
			msg += " (" + strings.Join(codes, ", ") + ")"
		}
	}
	return msg
}

// printProblems reports a refused household on stderr, one line per problem.
func printProblems(e *env, forms *registry.Forms, p planned, err error) {
	for _, line := range problemLines(e.lang(), err, forms, p.names) {
		fmt.Fprintf(e.stderr, "fieldctl: %s: %s\n", p.label, line)
	}
}

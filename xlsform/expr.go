package xlsform

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// exprRefs parses an expression of a relevant, constraint, calculation or
// choice_filter cell and returns the ${names} it reads.
//
// TODO(s2-xpath): registry/xpath.Parse and (*Expr).Refs replace this
// placeholder, which only checks the ${name} references and the brackets
// and quotes, when that package lands.
func exprRefs(src string) ([]string, error) {
	depth := 0
	var quote rune
	for _, r := range src {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == '(':
			depth++
		case r == ')':
			depth--
			if depth < 0 {
				return nil, errors.New("a ')' without its '('")
			}
		}
	}
	if quote != 0 {
		return nil, errors.New("a string not closed")
	}
	if depth != 0 {
		return nil, errors.New("a '(' not closed")
	}
	var refs []string
	rest := src
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return nil, errors.New("a ${ not closed")
		}
		name := rest[i+2 : i+j]
		if !refName.MatchString(name) {
			return nil, fmt.Errorf("${%s} is not a question name", name)
		}
		refs = append(refs, name)
		rest = rest[i+j+1:]
	}
	return refs, nil
}

var refName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

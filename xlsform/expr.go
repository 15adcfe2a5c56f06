package xlsform

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"fieldreg/registry/xpath"
)

// exprRefs parses an expression of a relevant, constraint, calculation or
// choice_filter cell with package xpath and returns the ${names} it reads.
func exprRefs(src string) ([]string, error) {
	e, err := xpath.Parse(src)
	if err != nil {
		return nil, err
	}
	return e.Refs(), nil
}

// exprErrorKind classes an xpath error: what xpath does not evaluate
// (pulldata, paths) is ErrUnsupported; what is no expression is ErrBadForm.
func exprErrorKind(err error) error {
	if errors.Is(err, xpath.ErrUnsupported) {
		return ErrUnsupported
	}
	return ErrBadForm
}

// ChoiceColumn is how a stored choice_filter reads a column of the choice it
// is tested against: XLSForm writes the column bare (admin1=${admin1}),
// which is an XPath path; the importer rewrites it as ${choice.admin1},
// which package xpath parses and an Env answers from Choice.Filter (and
// ${choice.name} from Choice.Name). No question can be named choice.x: a
// name has no dot.
const ChoiceColumn = "choice."

// rewriteChoiceFilter rewrites the bare column names of a choice_filter as
// ${choice.column}, refusing a name that is no column of the list.
func rewriteChoiceFilter(src string, l *choiceList) (string, error) {
	var b strings.Builder
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\'' || c == '"':
			j := strings.IndexByte(src[i+1:], c)
			if j < 0 {
				b.WriteString(src[i:]) // the parser reports it
				return b.String(), nil
			}
			b.WriteString(src[i : i+j+2])
			i += j + 2
		case c == '$' && i+1 < len(src) && src[i+1] == '{':
			j := strings.IndexByte(src[i:], '}')
			if j < 0 {
				b.WriteString(src[i:])
				return b.String(), nil
			}
			b.WriteString(src[i : i+j+1])
			i += j + 1
		case isIdentStart(c):
			j := i + 1
			for j < len(src) && (isIdentPart(src[j]) || src[j] == '-' && j+1 < len(src) && isIdentStart(src[j+1]) || src[j] == ':' && j+1 < len(src) && isIdentStart(src[j+1])) {
				j++
			}
			word := src[i:j]
			rest := strings.TrimLeft(src[j:], " \t\n")
			switch {
			case strings.HasPrefix(rest, "("), word == "and", word == "or", word == "div", word == "mod":
				b.WriteString(word)
			case word == "name" || slices.Contains(l.filters, word):
				b.WriteString("${" + ChoiceColumn + word + "}")
			default:
				return "", fmt.Errorf("%w: %q is no column of the choices sheet for list %q", ErrBadForm, word, l.name)
			}
			i = j
		case c >= '0' && c <= '9' || c == '.':
			j := i + 1
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.') {
				j++
			}
			b.WriteString(src[i:j])
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), nil
}

func isIdentStart(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isIdentPart(c byte) bool  { return isIdentStart(c) || c >= '0' && c <= '9' }

package xpath

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

type tokKind uint8

const (
	tEOF    tokKind = iota
	tNumber         // 12, 3.5, .5
	tString         // 'a' or "a"; text is the content
	tRef            // ${name}; text is the name
	tName           // a function name or an operator name (and, or, div, mod)
	tDot            // .
	tLParen
	tRParen
	tComma
	tOp // + - * = != < <= > >=
)

type token struct {
	kind tokKind
	text string
	off  int // byte offset in the source
}

// lexer splits an expression into tokens. It rejects what no supported expression contains
// (paths, predicates, unions, variables), so the parser sees only the subset.
type lexer struct {
	src string
	off int
}

func (l *lexer) errAt(off int, kind error, format string, args ...any) error {
	return &Error{Pos: utf8.RuneCountInString(l.src[:off]) + 1, Msg: fmt.Sprintf(format, args...), Kind: kind}
}

func (l *lexer) next() (token, error) {
	for l.off < len(l.src) && isSpace(l.src[l.off]) {
		l.off++
	}
	start := l.off
	if start == len(l.src) {
		return token{kind: tEOF, off: start}, nil
	}
	c := l.src[start]
	switch {
	case c == '(':
		l.off++
		return token{kind: tLParen, off: start}, nil
	case c == ')':
		l.off++
		return token{kind: tRParen, off: start}, nil
	case c == ',':
		l.off++
		return token{kind: tComma, off: start}, nil
	case c == '+' || c == '-' || c == '*' || c == '=':
		l.off++
		return token{kind: tOp, text: l.src[start:l.off], off: start}, nil
	case c == '<' || c == '>' || c == '!':
		l.off++
		if l.off < len(l.src) && l.src[l.off] == '=' {
			l.off++
		} else if c == '!' {
			return token{}, l.errAt(start, ErrSyntax, "\"!\" must be followed by \"=\"; use not() to negate")
		}
		return token{kind: tOp, text: l.src[start:l.off], off: start}, nil
	case c == '\'' || c == '"':
		end := start + 1
		for end < len(l.src) && l.src[end] != c {
			end++
		}
		if end == len(l.src) {
			return token{}, l.errAt(start, ErrSyntax, "unclosed string")
		}
		l.off = end + 1
		return token{kind: tString, text: l.src[start+1 : end], off: start}, nil
	case c == '$':
		return l.ref(start)
	case c == '.':
		if start+1 < len(l.src) && isDigit(l.src[start+1]) {
			return l.number(start), nil
		}
		if start+1 < len(l.src) && (l.src[start+1] == '.' || l.src[start+1] == '/') {
			return token{}, l.errAt(start, ErrUnsupported, "path expressions are not supported; use ${name}")
		}
		l.off++
		return token{kind: tDot, off: start}, nil
	case isDigit(c):
		return l.number(start), nil
	case c == '/' || c == '@' || c == '[' || c == ']' || c == '|':
		return token{}, l.errAt(start, ErrUnsupported, "%q: path expressions are not supported; use ${name}", string(c))
	}
	r, _ := utf8.DecodeRuneInString(l.src[start:])
	if isNameStart(r) {
		end := l.nameEnd(start)
		// A prefixed name (jr:choice-name) is one function name.
		if end < len(l.src) && l.src[end] == ':' && end+1 < len(l.src) {
			if r2, _ := utf8.DecodeRuneInString(l.src[end+1:]); isNameStart(r2) {
				end = l.nameEnd(end + 1)
			}
		}
		l.off = end
		return token{kind: tName, text: l.src[start:end], off: start}, nil
	}
	return token{}, l.errAt(start, ErrSyntax, "unexpected %q", r)
}

func (l *lexer) number(start int) token {
	end := start
	for end < len(l.src) && isDigit(l.src[end]) {
		end++
	}
	if end < len(l.src) && l.src[end] == '.' {
		end++
		for end < len(l.src) && isDigit(l.src[end]) {
			end++
		}
	}
	l.off = end
	return token{kind: tNumber, text: l.src[start:end], off: start}
}

// ref reads ${name}, the XLSForm reference to another question's answer.
func (l *lexer) ref(start int) (token, error) {
	if start+1 >= len(l.src) || l.src[start+1] != '{' {
		return token{}, l.errAt(start, ErrUnsupported, "XPath variables are not supported; use ${name}")
	}
	nameStart := start + 2
	end := nameStart
	for end < len(l.src) && l.src[end] != '}' {
		end++
	}
	if end == len(l.src) {
		return token{}, l.errAt(start, ErrSyntax, "unclosed ${")
	}
	name := l.src[nameStart:end]
	if !isQuestionName(name) {
		return token{}, l.errAt(start, ErrSyntax, "%q is not a question name", name)
	}
	l.off = end + 1
	return token{kind: tRef, text: name, off: start}, nil
}

func (l *lexer) nameEnd(off int) int {
	for off < len(l.src) {
		r, size := utf8.DecodeRuneInString(l.src[off:])
		if !isNameChar(r) {
			break
		}
		off += size
	}
	return off
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isNameStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }

func isNameChar(r rune) bool {
	return isNameStart(r) || unicode.IsDigit(r) || r == '-' || r == '.'
}

// isQuestionName accepts XLSForm question names: an XML name without a colon.
func isQuestionName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if i == 0 && !isNameStart(r) || !isNameChar(r) {
			return false
		}
	}
	return true
}

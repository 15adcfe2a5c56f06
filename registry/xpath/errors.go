package xpath

import (
	"errors"
	"strconv"
)

// Sentinels, grouped by the phase that reports them. Callers branch on them with errors.Is:
// the XLSForm importer refuses a form whose expression wraps ErrUnsupported or ErrSyntax,
// naming sheet, row and column.
var (
	// ErrSyntax: Parse found text that is not an expression (an unclosed parenthesis, a
	// function called with the wrong number of arguments, an invalid regex literal).
	ErrSyntax = errors.New("xpath: syntax error")
	// ErrUnsupported: Parse found valid XPath that Fieldreg does not evaluate (an unknown
	// function, a path other than ${name} or ".") or an expression over the size limits.
	ErrUnsupported = errors.New("xpath: not supported")
	// ErrEval: Eval could not compute a value (a regex pattern built at run time that does
	// not compile, date() of something that is not a date). XPath arithmetic never fails:
	// division by zero gives Infinity or NaN.
	ErrEval = errors.New("xpath: evaluation error")
)

// Error is what Parse and Eval return: where in the source (Pos, counted in characters from
// 1; 0 when the error is about the whole expression) and what was wrong (Msg). It unwraps to
// one of the sentinels above.
type Error struct {
	Pos  int
	Msg  string
	Kind error
}

func (e *Error) Error() string {
	if e.Pos <= 0 {
		return e.Msg
	}
	return "at " + strconv.Itoa(e.Pos) + ": " + e.Msg
}

func (e *Error) Unwrap() error { return e.Kind }

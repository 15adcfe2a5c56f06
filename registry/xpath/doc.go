// Package xpath evaluates the XPath 1.0 subset that XLSForms use in relevant, constraint,
// calculation, choice_filter and required columns. It does no I/O and depends on no other
// Fieldreg package, so the XLSForm importer, the registry and the app share it.
//
// Parse compiles an expression once; Eval runs it over an Env (the record's answers, the
// current question's value, today's date) without allocating in the common cases, so a form
// can re-evaluate every relevant on each keystroke. Refs lists the ${name}s an expression
// reads, for import checks and calculation order.
//
// ParseFilter compiles a choice_filter, evaluated once per choice: there a bare name (admin1,
// name) is a column of the choice being tested, read through ColumnEnv and listed by Columns.
// Everywhere else a bare name is an XPath path and is refused.
//
// # Supported
//
//   - ${name} (the answer to question name as a string, "" when unanswered) and "." (the
//     current question's value); string literals in '…' or "…"; numbers (12, 3.5, .5).
//   - + - * div mod, unary minus; = != < <= > >=; and, or (short-circuit).
//   - Functions: if, coalesce, once, not, true, false, boolean, boolean-from-string, string,
//     number, int, selected, selected-at, count-selected, string-length, concat, contains,
//     starts-with, ends-with, substr, substring-before, substring-after, normalize-space,
//     regex, round, floor, ceiling, abs, pow, min, max, today, date, decimal-date-time.
//
// # Types and conversions
//
// Values are strings, numbers, booleans or dates, converted as XPath 1.0 says: "" is NaN as a
// number, so `${age} >= 18` is false while age is unanswered and `${n} = 0` is false too;
// `=` compares as booleans if either side is one, else as numbers if either side is a number
// or a date, else as text. Numbers print without a trailing ".0" (3, 0.5, NaN, Infinity).
// Division by zero gives Infinity or NaN, never an error. As in ODK, a date used as a number
// is its days since 1970-01-01, and so is a string that reads as a date (2006-01-02) or a
// date-time, which makes `today() - ${dob}` a count of days and `${visit} < today()` a
// comparison of days. regex uses Go's RE2 syntax and finds a match anywhere in the value.
//
// # Not supported (Parse returns ErrUnsupported)
//
// Paths other than ${name}, "." and a choice filter's column names (/data/x, .., current(),
// predicates, unions), XPath
// variables, and functions not listed above: among them position, count and sum over repeats,
// indexed-repeat, instance, pulldata, jr:choice-name, format-date, now, uuid, random.
// Expressions over MaxLen bytes or nested deeper than MaxDepth, and regex patterns over
// MaxPattern bytes, are refused too, so that no form can make Parse or Eval unbounded.
package xpath

package xpath

import "time"

// Env is what an expression reads while it is evaluated: the answers of the record being
// entered, the value of the question the expression belongs to, and the date of today.
type Env interface {
	// Lookup returns the answer to the question named name. An unanswered question is "" (and
	// so is a name the env does not know: ok is for callers that want to tell them apart).
	Lookup(name string) (value string, ok bool)
	// Current is the value of the question the expression is attached to ("." in a constraint).
	Current() string
	// Today is the date today() returns; its location decides which day that is.
	Today() time.Time
}

// ColumnEnv is the Env a choice filter (ParseFilter) is evaluated in: it also gives the
// columns of the choice being tested (its name, and extra columns such as admin1).
type ColumnEnv interface {
	Env
	Column(name string) (value string, ok bool)
}

// MapEnv is an Env (and a ColumnEnv) over maps, for tests and for callers that hold answers
// in a map anyway.
type MapEnv struct {
	Values  map[string]string // answers by question name
	Dot     string            // the current question's value
	Date    time.Time         // today
	Columns map[string]string // the choice being filtered, for ParseFilter expressions
}

// Lookup implements Env.
func (m MapEnv) Lookup(name string) (string, bool) {
	v, ok := m.Values[name]
	return v, ok
}

// Current implements Env.
func (m MapEnv) Current() string { return m.Dot }

// Today implements Env.
func (m MapEnv) Today() time.Time { return m.Date }

// Column implements ColumnEnv.
func (m MapEnv) Column(name string) (string, bool) {
	v, ok := m.Columns[name]
	return v, ok
}

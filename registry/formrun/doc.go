// Package formrun fills a form in: given a *registry.Form and the answers so
// far, it says which questions are asked now, what every calculation gives,
// which choices a cascading select offers, and what is wrong with an answer.
// The app, fieldctl and ops use it alike, so a record is judged by one rule
// wherever it is entered. It does no I/O and knows no screen.
//
// New compiles a form once: it parses every relevant, constraint,
// calculation and choice_filter with package registry/xpath and orders the
// questions so that each is evaluated after every question it reads,
// refusing a form whose expressions read each other in a cycle. Eval then
// runs over one set of answers and returns a State:
//
//	run, err := formrun.New(form, lang, today)
//	st := run.Eval(answers)             // on every change of an answer
//	st.Visible(name), st.Value(name)    // what to show
//	st.Choices(name)                    // a select's choices after its choice_filter
//	st.Error(name)                      // when the enumerator leaves a question
//	st.Errors()                         // on Save: every error, in question order
//	st.Cleared()                        // answers Eval dropped: hidden, or no longer a choice
//	st.Values()                         // what to store
//
// # The rules
//
//   - A question whose relevant is false is not asked: it is hidden, its
//     answer is dropped (listed by Cleared) and it reads as "" in every
//     other expression, as in ODK. A relevant that cannot be evaluated
//     shows the question: hiding it would drop an answer on a form's bug.
//   - A calculate field's value is its calculation over the other values;
//     a result that is no number where a number was computed (NaN, an
//     infinity: `${a} + ${b}` before both are answered) is "". Answers given
//     for a calculate field are ignored: it is always recomputed.
//   - A select with a choice_filter offers the choices the filter keeps. The
//     filter reads a choice's columns bare (`admin1 = ${admin1}`, name for
//     the choice's name), as XLSForm writes it, or as ${choice.admin1}, as
//     package xlsform stores it. An answer that is no longer among the
//     choices is dropped too (a cascade whose parent changed).
//   - Error is the first of: required (only when asked; the form's
//     required_message, else the catalogue's), the value rule and the
//     field's own checks (registry.CheckValue and FieldDef.Check), the
//     choice filter, and the constraint, where "." is the answer (the
//     form's constraint_message, else registry.RuleConstraint naming the
//     question's label).
//
// # The member roster
//
// A question of a repeat's form (the person form of a household's members)
// may read a question of the household: ${name} that is no question of the
// form is looked up in the parent answers EvalIn is given. Eval, with no
// parent, cannot decide an expression that reads one: such a question is
// shown, its answer kept and its constraint not checked, so a caller that
// does not know the household never refuses what the household allows.
//
// # Records
//
// Validate and Validator judge a stored or imported record the same way
// (registry's own checks, then relevance, constraints and required only
// when relevant): ops and the importers call them where they author a
// record. registry.Forms.Validate, which the store runs on every commit and
// on every change it receives, evaluates no expression: FORMS.md leaves
// record-level rules to the author, and a record merged from changes of
// several authors must not be refused for them.
//
// UnitRules is the receiver's part: HQ judges the records a pushed unit
// brings into being (a household registered on a device, with its members)
// by the record-level rules an old or buggy client may not have kept —
// required answers and consent, constraints, at most one head — each by the
// form version its changes name, and holds a unit that breaks them in
// quarantine for a supervisor (store.Options.ValidateUnit).
package formrun

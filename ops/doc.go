// Package ops is what people do to a workspace: register a household, edit
// records, delete one, merge two persons found to be one, dismiss a pair that
// only looks alike. The app, fieldctl and HQ all write through it, so each
// operation and the rules it keeps exist once, below every front end.
//
// Glossary:
//
//   - Workspace: the few store methods the operations use (*store.Workspace
//     has them all). Declared here, where it is used.
//   - Register: store a household with its members and assessments in one
//     commit, after every record's form and the household's head rule
//     accept it: all or nothing. PlanHousehold does the checking without
//     writing, for front ends that commit many households at once.
//   - Edit: write fields of one or more records in one commit, refused
//     when a household concerned would not have exactly one head after it.
//     Resolve settles a field's open conflict (supervisors and admins).
//   - Delete: mark a record deleted (a household with its members and
//     assessments), refused for the head of a household with other members.
//   - Merge: the second person is marked merged into the first and
//     deleted, keeping its history; the first gains the fields only the
//     second had, never its household or its place in it.
//   - Dismiss: record that two persons are not one, so the pair is never
//     listed again, here or after sync anywhere.
//   - Supervise: merging, dismissing and deleting are supervisors' and
//     admins' decisions (MaySupervise); an enumerator gets ErrRole.
//
// Errors are sentinels wrapped with the record they are about (ErrRole,
// ErrNotFound, ErrDeleted, ErrNotPerson, ErrHeadOfHousehold, ErrRefused,
// ErrIDInUse …): front ends branch with errors.Is and choose their own
// words. Results are plain values — how many fields a merge copied, how
// many members a delete took along — for a front end to report.
package ops

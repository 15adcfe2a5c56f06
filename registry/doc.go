// Package registry is the domain: what a record is, what its forms allow,
// and the rules every front end keeps. It does no I/O beyond reading form
// schemas, and imports nothing above change.
//
// Glossary:
//
//   - Record: an id (UUIDv7), a kind and its fields, each holding every
//     version written to it (change.Field). Kinds are data: household,
//     person and assessment are built in; more come as forms.
//   - Form, FieldDef: a kind's schema — fields, types, choices, labels in
//     every language, and the rules a value must keep. BuiltinForms embeds
//     the core ones; LoadForms reads a deployment's own.
//   - Core fields: the names the built-in forms give the fields code reads
//     (FieldHouseholdID, FieldGivenName, …, fields.go), which are also the
//     export columns. System fields start with "_" (DeletedField,
//     FieldMergedInto, FieldNotDuplicate) and no form declares them.
//   - CanonicalValue: the one string stored for a value of a type.
//   - Validate: a record against its form; a *ValidationError lists each
//     FieldError (record, field, Rule code, Params), which front ends word
//     in the user's language.
//   - The rules, each one function with its table test:
//     the age rule (Form.SetAge: an age in years, 0 to the birth date's
//     max_age, stored as an estimated birth date; Age, BirthDateFromAge);
//     the head-of-household rule (exactly one head among live members:
//     IsHead, ValidateHousehold, and LeavesHeadless for taking one out);
//     the name rule (DisplayName on screens, FullName in lists).
//   - NormalizeName: names folded for search and matching (registry/match
//     scores duplicates).
package registry

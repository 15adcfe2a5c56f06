// Package exchange reads and writes the formats households leave and enter
// Fieldreg by: JSON (the shape `fieldctl register` takes and `export json`
// writes), person-level CSV and HXL, the aggregate sex-and-age table
// agencies share, and other agencies' beneficiary lists as CSV with a column
// mapping.
//
// It is pure: it works on registry.Record values and form schemas, never on
// a store, so the CLI, the app and HQ share one implementation.
//
// Glossary:
//   - Doc: one record as JSON: {"id": …, "fields": {name: value}}.
//   - Household: a household Doc with its members and assessments.
//   - HXL: the Humanitarian Exchange Language, a row of hashtags (#adm1+name)
//     right under a CSV header so tools can read columns by meaning.
//   - Mapping: which column of someone else's CSV is which field of ours.
package exchange

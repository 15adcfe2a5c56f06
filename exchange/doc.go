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
//   - Doc: one record as JSON: {"id": …, "fields": {name: value}, "version": …}.
//   - Version: which version of each field of a record an export wrote out
//     (fingerprints of its stamps), one opaque token ("v1.…"); JSON's
//     "version", CSV's household_version and person_version. Re-importing an export writes against it, so what
//     changed since becomes a conflict instead of being put back.
//   - Origin: the input's own text of a household that has neither our id
//     nor another agency's key, by which a re-run recognises it.
//   - Household: a household Doc with its members and assessments.
//   - HXL: the Humanitarian Exchange Language, a row of hashtags (#adm1+name)
//     right under a CSV header so tools can read columns by meaning.
//   - Mapping: which column of someone else's CSV is which field of ours.
package exchange

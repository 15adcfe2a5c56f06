// Package exchange reads and writes the formats households leave and enter
// Fieldreg by: JSON (the shape `fieldctl register` takes and `export json`
// writes), person-level CSV and HXL, a CSV or HXL table per further kind
// (assessments), an XLSX workbook with a sheet per kind, the aggregate
// sex-and-age table agencies share, and other agencies' beneficiary lists
// as CSV with a column mapping.
//
// It is pure: it works on registry.Record values and form schemas, never on
// a store, so the CLI, the app and HQ share one implementation.
//
// Exports follow the form: a column per question, in form order (a
// geopoint in four, a note in none), choices as codes or, with
// Options.Labels, as labels in the user's language (a select_multiple's
// joined by "; "). CSV and HXL start with a UTF-8 byte-order mark with
// Options.BOM, which Excel needs to show Arabic; every reader here drops
// it. Values are written exactly as stored, phone numbers and leading zeros
// included, but for the formula rule: in CSV a value a spreadsheet would
// run as a formula (= or @ first; + or - first when the rest is not a
// number or phone number) gets a leading apostrophe, which ReadCSV removes
// again (csv_guard.go has the rule and why); in XLSX every string is a text
// cell, which no spreadsheet runs, so nothing is changed.
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
//     right under a CSV header so tools can read columns by meaning. A
//     field's tag is its form's (FieldDef.HXL, Kobo's hxl column) or a
//     built-in one; a site or area is #loc+code as a code, #loc+name as a
//     label.
//   - Table: one kind's records, a row each, one file per table (HXL tools
//     and spreadsheets read one table per file); person-level CSV is the
//     table of persons with their household's fields on each row.
//   - Options: how cells are written: HXL row, labels and language, BOM.
//   - Mapping: which column of someone else's CSV is which field of ours.
package exchange

// Package xlsform reads an XLSForm workbook (.xlsx, the form format of ODK,
// KoboToolbox and SurveyCTO) into Fieldreg forms: Read returns one form for
// the top-level questions and one per repeat, all with the workbook's
// settings form_id as ID and version as Version.
//
// # Which forms
//
// A workbook whose form_id is "household" extends the registration. Its
// top-level questions extend the core household form and a repeat named
// members, member, person or persons extends the core person form (both
// start from the core forms passed to Read — the built-ins). The core fields
// stay, in their order and sections, with their rules. A survey row naming a
// core field may add labels, a hint, a constraint, an appearance, an hxl tag
// and its own choices, and may make it required, but may not change its type
// (except that a core text field may become a select_one: admin1 and admin2
// become lists of the operation's areas) nor hide a required core field with
// a relevant. A list on the choices sheet named like a core select field
// (site, specific_needs, …) replaces its choices even with no survey row;
// the relationship list must keep "head". New questions follow the core
// fields. Any other form_id is a form of its own, an assessment: its kind is
// the form_id, and each repeat is a kind named form_id_repeatname with a
// household_id reference added. form_id "assessment" is the needs
// assessment the register flow asks of each household (a new version of the
// built-in one), and gets the household_id reference too. form_id "person"
// is refused.
//
// # What is read
//
// Sheets survey, choices and settings, named in any case; choices and
// settings may be missing, but form_id and version are required (the
// version tells apart the versions every change records).
//
// Types: text, integer, decimal, date, geopoint, select_one L and
// select_multiple L (also written "select one L"), note, calculate, begin/end
// group (a group is a section; its label the section's title; its relevant
// applies to every question in it), begin/end repeat (a form of its own; not
// nested). acknowledge is a boolean ("true" once acknowledged), so that rules
// and exports read it like any yes/no. start, end, today, deviceid and
// username are accepted and not kept: every change Fieldreg stores already
// says who wrote it, on which device and when; an expression may not read
// them.
//
// Columns: name (trailing spaces trimmed), label, hint, required_message,
// constraint_message (also jr:constraintMsg, jr:requiredMsg) per language,
// written label, label::English (en), label::English, label::en,
// label:English or label :: Arabic (ar) in any case and spacing; a bare
// column is the default_language (English when unset). A translation a row
// leaves empty is the default language's text. required and read_only (yes,
// true, TRUE(), true(), 1, y and their opposites), constraint, relevant,
// calculation, choice_filter, default (a value, not an expression), appearance
// (kept as written: every appearance that only changes how a question looks
// is accepted), hxl (normalised to "#tag+attr"), parameters
// (capture-accuracy, warning-accuracy, allow-mock-accuracy on a geopoint and
// randomize=false, which change nothing stored). The choices sheet's columns
// other than list_name, name and label are each choice's Filter (a site's
// pcode, admin1, admin2) that a choice_filter reads as bare names
// (admin1=${admin1}, parsed by xpath.ParseFilter); a bare name must be one
// of the list's columns, or name.
// Settings: form_id, version, form_title, default_language; instance_name and
// style are accepted and change nothing stored (a record is named by its own
// fields; the app has one style).
//
// Every expression is parsed by package registry/xpath, and every ${name}
// must be a question (or group) of the workbook or, in a registration, a core
// field.
//
// Not kept because they say nothing to the one filling the form in:
// guidance_hint (ODK's text for printed forms), tags, and the columns tools
// add for their own bookkeeping, whose names start with "$" (Kobo's $kuid,
// $autoname).
//
// # What is refused
//
// Anything else with a value: another question type (image, audio, barcode,
// range, select_one_from_file, …), or_other, a column the importer does not
// know (repeat_count, trigger, media::image, body::…, bind::…), an
// appearance that needs what Fieldreg does not have (search(), ex:…), a
// function xpath does not evaluate (pulldata, indexed-repeat), a computed
// default or required, an unknown setting (public_key, submission_url).
// Errors wrap ErrUnsupported for those and ErrBadForm for a workbook that is
// wrong, and name the place as Excel shows it: `survey row 14, column
// "relevant": …`.
//
// # Bounds
//
// A workbook read from outside is refused over 20 MiB, over 64 MiB unzipped
// (a zip bomb stops there; a sheet over 16 MiB unzipped is read from a
// temporary file, not memory), over 20,000 rows a sheet, 1,000 columns a row
// or 64 KiB a cell. A real-sized registration form (300 questions, 5,000
// choices) is a few hundred KiB.
package xlsform

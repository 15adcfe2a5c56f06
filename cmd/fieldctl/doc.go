// Command fieldctl is the headless Fieldreg client: it registers, searches,
// edits and exports households in an encrypted workspace from a terminal or
// a script. It builds with CGO_ENABLED=0 and never links a graphical toolkit.
//
// Usage:
//
//	fieldctl [--workspace DIR] [--user NAME] [--passphrase-file F] COMMAND [ARGS]
//
// Run "fieldctl help" for the commands and "fieldctl help COMMAND" for one
// command's options. Options may come before or after the command name.
//
// # Where things come from
//
//   - The workspace is --workspace, else $FIELDREG_WORKSPACE, else
//     $XDG_DATA_HOME/fieldreg or ~/.local/share/fieldreg (on Windows and
//     macOS, the user configuration directory).
//   - The user is --user, else $FIELDREG_USER, else "admin".
//   - The passphrase is read from --passphrase-file (its first line), else
//     $FIELDREG_PASSPHRASE, else a terminal prompt without echo. Never from
//     the command line, where other users and the shell history see it.
//   - A new passphrase (init, user add, user passwd) comes from
//     --new-passphrase-file, else $FIELDREG_NEW_PASSPHRASE, else a prompt
//     asked twice. init, which has no current passphrase, also takes the
//     current passphrase's sources. Passphrases under 10 characters are refused
//     (store.CheckPassphrase).
//   - init --kdf-time/--kdf-memory/--kdf-threads (also on user add and user
//     passwd) choose a cheaper Argon2id for low-memory tablets; the default
//     is t=3, 64 MiB, p=4, the floor t=2, 19 MiB (store.MinKDF). Each key
//     slot keeps its own. Tests set FIELDREG_INSECURE_TEST_KDF=1 to go under
//     the floor; nobody else should.
//   - The language of rule messages and sync explanations is the locale's
//     (LC_ALL, else LC_MESSAGES, else LANG; LANGUAGE may list preferred
//     languages), as the one catalogue in assets/i18n has it: English, French,
//     Spanish or Arabic. English under "C", "POSIX" or no locale. The rest of
//     fieldctl's output is English, so scripts read the same words anywhere.
//
// # What scripts can rely on
//
// Errors are one line on stderr starting "fieldctl: ". Exit codes: 0 success,
// 1 failure, 2 usage, 3 wrong user or passphrase, 4 workspace in use by
// another process. Error text names records by id or by their place in the
// input ("household 3: member 0", "line 17"), fields by name and the rule
// broken, and never quotes a value: names, phones and document numbers do
// not belong in terminals, logs or bug reports. Values quoted by lower
// layers are replaced by "(value hidden)".
//
// register prints "ID<TAB>KIND" for each record of the households stored or
// found already there; list prints one
// tab-separated line per record (id, kind, then site and member count for a
// household, household, sex and birth year for a person, household and date
// for an assessment; names only with --names); --json gives JSON lines.
//
// # Bulk input
//
// register --file takes households in the export's JSON shape. Each
// household is all or nothing: a bad one is reported by its index in the
// file and stored not at all, the good ones are stored. import --csv reads a
// beneficiary list, through a column mapping for another agency's layout;
// a row the rules refuse is reported by its line and left out, the rest of
// its household imported, unless the household itself cannot stand (its
// own fields refused, or no single head without the bad rows). Both commit
// in batches of about 500 records, and Ctrl-C stops them at a household
// boundary with what was handled committed.
//
// Both can be run again on the same file, or on an older export, without
// undoing work or making records twice (docs/design.md, "Re-imports"): an
// export's version makes a field changed since a conflict, not a revert; a
// record named by id without a version is refused if it would change,
// unless --update; households without our ids are found again by their
// agency's key or their text (_external_key). Both end with what was new,
// already there unchanged, updated and in conflict, or "nothing new".
//
// # Delete and erase
//
// delete marks a record deleted: lists, search and exports no longer show
// it, but every version of every value is kept, here and at HQ, and a
// supervisor can still read its history. erase is for a person who asks
// for their information to be deleted, as the consent text promises: the
// record (a household with its members and assessments, deleted or not)
// keeps no value here, the erasure syncs and bundles like any change, and
// HQ and every device that held the record keep no value either once it
// reaches them. An edit made elsewhere before the erasure, or an old
// bundle, does not bring the values back. Supervisors and admins only; the
// audit names the records, never a value. It cannot be undone. Copies made
// before — exports, bundle files, backups — are not reached.
//
// # Adding a command
//
// A command is a file with a run function and one line in commandTable
// (commands.go). It gets an *env: streams, environment, clock, and the
// global options; newFlags and parseFlags give it flags in any position,
// withWorkspace an unlocked workspace that is closed after.
package main

// Package app is the field app's screens: first run and unlock, home,
// registration of a household, find and edit, sync, and settings.
//
// It is presentation only. Records, validation, search and duplicate matching
// live in store, registry and registry/match; sync in sync/client. Screens keep
// their widgets as struct fields so tests drive them the way a user would
// (test.Tap, test.Type) and read what the screen shows.
//
// Slow work — unlocking (Argon2id), committing, searching, syncing — runs off
// the UI goroutine through UI.background and hands its result back with
// fyne.Do. Nothing below this package knows about Fyne.
package app

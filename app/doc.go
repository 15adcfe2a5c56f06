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
// fyne.Do. Nothing below this package knows about Fyne. Unlock fills no
// index of the app's own: once the home screen shows, the roster (roster.go)
// the home counts and lists draw from is attached to the open workspace in
// the background (rosterindex.go), and after it the duplicate index
// (dupindex.go).
//
// Two rules narrow what a user may do. A device enrolled with HQ that has
// gone longer than the admin's limit (30 days by default) without a
// successful sync shows only the overdue screen: sync, bundles, language,
// lock and wipe; a successful sync gives everything back without unlocking
// again (overdue.go). Possible duplicates are judged — not the same person,
// or merge — by supervisors and admins only, with the same changes as
// fieldctl duplicates dismiss and merge (duplicates.go).
//
// # Arabic and right-to-left text
//
// Fyne's bundled font has no Arabic glyphs, so the theme puts the embedded
// Noto Sans Arabic in front of it (Latin letters fall through to Fyne's Noto
// Sans). Fyne 2.7 shapes Arabic correctly, word by word, but lays out left to
// right only: layouts are not mirrored, and a line mixing Arabic with numbers
// or Latin names would show its parts out of order. So in Arabic every text
// is aligned to the right, and lines go through visualRTL, which hands Fyne
// the parts in the order a reader expects and swaps brackets (Fyne does not
// mirror them). Check boxes, radio buttons and the order of form columns are
// still left to right.
package app

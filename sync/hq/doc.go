// Package hq is Fieldreg's headquarters server: it keeps every device's
// changes in one encrypted store, hands each device the changes of its
// sites, enrolls devices, and answers an operator's admin commands while it
// runs.
//
// Glossary:
//
//   - HQ workspace: a store.Workspace in the data directory, sealed like a
//     device's. HQ's own state (the CA, the server certificate, devices,
//     enrollment tokens, the bundle key) is sealed meta in it.
//   - Device: an enrolled installation. Its HQ id is the common name of the
//     client certificate HQ issued; its replica id is the device id of its
//     workspace (the Device of every change it makes). HQ binds the two at
//     the first sync and refuses any other pairing after.
//   - Acked: the highest device sequence number HQ holds for a device with
//     every smaller one held too (quarantined changes count: they never
//     block the queue).
//   - Cursor: a position in HQ's change log. A device pulls the changes
//     after its cursor that concern its sites or records it wrote.
//   - Scope: which records a device may receive. A household belongs to its
//     site; a person or an assessment follows its household.
//   - Ingest: the single goroutine that writes to the store. Concurrent
//     requests queue there and are committed together, one fsync for many
//     devices (group commit).
//   - Admin socket: a unix socket in the data directory, owner-only, on which
//     a running server answers the same admin commands the CLI would run on
//     the data directly.
package hq

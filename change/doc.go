// Package change holds what every replica of a Fieldreg workspace agrees on:
// the hybrid logical clock, the change format, and the merge rule.
//
// It has no I/O and depends only on the standard library and uuid, so the store
// (which keeps the change log) and the sync packages (which move it) share it.
//
// Glossary:
//
//   - Stamp: a hybrid logical clock reading — 48-bit Unix milliseconds and a
//     16-bit counter packed in one uint64 — plus the device that made it, which
//     breaks ties. Stamps are totally ordered and unique per device.
//   - Change: one author's edit of one record on one device: the device id and
//     the device's sequence number (which together make the change idempotent),
//     the record id and kind, the author, one stamp, and the field writes.
//   - Write: a new value for one field, with the stamp of the value the author
//     saw (its base). A deletion is a write of "true" to the field "_deleted".
//   - Version: a write as kept in a record, so that the merge result is a
//     function of the set of writes, whatever order they arrived in.
//   - Head: a version no other version names as its base. More than one head
//     with different values is a conflict.
package change

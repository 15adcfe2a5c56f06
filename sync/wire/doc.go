// Package wire defines the sync protocol's messages and their encoding.
//
// A device and HQ exchange one message each way per round trip: a
// SyncRequest carries a push batch (the device's changes HQ has not yet
// acknowledged) and a pull request (HQ's changes after the device's cursor);
// a SyncResponse carries the acknowledgement, quarantined changes, the pulled
// changes and the new cursor. Enrollment has its own pair of messages, and any
// refusal is an Error with a numeric Code.
//
// Encoding: deterministic CBOR (RFC 8949 core deterministic encoding) with
// small integer map keys, so the same message always gives the same bytes.
// Every message carries Version. A body on the wire is Compress(Encode…(m));
// the receiver calls Decompress(body, limits.MaxBody) and then Decode….
//
// Domain types (change.Change) are converted to compact wire types at the
// boundary, never sent as they are:
//
//   - A batch of changes is stored by column (batch.go): each change names
//     its layout, the list of fields it writes, and the values of each field
//     travel together, where they compress well.
//   - A change omits its device id when it is the previous change's, its
//     sequence number when it follows that device's previous one, and its
//     kind, author and form ref when they repeat; its clock reading is a difference
//     from the same device's previous one.
//   - A stamp names its device only when that is not the change's own.
//   - A value that is a canonical date, boolean, uuid or integer travels
//     typed (values.go).
//
// Decoding undoes all of this. The conversion is lossless for any change,
// valid or not, so that HQ can quarantine a bad change exactly as received.
//
// Glossary:
//
//   - Device seq (change.Change.DeviceSeq, PushResult.DeviceSeq): a
//     device's count of its own changes, 1, 2, 3…; with the device id it
//     names a change everywhere.
//   - Log seq (PulledChange.LogSeq): a change's place in HQ's change log.
//     HQ numbers every change it accepts, its own devices' and others'.
//   - Push: changes made on the device, in device seq order, starting at
//     PushFrom (the first device seq HQ has not acknowledged).
//   - Acked: the highest device seq HQ has stored, with every smaller one
//     stored too. The device sends again from Acked+1.
//   - Cursor: the HQ log seq up to which a device has received what it may
//     receive, so a cursor resumes a pull exactly.
//   - Quarantine: a pushed change HQ refused (invalid, clock ahead…). It is
//     acknowledged so it never blocks the queue, and reported in Results.
//   - Order: an instruction from HQ to the device (wipe, revoked).
//   - Limits: bounds on what a decoder accepts, checked before allocating.
package wire

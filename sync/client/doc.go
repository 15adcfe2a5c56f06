// Package client is the device side of sync: it enrolls a workspace with
// HQ, then pushes the device's changes and pulls its sites' changes in
// resumable round trips over whatever link there is, and moves the same
// changes through bundle files when there is none.
//
// Glossary:
//
//   - Enrollment: the device's Ed25519 key, the certificate HQ issued for it,
//     HQ's CA certificate and address, the device's team and sites. Sealed in
//     the workspace meta, like everything else in the workspace.
//   - Acked: the highest device seq (change.Change.DeviceSeq) HQ has
//     confirmed it holds (with every smaller one). The next push starts
//     after it.
//   - Cursor: the last HQ log seq (wire.PulledChange.LogSeq) the device has
//     pulled. It is written
//     in the same store transaction as the changes pulled with it, so it is
//     never ahead of them, whatever moment the link or the battery dies.
//   - Round: one request and its response: a push batch and a pull batch,
//     each bounded in bytes by a wire.Batcher that grows on success and halves
//     after a cut, so a cut costs at most one batch.
//   - Transport: how a round reaches HQ — HTTPS with mutual TLS by default;
//     tests plug in an in-memory one.
package client

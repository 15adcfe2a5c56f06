// Package hq is Fieldreg's headquarters server: it keeps every device's
// changes in one encrypted store, hands each device the changes of its
// sites, enrolls devices, and answers an operator's admin commands while it
// runs.
//
// Glossary:
//
//   - HQ store: what HQ keeps its log and records in, through the Store
//     interface (store/storetest holds the contract's conformance suite).
//     Open uses a store.Workspace in the data directory, sealed like a
//     device's; OpenStore takes any other. HQ's own state (the CA, the
//     server certificate, devices, enrollment tokens, acknowledgements) is
//     meta in it, written with the changes of each batch.
//   - Device: an enrolled installation. Its HQ id is the common name of the
//     client certificate HQ issued; its replica id is the device id of its
//     workspace (the Device of every change it makes). HQ binds the two at
//     the first sync and refuses any other pairing after.
//   - Acked: the highest device seq (change.Change.DeviceSeq) HQ holds for a
//     device with every smaller one held too (quarantined changes count:
//     they never block the queue). A change the device could not read back
//     from its own store comes as a placeholder (store.IsSetAside): HQ
//     quarantines it with the device's reason, so the run goes on and the
//     quarantine shows what was lost; the protocol needs no gaps.
//   - Log seq: a change's place in HQ's change log, numbered by HQ's store
//     as it stores it (store.Result.LogSeq, wire.PulledChange.LogSeq).
//   - Cursor: a log seq. A device pulls the changes after its cursor that
//     concern its sites: scope alone decides what it reads, never having
//     written a record.
//   - Scope: which records a device may receive. A household belongs to its
//     site; a person or an assessment follows its household.
//   - Ingest: the single goroutine that writes to the store. Concurrent
//     requests queue there and are committed together, one fsync for many
//     devices (group commit).
//   - Quarantine: the pushed changes HQ holds instead of storing (refused by
//     the forms, or stamped more than MaxClockAhead ahead of HQ's clock). A
//     household and its members pushed together are held whole (a unit). A
//     supervisor lists them and releases (checks again, stores) or drops a
//     unit; a unit held for its clock alone HQ releases itself once its
//     clock catches up. Each device is told, change by change (Outcome).
//   - Authorization: every pushed change is checked against the pushing
//     device's scope, never its Author (a claim HQ cannot verify): a device
//     writes records at its sites or that it created, and creates records
//     only at its sites (authorize.go). A refused change is not stored and
//     not quarantined (no release can make it right); the device is told
//     wire.CodeForbidden as an outcome and its queue goes on.
//   - Pull audit: each pull that gives a device changes is in the audit
//     chain, with the ids of the records (not their values), before the
//     device is answered; Pulled (fieldreg-hq pulled) lists them.
//   - Published form: a form version an admin published (PublishForms,
//     forms.go), kept in the store under its publish seq, never changed
//     after. HQ's forms are the built-ins plus these; devices receive those
//     after their form cursor in a sync (within their batch budget, before
//     any change) or all of them in a return bundle. Enrollment and scope
//     take only sites the current household form lists.
//   - Admin: the operator's operations, typed methods of the Admin
//     interface. *Server runs them on the data it opened; *AdminClient sends
//     them to the server running on a data directory.
//   - Admin socket: a unix socket in the data directory, owner-only, on which
//     a running server answers Admin requests: one CBOR request naming the
//     operation, one CBOR answer with the result or a numeric error code
//     the client turns back into the sentinel of errors.go.
//
// Decisions worth knowing:
//
//   - The enrollment request does not carry the workspace's device id, so HQ
//     binds the certificate to the first workspace id that syncs with it and
//     refuses any other pairing (and any change not made by that workspace).
//   - Bundles need no extra keys: a device encrypts to HQ's CA key and signs
//     with its enrolled key; HQ's return bundle is encrypted to the device's
//     key and signed by the CA key (age's ssh-ed25519 recipient converts the
//     Ed25519 keys to X25519).
//   - Scope is evaluated when a device pulls, against the record's current
//     site, and follows the data (scopefollow.go). A household that moves
//     out of a device's sites is evicted: the pull that passes the move
//     lists it in SyncResponse.Evict, and the device removes it with its
//     members and assessments once HQ holds all of its own changes. One
//     that moves in arrives whole: every earlier change of its records comes
//     with the move. `fieldreg-hq scope DEVICE --sites S1,S2` (SetSites)
//     re-scopes a device: its next pulls evict the households of the sites
//     it lost and start again from the beginning of the log until it
//     confirms the new generation (SyncRequest.Scope). A return bundle
//     carries the same evictions and generation (bundle.go), applied
//     without waiting for HQ to hold the device's changes. Devices holding
//     all sites ("*") are unaffected.
//   - A wipe order goes out after HQ has stored what the device pushed in
//     that same request, so nothing typed is lost to the order. A revoked
//     device is told to wipe too (the order is checked before the
//     revocation), but nothing it pushes is stored.
//   - What comes from outside is bounded before HQ allocates for it. Per
//     path, a body limit (enrollment 64 KiB, sync the decoded size of the
//     largest push with room to spare, see syncLimits), checked against a
//     declared length before reading; the CBOR data items of a message are
//     counted before decoding (wire.Limits.MaxItems: an empty map is one
//     byte on the wire and over a hundred in memory). Syncs are decoded
//     and run at most Config.MaxSyncs at once and one per device, the rest
//     refused as unavailable (devices retry); connections beyond
//     Config.MaxConns wait to be accepted. Nothing that needs no
//     certificate (enrollment) costs more than its 64 KiB before its token
//     is checked, and no certificate is signed for a request without a
//     usable token.
//   - Slow links are told from stalling ones by progress, not by fixed
//     timeouts (see http.go): on 64 kbit/s with 600 ms round trips a
//     1 MiB push takes two minutes or more, so an upload or answer gets
//     Config.TransferGrace to start and must then average 1 KiB/s; the
//     handshake and headers get the same grace. A connection that trickles
//     is cut after the grace, and one that keeps 1 KiB/s holds at most its
//     path's body limit.
//   - A device is its enrolled key: a client certificate of HQ's CA that
//     names a device but carries another key is refused.
//   - An enrollment answer lost on a bad link can be asked for again with
//     the same key until the code would have expired; any other key is
//     refused, so the code stays single-use.
package hq

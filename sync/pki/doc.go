// Package pki makes HQ its own small certificate authority and gives devices
// what they need to trust it.
//
// The flow: HQ creates a CA once (NewCA) and a server certificate signed by
// it. `fieldreg-hq enroll` prints an EnrollCode — HQ's address, the SHA-256
// fingerprint of HQ's server certificate, and a one-time token — as text and as
// a QR image. The device makes an Ed25519 key, connects with
// PinnedTLSConfig (which trusts exactly the certificate with that
// fingerprint: no CA is known yet), sends the token and its public key, and
// gets back a client certificate (IssueDevice) and the CA certificate. Every
// later connection is mutual TLS: the device checks HQ's certificate against
// the CA (DeviceTLSConfig), HQ checks the device's (ServerTLSConfig) and reads
// the device id from it (DeviceID).
//
// Host names are not checked by devices: HQ's address changes (a laptop on a
// café network, a satellite terminal's NAT) while its CA does not.
//
// Every key is Ed25519. Nothing here reads the clock: callers pass now.
package pki

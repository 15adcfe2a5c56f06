// Package store keeps a Fieldreg workspace: an encrypted bbolt database of
// records, their change log and an audit chain, unlocked by a per-user
// passphrase. The full format description follows with the implementation.
package store

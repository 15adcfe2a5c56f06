//go:build !linux

package store

import bolt "go.etcd.io/bbolt"

// releaseMapped is advice only Linux (and Android) takes; elsewhere the
// kernel decides alone.
func releaseMapped(db *bolt.DB) {}

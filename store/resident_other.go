//go:build !linux

package store

import "fieldreg/store/kv"

// releaseMapped is advice only Linux (and Android) takes; elsewhere the
// kernel decides alone.
func releaseMapped(kv.DB) {}

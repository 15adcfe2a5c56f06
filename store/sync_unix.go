//go:build !windows

package store

func isSyncUnsupported(error) bool { return false }

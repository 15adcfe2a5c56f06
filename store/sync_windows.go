//go:build windows

package store

// Windows cannot fsync a directory handle; its file system orders metadata
// updates itself.
func isSyncUnsupported(error) bool { return true }

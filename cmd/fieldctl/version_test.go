package main

import (
	"strings"
	"testing"
)

// TestVersion: --version and version print one line naming fieldctl and its
// version, without a workspace or a passphrase.
func TestVersion(t *testing.T) {
	w := emptyWorkspace(t).withEnv("FIELDREG_PASSPHRASE", "")
	long := w.ok("--version")
	if !strings.HasPrefix(long, "fieldctl ") || strings.Count(long, "\n") != 1 {
		t.Errorf("fieldctl --version: %q, want one line naming fieldctl", long)
	}
	if short := w.ok("version"); short != long {
		t.Errorf("fieldctl version: %q; --version said %q", short, long)
	}
	w.fails(exitUsage, []string{"usage: fieldctl version"}, "version", "extra")
}

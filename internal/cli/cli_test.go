package cli

import (
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"testing"

	"fieldreg/store"
)

func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{errors.New("disk full"), ExitFailure},
		{Usagef("want one record id"), ExitUsage},
		{fmt.Errorf("list: %w", Setupf("no passphrase")), ExitUsage},
		{fmt.Errorf("open workspace /x: %w", store.ErrWrongPassphrase), ExitWrongPassphrase},
		{fmt.Errorf("open workspace /x: %w", store.ErrInUse), ExitInUse},
	} {
		if got := ExitCode(tc.err); got != tc.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

func TestErrorLine(t *testing.T) {
	if got := ErrorLine("fieldctl", "first\n  second\n\n"); got != "fieldctl: first; second" {
		t.Errorf("a multi-line error is not one line: %q", got)
	}
}

func TestParseFlags(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		wantArgs []string
		wantJSON bool
	}{
		{[]string{"ID", "--json"}, []string{"ID"}, true},
		{[]string{"--json", "ID"}, []string{"ID"}, true},
		{[]string{"--", "--json"}, []string{"--json"}, false},
		{[]string{"a", "--", "-h"}, []string{"a", "-h"}, false},
		{nil, nil, false},
	} {
		fs := NewFlags("show")
		asJSON := fs.Bool("json", false, "")
		got, err := ParseFlags(fs, tc.args, func() { t.Errorf("%q: help shown", tc.args) })
		if err != nil || !slices.Equal(got, tc.wantArgs) || *asJSON != tc.wantJSON {
			t.Errorf("%q: args %q json %v err %v, want %q %v", tc.args, got, *asJSON, err, tc.wantArgs, tc.wantJSON)
		}
	}
	for _, help := range []string{"-h", "--help", "-help"} {
		shown := false
		if _, err := ParseFlags(NewFlags("show"), []string{"ID", help}, func() { shown = true }); !errors.Is(err, ErrHelpShown) || !shown {
			t.Errorf("%s: %v, help shown %v", help, err, shown)
		}
	}
	if _, err := ParseFlags(NewFlags("show"), []string{"--bogus"}, func() {}); ExitCode(err) != ExitUsage {
		t.Errorf("unknown flag: %v, want a usage error", err)
	}
}

func TestVersionLine(t *testing.T) {
	built := &debug.BuildInfo{Main: debug.Module{Path: "fieldreg", Version: "v0.3.1"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "6509e5f0123456789abcdef"}, {Key: "vcs.time", Value: "2026-12-01T09:00:00Z"}, {Key: "vcs.modified", Value: "true"},
	}}
	for _, tc := range []struct {
		name     string
		override string
		info     *debug.BuildInfo
		want     string
	}{
		{"release build", "", built, "fieldctl v0.3.1 revision 6509e5f01234+modified 2026-12-01T09:00:00Z"},
		{"-ldflags -X", "v1.0.0", built, "fieldctl v1.0.0 revision 6509e5f01234+modified 2026-12-01T09:00:00Z"},
		{"no VCS", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "fieldctl (devel)"},
		{"no build info", "", nil, "fieldctl (devel)"},
	} {
		if got := versionLine("fieldctl", tc.override, tc.info); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

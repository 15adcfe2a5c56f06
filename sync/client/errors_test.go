package client_test

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"fieldreg/assets/i18n"
	"fieldreg/change"
	"fieldreg/store"
	"fieldreg/sync/client"
	"fieldreg/sync/wire"
)

// Every error Sync, Enroll and the bundle functions return has a
// plain-words explanation in the catalogue, in every language, found through
// wrapping; the reasons a user must act on differently are explained apart.
func TestExplainKey(t *testing.T) {
	tests := []struct {
		name string // the sentinel, for the coverage check below; "" for others
		err  error
		want string
	}{
		{"ErrNotEnrolled", client.ErrNotEnrolled, "sync_error.not_enrolled"},
		{"ErrRevoked", fmt.Errorf("%w: %v", client.ErrRevoked, &wire.Error{Code: wire.CodeRevoked}), "sync_error.revoked"},
		{"ErrWiped", client.ErrWiped, "sync_error.wiped"},
		{"ErrUnreachable", fmt.Errorf("sync: %w", client.ErrUnreachable), "sync_error.unreachable"},
		{"ErrRefused", fmt.Errorf("%w: %w", client.ErrRefused, &wire.Error{Code: wire.CodeBadRequest}), "sync_error.refused"},
		{"ErrAlreadyEnrolled", client.ErrAlreadyEnrolled, "sync_error.already_enrolled"},
		{"ErrRestoredCopy", client.ErrRestoredCopy, "sync_error.restored_copy"},
		{"", change.ErrClockAhead, "sync_error.clock"},
		{"", fmt.Errorf("%w: %w", client.ErrRefused, &wire.Error{Code: wire.CodeClockAhead}), "sync_error.clock"},
		{"", fmt.Errorf("%w: %w", client.ErrRefused, &wire.Error{Code: wire.CodeUnauthorized}), "sync_error.unauthorized"},
		{"", fmt.Errorf("%w: %w", client.ErrRefused, &wire.Error{Code: wire.CodeVersion}), "sync_error.version"},
		{"", fmt.Errorf("this device: read own changes: %w", store.ErrCorrupt), "sync_error.damaged"},
		{"", fmt.Errorf("this device: store pulled changes: %w", store.ErrTooLarge), "sync_error.storage_full"},
		// While a sync waits to retry, it explains the attempt that failed.
		{"ErrStalled", fmt.Errorf("%w (nothing for 30s)", client.ErrStalled), "sync_error.stalled"},
		{"ErrLinkLost", fmt.Errorf("%w: %w", client.ErrLinkLost, context.DeadlineExceeded), "sync_error.link"},
		{"ErrGarbled", fmt.Errorf("%w: zstd: bad magic", client.ErrGarbled), "sync_error.garbled"},
		{"", &wire.Error{Code: wire.CodeUnavailable}, "sync_error.hq_busy"},
		{"", &wire.Error{Code: wire.CodeInternal}, "sync_error.hq_busy"},
		{"", &wire.Error{Code: wire.CodeTooLarge}, "sync_error.too_large"},
		// A sync that ran out of time says so, whatever the last attempt met.
		{"", fmt.Errorf("sync: %w: %w", client.ErrUnreachable, client.ErrStalled), "sync_error.unreachable"},
		// Refused at the TLS layer: not a link problem, though the link reported it.
		{"", fmt.Errorf("%w: the server is not this device's HQ: %w", client.ErrRefused, client.ErrLinkLost), "sync_error.refused"},
		{"", errors.New("disk on fire"), "sync_error.other"},
		{"", nil, ""},
	}
	c := i18n.Builtin()
	covered := map[string]bool{}
	for _, tt := range tests {
		got := client.ExplainKey(tt.err)
		if got != tt.want {
			t.Errorf("ExplainKey(%v) = %q, want %q", tt.err, got, tt.want)
		}
		if got != "" && !c.Has(got) {
			t.Errorf("ExplainKey(%v) = %q: not in the catalogue", tt.err, got)
		}
		covered[tt.name] = true
	}
	for _, name := range sentinels(t) {
		if !covered[name] {
			t.Errorf("client.%s has no row in this test: which explanation does a user get?", name)
		}
	}
	if en, fr := c.Lookup("en", client.ExplainKey(client.ErrRevoked)), c.Lookup("fr", client.ExplainKey(client.ErrRevoked)); en == fr {
		t.Errorf("revoked is explained in English to a French user: %q", fr)
	}
}

// sentinels returns the names of the package's exported Err… variables.
func sentinels(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
				for _, spec := range gd.Specs {
					for _, n := range spec.(*ast.ValueSpec).Names {
						if strings.HasPrefix(n.Name, "Err") {
							names = append(names, n.Name)
						}
					}
				}
			}
		}
	}
	if len(names) < 7 {
		t.Fatalf("found only %v", names)
	}
	return names
}

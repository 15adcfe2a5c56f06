package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fieldreg/sync/client"
	"fieldreg/sync/wire"
)

// A field worker watching a sync on a bad link reads what happened in
// plain words, never the network's own error text.
func TestRetryLinesArePlainWords(t *testing.T) {
	tests := []struct {
		err  error
		want string // in the line
	}{
		{fmt.Errorf("%w: Post \"https://hq:7443/v1/sync\": %w", client.ErrLinkLost, context.DeadlineExceeded), "connection to HQ was lost"},
		{fmt.Errorf("%w (nothing for 30s)", client.ErrStalled), "stopped passing data"},
		{fmt.Errorf("%w: zstd: invalid input: magic number mismatch", client.ErrGarbled), "damaged on the way"},
		{&wire.Error{Code: wire.CodeUnavailable, Message: "ingest queue full"}, "HQ is busy"},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		e := &env{stderr: &stderr, getenv: func(string) string { return "" }, now: time.Now}
		status := make(chan client.Status, 1)
		status <- client.Status{Phase: client.Waiting, Attempt: 3, Err: tt.err, RetryIn: 1500 * time.Millisecond}
		close(status)
		showSyncProgress(e, status)
		line := stderr.String()
		if !strings.Contains(line, tt.want) || !strings.Contains(line, "attempt 3") || !strings.Contains(line, "1.5s") {
			t.Errorf("retry line %q, want %q, the attempt and the wait", line, tt.want)
		}
		for _, raw := range []string{"context deadline", "zstd", "https://", "queue full", "Post "} {
			if strings.Contains(line, raw) {
				t.Errorf("retry line %q shows the raw error (%q)", line, raw)
			}
		}
	}
}

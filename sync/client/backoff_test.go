package client

import (
	"testing"
	"time"
)

// The default backoff: a first failure since HQ last answered is retried
// at once (a cut link is mostly back straight away), failures in a row
// wait longer, never over a minute, always with jitter in the range.
func TestDefaultBackoff(t *testing.T) {
	tests := []struct {
		attempt  int
		min, max time.Duration
	}{
		{1, 0, firstRetryJitter},
		{2, 500 * time.Millisecond, time.Second},
		{3, time.Second, 2 * time.Second},
		{7, 16 * time.Second, 32 * time.Second},
		{8, 30 * time.Second, time.Minute},
		{50, 30 * time.Second, time.Minute},
	}
	for _, tt := range tests {
		for range 100 {
			if d := defaultBackoff(tt.attempt); d < tt.min || d > tt.max {
				t.Fatalf("defaultBackoff(%d) = %s, want within [%s, %s]", tt.attempt, d, tt.min, tt.max)
			}
		}
	}
}

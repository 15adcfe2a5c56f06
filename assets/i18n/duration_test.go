package i18n

import (
	"testing"
	"time"
)

func TestRoughDuration(t *testing.T) {
	c := Builtin()
	tests := []struct {
		lang string
		d    time.Duration
		want string
	}{
		{"en", 11 * time.Minute, "11 minutes"},
		{"en", time.Minute, "1 minute"},
		{"en", time.Hour + 59*time.Minute, "1 hour"},
		{"en", 5 * time.Hour, "5 hours"},
		{"en", 24*time.Hour + 3*time.Minute, "1 day"},
		{"en", 73 * time.Hour, "3 days"},
		{"fr", 73 * time.Hour, "3 jours"},
		{"es", 24 * time.Hour, "1 día"},
		{"ar", 5 * time.Hour, "5 ساعات"},
	}
	for _, tt := range tests {
		if got := c.RoughDuration(tt.lang, tt.d); got != tt.want {
			t.Errorf("RoughDuration(%s, %v) = %q, want %q", tt.lang, tt.d, got, tt.want)
		}
	}
}

package app

import (
	"testing"
	"time"
)

func TestUnlockDelayGrowsThenCaps(t *testing.T) {
	for _, tc := range []struct {
		failures int
		want     time.Duration
	}{
		{0, 0}, {1, 0}, {2, 0},
		{3, 5 * time.Second},
		{4, 10 * time.Second},
		{5, 20 * time.Second},
		{8, 160 * time.Second},
		{9, maxUnlockWait},
		{1000, maxUnlockWait},
	} {
		if got := unlockDelay(tc.failures); got != tc.want {
			t.Errorf("unlockDelay(%d) = %v, want %v", tc.failures, got, tc.want)
		}
	}
}

func TestPassphraseStrength(t *testing.T) {
	for _, tc := range []struct {
		pass string
		want strength
	}{
		{"", strengthTooShort},
		{"abc123", strengthTooShort},
		{"abcdefghij", strengthWeak},
		{"abcdefgh12", strengthWeak},
		{"Abcdefgh12", strengthFair},
		{"abcdefghij1234", strengthFair},
		{"blue camel river lamp", strengthStrong},
		{"aaaaaaaaaaaaaaaaaaaa", strengthStrong},
		{"مرحبا بكم في المخيم", strengthStrong},
	} {
		if got := passphraseStrength(tc.pass); got != tc.want {
			t.Errorf("passphraseStrength(%q) = %v, want %v", tc.pass, got, tc.want)
		}
	}
}

package app

import (
	"strings"
	"time"
	"unicode"

	"fieldreg/store"
)

// Wrong passphrases cost nothing for the first few tries (people mistype on
// a tablet keyboard), then each further failure doubles the wait, up to a
// cap: guessing by hand becomes hopeless, a real user is never locked out for
// good. Argon2id makes each try slow as well; this stops a patient guesser at
// the screen.
const (
	freeUnlockTries = 3
	firstUnlockWait = 5 * time.Second
	maxUnlockWait   = 5 * time.Minute
)

// unlockDelay is how long to wait after the given number of consecutive failures.
func unlockDelay(failures int) time.Duration {
	if failures < freeUnlockTries {
		return 0
	}
	d := firstUnlockWait
	for i := freeUnlockTries; i < failures; i++ {
		d *= 2
		if d >= maxUnlockWait {
			return maxUnlockWait
		}
	}
	return d
}

// strength is a rough passphrase strength, for the hint under the field.
type strength int

const (
	strengthTooShort strength = iota // refused
	strengthWeak
	strengthFair
	strengthStrong
)

// passphraseStrength judges length first: a long phrase of plain words
// beats a short one full of symbols, and is easier to type in the field.
func passphraseStrength(p string) strength {
	n := len([]rune(p))
	if n < store.MinPassphraseLen {
		return strengthTooShort
	}
	classes := 0
	for _, has := range []func(rune) bool{unicode.IsLower, unicode.IsUpper, unicode.IsDigit, isSymbol} {
		if strings.IndexFunc(p, has) >= 0 {
			classes++
		}
	}
	words := len(strings.Fields(p))
	switch {
	case n >= 20 || (words >= 4 && n >= 16):
		return strengthStrong
	case n >= 14 && classes >= 2, classes >= 3:
		return strengthFair
	}
	return strengthWeak
}

func isSymbol(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r) }

func (s strength) key() string {
	switch s {
	case strengthTooShort:
		return "passphrase.too_short"
	case strengthWeak:
		return "passphrase.weak"
	case strengthFair:
		return "passphrase.fair"
	}
	return "passphrase.strong"
}

// passphraseHints are every text the hint under a new passphrase may show.
func (u *UI) passphraseHints() []string {
	hints := []string{u.tr.T("passphrase.hint")}
	for s := strengthTooShort; s <= strengthStrong; s++ {
		hints = append(hints, u.tr.T(s.key()))
	}
	return hints
}

package store

import (
	"fmt"
	"unicode/utf8"
)

// MinPassphraseLen is the fewest characters a new passphrase may have.
// Argon2id slows each guess down; it cannot save a short word. Ten
// characters is two or three plain words, still quick to type in the field.
const MinPassphraseLen = 10

// CheckPassphrase says why a passphrase cannot protect a key slot, or nil.
// Create, AddUser and SetPassphrase apply it; front ends call it first to
// say so while the user types.
func CheckPassphrase(p []byte) error {
	if !utf8.Valid(p) {
		return fmt.Errorf("%w: not valid UTF-8 text", ErrWeakPassphrase)
	}
	if n := utf8.RuneCount(p); n < MinPassphraseLen {
		return fmt.Errorf("%w: %d characters, at least %d needed", ErrWeakPassphrase, n, MinPassphraseLen)
	}
	return nil
}

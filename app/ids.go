package app

import (
	"encoding/hex"
	"strings"
	"unicode"

	"github.com/google/uuid"

	"fieldreg/registry"
)

// newID is a new record id bound to the workspace device that makes it
// (registry.NewIDFor): HQ lets no other device create a record under it.
func newID(device uuid.UUID) uuid.UUID { return registry.NewIDFor(device) }

// registrationNumber is how a household is named aloud and on paper: the
// last eight hex digits of its id, in two groups ("4F2A-91C0"). They are
// part of the id's device tag (registry.NewIDFor), a hash of its random
// bits, so as good as random; its first ones are the time, the same for
// every household registered within a minute. Eight digits are enough to
// find the household again on this device's list (the search shows any
// that share them); the full id stays the key.
func registrationNumber(id uuid.UUID) string {
	s := strings.ToUpper(hex.EncodeToString(id[12:16]))
	return s[:4] + "-" + s[4:8]
}

// registrationPrefix reads a search as the start of a registration number:
// four to eight hex digits, the dash after the fourth optional, in either
// case ("4F2A-91C0", "4f2a91", "4F2A-"). It wants a digit or the dash, so a
// name that happens to be hex ("Abbe", "Deda") is searched as a name. It
// returns the hex digits in lower case.
func registrationPrefix(q string) (string, bool) {
	q = strings.TrimSpace(q)
	dash := len(q) > 4 && q[4] == '-'
	if dash {
		q = q[:4] + q[5:]
	}
	if len(q) < 4 || len(q) > 8 {
		return "", false
	}
	digit := false
	for _, r := range q {
		switch {
		case unicode.IsDigit(r) && r < 0x80:
			digit = true
		case (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F'):
		default:
			return "", false
		}
	}
	if !digit && !dash {
		return "", false
	}
	return strings.ToLower(q), true
}

// hasRegistrationPrefix reports whether a household's number starts with
// prefix (from registrationPrefix).
func hasRegistrationPrefix(id uuid.UUID, prefix string) bool {
	return strings.HasPrefix(hex.EncodeToString(id[12:16]), prefix)
}

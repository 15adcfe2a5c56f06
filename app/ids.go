package app

import (
	"strings"

	"github.com/google/uuid"

	"fieldreg/registry"
)

func newID() uuid.UUID { return registry.NewID() }

// registrationNumber is how a household is named aloud and on paper: the
// first eight hex digits of its id, in two groups ("4F2A-91C0"). It is
// enough to find the household again on this device's list; the full id
// stays the key.
func registrationNumber(id uuid.UUID) string {
	s := strings.ToUpper(strings.ReplaceAll(id.String(), "-", ""))
	return s[:4] + "-" + s[4:8]
}

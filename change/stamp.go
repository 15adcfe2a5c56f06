package change

import (
	"bytes"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Stamp is a hybrid logical clock reading. HLC packs milliseconds since the
// Unix epoch in its top 48 bits and a logical counter in its low 16 bits.
// Device breaks ties between equal HLC values from different devices.
type Stamp struct {
	HLC    uint64
	Device uuid.UUID
}

const counterBits = 16

// MakeHLC packs a wall-clock time in milliseconds and a counter.
func MakeHLC(ms int64, counter uint16) uint64 {
	return uint64(ms)<<counterBits | uint64(counter)
}

// Millis returns the wall-clock part of the stamp in Unix milliseconds.
func (s Stamp) Millis() int64 { return int64(s.HLC >> counterBits) }

// Counter returns the logical part of the stamp.
func (s Stamp) Counter() uint16 { return uint16(s.HLC) }

// Time returns the wall-clock part of the stamp.
func (s Stamp) Time() time.Time { return time.UnixMilli(s.Millis()).UTC() }

// IsZero reports whether s is the zero stamp, the base of a field never set.
func (s Stamp) IsZero() bool { return s.HLC == 0 && s.Device == uuid.Nil }

// Compare orders stamps by HLC, then by device id. It returns -1, 0 or +1.
func (s Stamp) Compare(o Stamp) int {
	switch {
	case s.HLC < o.HLC:
		return -1
	case s.HLC > o.HLC:
		return 1
	}
	return bytes.Compare(s.Device[:], o.Device[:])
}

// String formats a stamp for logs and the audit trail.
func (s Stamp) String() string {
	if s.IsZero() {
		return "0"
	}
	return fmt.Sprintf("%s.%d@%s", s.Time().Format("2006-01-02T15:04:05.000Z"), s.Counter(), s.Device)
}

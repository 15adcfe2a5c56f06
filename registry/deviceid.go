package registry

import (
	"crypto/sha256"

	"github.com/google/uuid"
)

// Device-bound record ids. A record id made by NewIDFor names the device
// (the workspace) that made it: HQ lets no other device create a record
// under it (hq/authorize.go), so a device that learns the id of a record
// another has made but not yet synced cannot take it first. The id is laid
// out as a UUIDv7 — its first 48 bits the Unix time in milliseconds, so
// ids still sort by creation — with version 8 ("custom", RFC 9562) and its
// last 40 bits a tag: the first 5 bytes of SHA-256 of a context string,
// the device's id and the id's first 11 bytes. 34 random bits are left per
// millisecond and device.
//
// The tag is no secret and needs none: a device's changes carry its id,
// authenticated at HQ. To create a record under another device's id, a
// hostile device would need a workspace id whose tag matches, about 2^40
// hashes, and an enrollment to sync it — for each id it wants.

// idTagContext separates the tag from any other hash of a device id.
const idTagContext = "fieldreg record id v8\x00"

const idTagAt = 11 // the tag is id[idTagAt:]

// NewIDFor returns a new record id bound to the workspace device.
func NewIDFor(device uuid.UUID) uuid.UUID {
	id := uuid.Must(uuid.NewV7())
	id[6] = id[6]&0x0f | 0x80 // version 8
	copy(id[idTagAt:], idTag(device, id))
	return id
}

// DeviceBound reports whether id names the device that made it (NewIDFor);
// ids made by NewID, and before device-bound ids, do not.
func DeviceBound(id uuid.UUID) bool {
	return id.Version() == 8 && id.Variant() == uuid.RFC4122
}

// MadeBy reports whether the device-bound id was made by device.
func MadeBy(id, device uuid.UUID) bool {
	if !DeviceBound(id) {
		return false
	}
	tag := idTag(device, id)
	for i, b := range tag {
		if id[idTagAt+i] != b {
			return false
		}
	}
	return true
}

func idTag(device, id uuid.UUID) []byte {
	h := sha256.New()
	h.Write([]byte(idTagContext))
	h.Write(device[:])
	h.Write(id[:idTagAt])
	return h.Sum(nil)[:16-idTagAt]
}

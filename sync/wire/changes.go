package wire

import (
	"fmt"

	"github.com/google/uuid"

	"fieldreg/change"
)

// wireChange is change.Change in its compact wire form. What an omitted
// field means is written beside it; changeCoder applies the rules.
type wireChange struct {
	Device        []byte      `cbor:"1,keyasint,omitempty"` // omitted: same as previous change
	DeviceSeqSkip uint64      `cbor:"2,keyasint,omitempty"` // DeviceSeq - (previous DeviceSeq of this device + 1), wrapping
	Record        []byte      `cbor:"3,keyasint,omitempty"`
	Kind          *string     `cbor:"4,keyasint,omitempty"` // omitted: same as previous change
	Author        *string     `cbor:"5,keyasint,omitempty"` // omitted: same as previous change
	Millis        uint64      `cbor:"6,keyasint,omitempty"` // stamp's milliseconds - previous ones of this device, wrapping
	Layout        uint32      `cbor:"7,keyasint,omitempty"` // index in the batch's Layouts: which fields the change writes
	Counter       uint16      `cbor:"9,keyasint,omitempty"` // stamp's logical counter, usually 0
	Writes        []wireWrite `cbor:"-"`                    // travel in the batch's Columns
	// StampDevice is set only for a change whose stamp names another device
	// (invalid, but carried so it can be quarantined as received).
	StampDevice []byte `cbor:"8,keyasint,omitempty"`
	// Form is the ref of the form the change was written with; omitted:
	// same as previous change, and a batch starts from "" (no ref), so a
	// batch from before forms were versioned decodes as it did.
	Form *string `cbor:"10,keyasint,omitempty"`
}

type wireWrite struct {
	Field      string      `cbor:"1,keyasint,omitempty"` // empty in a column: the column names the field
	Value      string      `cbor:"2,keyasint,omitempty"`
	BaseHLC    uint64      `cbor:"3,keyasint,omitempty"`
	BaseDevice []byte      `cbor:"4,keyasint,omitempty"` // omitted: see defaultDevice
	Resolves   []wireStamp `cbor:"5,keyasint,omitempty"`
	// A value in one of these canonical forms travels as the typed form
	// instead of Value: smaller, and it compresses better.
	Date *int64 `cbor:"6,keyasint,omitempty"` // "YYYY-MM-DD": days since 1970-01-01
	Bool *bool  `cbor:"7,keyasint,omitempty"` // "true" or "false"
	UUID []byte `cbor:"8,keyasint,omitempty"` // a lowercase canonical uuid (record references)
	Int  *int64 `cbor:"9,keyasint,omitempty"` // a decimal integer without sign or zero padding quirks
}

type wireStamp struct {
	HLC    uint64 `cbor:"1,keyasint,omitempty"`
	Device []byte `cbor:"2,keyasint,omitempty"` // omitted: see defaultDevice
}

// defaultDevice is the device a stamp inside a change has when the wire
// omits it: none for the zero stamp (the base of a field never set), else the
// change's own device. Any other device is written out.
func defaultDevice(hlc uint64, changeDevice uuid.UUID) uuid.UUID {
	if hlc == 0 {
		return uuid.Nil
	}
	return changeDevice
}

func encodeStampDevice(s change.Stamp, changeDevice uuid.UUID) []byte {
	if s.Device == defaultDevice(s.HLC, changeDevice) {
		return nil
	}
	return bytes16(s.Device)
}

func decodeStampDevice(hlc uint64, b []byte, changeDevice uuid.UUID, what string) (uuid.UUID, error) {
	if b == nil {
		return defaultDevice(hlc, changeDevice), nil
	}
	return uuidFrom(b, what)
}

// changeCoder carries the "same as previous" state through one batch. The
// encoder and decoder walk the batch in the same order from the same state.
type changeCoder struct {
	device        uuid.UUID
	kind          string
	author        string
	form          string
	lastDeviceSeq map[uuid.UUID]uint64
	lastMillis    map[uuid.UUID]uint64
}

// newChangeCoder starts a batch whose changes come from device, when known
// (a push), or from any device (uuid.Nil: a pull).
func newChangeCoder(device uuid.UUID) *changeCoder {
	return &changeCoder{
		device:        device,
		lastDeviceSeq: make(map[uuid.UUID]uint64),
		lastMillis:    make(map[uuid.UUID]uint64),
	}
}

func (cc *changeCoder) encode(c change.Change) wireChange {
	var w wireChange
	if c.Device != cc.device {
		w.Device = bytes16(c.Device)
		cc.device = c.Device
	}
	w.DeviceSeqSkip = c.DeviceSeq - (cc.lastDeviceSeq[c.Device] + 1)
	cc.lastDeviceSeq[c.Device] = c.DeviceSeq
	w.Record = bytes16(c.Record)
	if c.Kind != cc.kind {
		w.Kind = &c.Kind
		cc.kind = c.Kind
	}
	if c.Author != cc.author {
		w.Author = &c.Author
		cc.author = c.Author
	}
	if c.Form != cc.form {
		w.Form = &c.Form
		cc.form = c.Form
	}
	ms := c.Stamp.HLC >> 16
	w.Millis = ms - cc.lastMillis[c.Device]
	w.Counter = uint16(c.Stamp.HLC)
	cc.lastMillis[c.Device] = ms
	if c.Stamp.Device != c.Device {
		w.StampDevice = bytes16(c.Stamp.Device)
	}
	if len(c.Writes) > 0 {
		w.Writes = make([]wireWrite, len(c.Writes))
	}
	for i, cw := range c.Writes {
		ww := wireWrite{
			Field:      cw.Field,
			BaseHLC:    cw.Base.HLC,
			BaseDevice: encodeStampDevice(cw.Base, c.Device),
		}
		encodeValue(&ww, cw.Value)
		for _, r := range cw.Resolves {
			ww.Resolves = append(ww.Resolves, wireStamp{HLC: r.HLC, Device: encodeStampDevice(r, c.Device)})
		}
		w.Writes[i] = ww
	}
	return w
}

func (cc *changeCoder) decode(w wireChange) (change.Change, error) {
	var c change.Change
	if w.Device != nil {
		d, err := uuidFrom(w.Device, "device id")
		if err != nil {
			return c, err
		}
		cc.device = d
	}
	c.Device = cc.device
	c.DeviceSeq = cc.lastDeviceSeq[c.Device] + 1 + w.DeviceSeqSkip
	cc.lastDeviceSeq[c.Device] = c.DeviceSeq
	rec, err := uuidFrom(w.Record, "record id")
	if err != nil {
		return c, err
	}
	c.Record = rec
	if w.Kind != nil {
		cc.kind = *w.Kind
	}
	c.Kind = cc.kind
	if w.Author != nil {
		cc.author = *w.Author
	}
	c.Author = cc.author
	if w.Form != nil {
		cc.form = *w.Form
	}
	c.Form = cc.form
	ms := cc.lastMillis[c.Device] + w.Millis
	if ms >= 1<<48 {
		return c, fmt.Errorf("%w: stamp milliseconds beyond 48 bits", ErrMalformed)
	}
	cc.lastMillis[c.Device] = ms
	c.Stamp.HLC = ms<<16 | uint64(w.Counter)
	c.Stamp.Device = c.Device
	if w.StampDevice != nil {
		if c.Stamp.Device, err = uuidFrom(w.StampDevice, "stamp device"); err != nil {
			return c, err
		}
	}
	if len(w.Writes) > 0 {
		c.Writes = make([]change.Write, len(w.Writes))
	}
	for i, ww := range w.Writes {
		cw := change.Write{Field: ww.Field, Base: change.Stamp{HLC: ww.BaseHLC}}
		if cw.Value, err = decodeValue(ww); err != nil {
			return c, err
		}
		if cw.Base.Device, err = decodeStampDevice(ww.BaseHLC, ww.BaseDevice, c.Device, "base device"); err != nil {
			return c, err
		}
		for _, ws := range ww.Resolves {
			s := change.Stamp{HLC: ws.HLC}
			if s.Device, err = decodeStampDevice(ws.HLC, ws.Device, c.Device, "resolved stamp device"); err != nil {
				return c, err
			}
			cw.Resolves = append(cw.Resolves, s)
		}
		c.Writes[i] = cw
	}
	return c, nil
}

// bytes16 returns a copy of an id as a byte slice.
func bytes16(id uuid.UUID) []byte { return id[:] }

func uuidFrom(b []byte, what string) (uuid.UUID, error) {
	var id uuid.UUID
	if len(b) != len(id) {
		return id, fmt.Errorf("%w: %s of %d bytes, want 16", ErrMalformed, what, len(b))
	}
	copy(id[:], b)
	return id, nil
}

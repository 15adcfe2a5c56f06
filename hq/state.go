package hq

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/google/uuid"

	"fieldreg/sync/wire"
)

// Meta names of HQ's state in its workspace.
const (
	metaCA         = "hq/ca"
	metaServerCert = "hq/server-cert"
	metaAddr       = "hq/addr"
	metaState      = "hq/state"
)

// Device is what HQ knows of one enrolled device.
type Device struct {
	ID          uuid.UUID `cbor:"1,keyasint"` // HQ id: the client certificate's common name
	Replica     uuid.UUID `cbor:"2,keyasint"` // the device's workspace id, bound at first sync
	Name        string    `cbor:"3,keyasint"`
	Team        string    `cbor:"4,keyasint"`
	Sites       []string  `cbor:"5,keyasint"`
	Fingerprint string    `cbor:"6,keyasint"`  // of the client certificate
	PublicKey   []byte    `cbor:"7,keyasint"`  // Ed25519: verifies the device's bundles
	Enrolled    int64     `cbor:"8,keyasint"`  // Unix ms
	LastSync    int64     `cbor:"9,keyasint"`  // Unix ms, 0 never
	Acked       uint64    `cbor:"10,keyasint"` // device seq: its changes up to here are stored, every one
	Revoked     bool      `cbor:"11,keyasint"`
	WipeOrdered bool      `cbor:"12,keyasint"`
	WipeSent    int64     `cbor:"13,keyasint"` // Unix ms the wipe order last went out, 0 never
	Received    uint64    `cbor:"14,keyasint"` // changes stored from this device
	Cursor      uint64    `cbor:"15,keyasint"` // the last cursor (HQ log seq) the device reported
	// Outcomes are what became of the device's held changes (released or
	// dropped by a supervisor) that the device has not confirmed yet;
	// OutcomeSeq numbers them.
	Outcomes   []Outcome `cbor:"16,keyasint,omitempty"`
	OutcomeSeq uint64    `cbor:"17,keyasint,omitempty"`
	// Scope counts the changes of Sites by an admin (fieldreg-hq scope);
	// ScopeAcked is the last the device confirmed having applied, and
	// ScopeFrom the sites it had then, kept while a newer one is pending.
	Scope      uint64   `cbor:"18,keyasint,omitempty"`
	ScopeAcked uint64   `cbor:"19,keyasint,omitempty"`
	ScopeFrom  []string `cbor:"20,keyasint,omitempty"`
	// AnchorSeq and AnchorHash are the latest head of the device's audit
	// chain it reported (anchor.go); keys 40 on, clear of fields added
	// alongside.
	AnchorSeq  uint64 `cbor:"40,keyasint,omitempty"`
	AnchorHash []byte `cbor:"41,keyasint,omitempty"`
}

// Outcome tells a device what became of its held changes DeviceSeq to
// DeviceSeq+Count-1 (Count 0 is one change).
type Outcome struct {
	Seq       uint64    `cbor:"1,keyasint"`
	DeviceSeq uint64    `cbor:"2,keyasint"`
	Code      wire.Code `cbor:"3,keyasint"` // wire.CodeReleased or wire.CodeDropped
	Reason    string    `cbor:"4,keyasint,omitempty"`
	Count     uint64    `cbor:"5,keyasint,omitempty"`
}

// AllSites in a device's site list gives it every site.
const AllSites = "*"

// HasSite reports whether the device's scope includes site.
func (d *Device) HasSite(site string) bool {
	return slices.Contains(d.Sites, site) || slices.Contains(d.Sites, AllSites)
}

// token is a pending enrollment. Only the token's hash is kept, so the store
// never holds a usable token.
type token struct {
	Name    string   `cbor:"1,keyasint"`
	Team    string   `cbor:"2,keyasint"`
	Sites   []string `cbor:"3,keyasint"`
	Expires int64    `cbor:"4,keyasint"` // Unix ms
}

// state is HQ's mutable state. A published state is never modified: the
// ingest goroutine clones it, applies a batch's mutations, persists the clone
// with the batch, and only then publishes it.
type state struct {
	Devices map[uuid.UUID]*Device
	Tokens  map[string]*token // hex SHA-256 of the token → pending enrollment
	Used    map[string]*used  // hex SHA-256 of a used token → who used it, until it would have expired
}

// used remembers who spent a token, so that a device whose link died before
// the answer reached it can ask again with the same key, and no one else can.
type used struct {
	Device  uuid.UUID `cbor:"1,keyasint"`
	Expires int64     `cbor:"2,keyasint"`
}

// storedState is state as sealed in the workspace meta.
type storedState struct {
	Devices []*Device         `cbor:"1,keyasint"`
	Tokens  map[string]*token `cbor:"2,keyasint"`
	Used    map[string]*used  `cbor:"3,keyasint"`
}

func newState() *state {
	return &state{Devices: map[uuid.UUID]*Device{}, Tokens: map[string]*token{}, Used: map[string]*used{}}
}

func (s *state) clone() *state {
	c := newState()
	for id, d := range s.Devices {
		dd := *d
		dd.Sites = slices.Clone(d.Sites)
		dd.Outcomes = slices.Clone(d.Outcomes)
		dd.ScopeFrom = slices.Clone(d.ScopeFrom)
		dd.AnchorHash = slices.Clone(d.AnchorHash)
		c.Devices[id] = &dd
	}
	maps.Copy(c.Tokens, s.Tokens) // tokens are replaced, never edited
	maps.Copy(c.Used, s.Used)
	return c
}

// byReplica finds the device bound to a workspace id.
func (s *state) byReplica(replica uuid.UUID) *Device {
	for _, d := range s.Devices {
		if d.Replica == replica {
			return d
		}
	}
	return nil
}

// byName finds a device by HQ id, replica id or name; names need not be
// unique, so a name that matches several is an error.
func (s *state) find(key string) (*Device, error) {
	if id, err := uuid.Parse(key); err == nil {
		if d := s.Devices[id]; d != nil {
			return d, nil
		}
		if d := s.byReplica(id); d != nil {
			return d, nil
		}
	}
	var found *Device
	for _, d := range s.Devices {
		if d.Name == key {
			if found != nil {
				return nil, fmt.Errorf("device name %q: %w", key, ErrAmbiguousDevice)
			}
			found = d
		}
	}
	if found == nil {
		return nil, fmt.Errorf("device %q: %w", key, ErrUnknownDevice)
	}
	return found, nil
}

// expire drops enrollment tokens past their time.
func (s *state) expire(now time.Time) {
	for h, t := range s.Tokens {
		if now.UnixMilli() > t.Expires {
			delete(s.Tokens, h)
		}
	}
	for h, u := range s.Used {
		if now.UnixMilli() > u.Expires {
			delete(s.Used, h)
		}
	}
}

var stateEnc = func() cbor.EncMode {
	em, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(err) // constant options
	}
	return em
}()

func encodeState(s *state) ([]byte, error) {
	st := storedState{Tokens: s.Tokens, Used: s.Used}
	for _, id := range slices.SortedFunc(maps.Keys(s.Devices), func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) }) {
		st.Devices = append(st.Devices, s.Devices[id])
	}
	b, err := stateEnc.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("encode HQ state: %w", err)
	}
	return b, nil
}

func decodeState(b []byte) (*state, error) {
	var st storedState
	if err := cbor.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("decode HQ state: %w", err)
	}
	s := newState()
	for _, d := range st.Devices {
		s.Devices[d.ID] = d
	}
	if st.Tokens != nil {
		s.Tokens = st.Tokens
	}
	if st.Used != nil {
		s.Used = st.Used
	}
	return s, nil
}

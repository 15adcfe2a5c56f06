package wire

import (
	"errors"
	"fmt"
	"sync"

	"github.com/fxamacker/cbor/v2"
	"github.com/google/uuid"

	"fieldreg/change"
)

// Limits bound what a decoder accepts. A length beyond a limit is refused
// before anything is allocated for it.
type Limits struct {
	MaxBody    int // bytes of an encoded (decompressed) message
	MaxChanges int // changes (or results, or sites) in one message
	MaxWrites  int // field writes in one change, stamps resolved by one write
	MaxString  int // bytes of one string: field name, value, author, reason
	// MaxItems bounds the CBOR data items of a message (each map, array,
	// key and value), counted before decoding: what decoding allocates
	// grows with items, not bytes (an empty map is one byte on the wire and
	// over a hundred once decoded). Zero means DefaultLimits'.
	MaxItems int
}

// DefaultLimits are generous for a device's batch and small enough that a
// hostile message cannot exhaust a 32-bit device.
func DefaultLimits() Limits {
	return Limits{
		MaxBody:    16 << 20,
		MaxChanges: 20000,
		MaxWrites:  1000,
		MaxString:  64 << 10,
		// A 12 MiB bundle of registrations holds about 2M items; decoding
		// 4M costs a few hundred MB at worst.
		MaxItems: 4 << 20,
	}
}

func (l Limits) maxItems() int {
	if l.MaxItems <= 0 {
		return DefaultLimits().MaxItems
	}
	return l.MaxItems
}

// The wire forms of the messages. Keys are small integers; never reuse one.

type wireRequest struct {
	Version  int        `cbor:"1,keyasint,omitempty"`
	Device   []byte     `cbor:"2,keyasint,omitempty"`
	Push     *wireBatch `cbor:"3,keyasint,omitempty"`
	PushFrom uint64     `cbor:"4,keyasint,omitempty"`
	Cursor   uint64     `cbor:"5,keyasint,omitempty"`
	PullMax  int        `cbor:"6,keyasint,omitempty"`
	Outcomes uint64     `cbor:"7,keyasint,omitempty"`
	Scope    uint64     `cbor:"8,keyasint,omitempty"`
	// Keys 8..15 are left to fields added alongside; 16 is the anchor.
	Anchor *wireAnchor `cbor:"16,keyasint,omitempty"`
}

const anchorHashSize = 32 // SHA-256

type wireAnchor struct {
	Seq  uint64 `cbor:"1,keyasint,omitempty"`
	Hash []byte `cbor:"2,keyasint,omitempty"`
}

type wireResponse struct {
	Version int          `cbor:"1,keyasint,omitempty"`
	Acked   uint64       `cbor:"2,keyasint,omitempty"`
	Results []wireResult `cbor:"3,keyasint,omitempty"`
	Pull    *wireBatch   `cbor:"4,keyasint,omitempty"`
	Cursor  uint64       `cbor:"5,keyasint,omitempty"`
	More    bool         `cbor:"6,keyasint,omitempty"`
	Order   Order        `cbor:"7,keyasint,omitempty"`
	// PullLogSeqs holds each pulled change's HQ log seq minus the one
	// before it (wrapping), so a run of consecutive numbers is a run of ones.
	PullLogSeqs []uint64 `cbor:"8,keyasint,omitempty"`
	OutcomeSeq  uint64   `cbor:"9,keyasint,omitempty"`
	Evict       [][]byte `cbor:"10,keyasint,omitempty"` // household ids, 16 bytes each
	Scope       uint64   `cbor:"11,keyasint,omitempty"`
}

type wireResult struct {
	DeviceSeq uint64 `cbor:"1,keyasint,omitempty"`
	Code      Code   `cbor:"2,keyasint,omitempty"`
	Reason    string `cbor:"3,keyasint,omitempty"`
}

type wireError struct {
	Version int    `cbor:"1,keyasint,omitempty"`
	Code    Code   `cbor:"2,keyasint,omitempty"`
	Message string `cbor:"3,keyasint,omitempty"`
}

type wireEnrollRequest struct {
	Version   int    `cbor:"1,keyasint,omitempty"`
	Token     string `cbor:"2,keyasint,omitempty"`
	Name      string `cbor:"3,keyasint,omitempty"`
	PublicKey []byte `cbor:"4,keyasint,omitempty"`
	Recipient string `cbor:"5,keyasint,omitempty"`
}

type wireEnrollResponse struct {
	Version   int      `cbor:"1,keyasint,omitempty"`
	Cert      []byte   `cbor:"2,keyasint,omitempty"`
	CA        []byte   `cbor:"3,keyasint,omitempty"`
	Device    []byte   `cbor:"4,keyasint,omitempty"`
	Team      string   `cbor:"5,keyasint,omitempty"`
	Sites     []string `cbor:"6,keyasint,omitempty"`
	HQAddr    string   `cbor:"7,keyasint,omitempty"`
	Recipient string   `cbor:"8,keyasint,omitempty"`
}

var encMode = func() cbor.EncMode {
	em, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(err) // constant options: fails at init or never
	}
	return em
}()

var decModes sync.Map // Limits -> cbor.DecMode

func decMode(l Limits) (cbor.DecMode, error) {
	if dm, ok := decModes.Load(l); ok {
		return dm.(cbor.DecMode), nil
	}
	maxArray := max(l.MaxChanges, l.MaxWrites, 16)
	dm, err := cbor.DecOptions{
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
		MaxNestedLevels:  maxDepth,
		MaxArrayElements: min(maxArray, l.maxItems(), 1<<31-1),
		MaxMapPairs:      16, // the widest message has 9 keys
		IndefLength:      cbor.IndefLengthForbidden,
		TagsMd:           cbor.TagsForbidden,
		UTF8:             cbor.UTF8RejectInvalid,
	}.DecMode()
	if err != nil {
		return nil, fmt.Errorf("wire limits %+v: %w", l, err)
	}
	decModes.Store(l, dm)
	return dm, nil
}

func encode(v any) ([]byte, error) {
	b, err := encMode.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %T: %w", v, err)
	}
	return b, nil
}

// decode checks the size and the data items, decodes strictly and checks
// the version. what names the message in errors.
func decode(data []byte, l Limits, v any, what string) error {
	if len(data) > l.MaxBody {
		return fmt.Errorf("%w: %s of %d bytes, limit %d", ErrTooLarge, what, len(data), l.MaxBody)
	}
	dm, err := decMode(l)
	if err != nil {
		return err
	}
	if err := scan(data, l.maxItems()); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := dm.Unmarshal(data, v); err != nil {
		var (
			elements *cbor.MaxArrayElementsError
			pairs    *cbor.MaxMapPairsError
			levels   *cbor.MaxNestedLevelError
		)
		if errors.As(err, &elements) || errors.As(err, &pairs) || errors.As(err, &levels) {
			return fmt.Errorf("%w: %s: %v", ErrTooLarge, what, err)
		}
		return fmt.Errorf("%w: %s: %v", ErrMalformed, what, err)
	}
	return nil
}

func checkVersion(v int, what string) error {
	if v != Version {
		return fmt.Errorf("%w: %s version %d, this side speaks %d", ErrVersion, what, v, Version)
	}
	return nil
}

func checkString(s string, l Limits, what string) error {
	if len(s) > l.MaxString {
		return fmt.Errorf("%w: %s of %d bytes, limit %d", ErrTooLarge, what, len(s), l.MaxString)
	}
	return nil
}

func checkCount(n, limit int, what string) error {
	if n > limit {
		return fmt.Errorf("%w: %d %s, limit %d", ErrTooLarge, n, what, limit)
	}
	return nil
}

func checkChange(w wireChange, l Limits) error {
	if err := checkCount(len(w.Writes), l.MaxWrites, "writes in a change"); err != nil {
		return err
	}
	for _, s := range []*string{w.Kind, w.Author, w.Form} {
		if s != nil {
			if err := checkString(*s, l, "kind, author or form ref"); err != nil {
				return err
			}
		}
	}
	for _, ww := range w.Writes {
		if err := checkString(ww.Field, l, "field name"); err != nil {
			return err
		}
		if err := checkString(ww.Value, l, "field value"); err != nil {
			return err
		}
		if err := checkCount(len(ww.Resolves), l.MaxWrites, "resolved stamps"); err != nil {
			return err
		}
	}
	return nil
}

// EncodeRequest encodes a request. Push must hold Device's changes only;
// other devices' changes are carried but cost 16 bytes more each.
func EncodeRequest(r *SyncRequest) ([]byte, error) {
	w := wireRequest{
		Version:  r.Version,
		PushFrom: r.PushFrom,
		Cursor:   r.Cursor,
		PullMax:  r.PullMax,
		Outcomes: r.Outcomes,
		Scope:    r.Scope,
		Device:   bytes16(r.Device),
	}
	w.Push = encodeBatch(r.Device, r.Push)
	if a := r.Anchor; a != nil {
		w.Anchor = &wireAnchor{Seq: a.Seq, Hash: a.Hash}
	}
	return encode(&w)
}

// DecodeRequest decodes a request within limits.
func DecodeRequest(data []byte, l Limits) (*SyncRequest, error) {
	var w wireRequest
	if err := decode(data, l, &w, "sync request"); err != nil {
		return nil, err
	}
	if err := checkVersion(w.Version, "sync request"); err != nil {
		return nil, err
	}
	device, err := uuidFrom(w.Device, "device id")
	if err != nil {
		return nil, fmt.Errorf("sync request: %w", err)
	}
	r := &SyncRequest{Version: w.Version, Device: device, PushFrom: w.PushFrom, Cursor: w.Cursor, PullMax: w.PullMax, Outcomes: w.Outcomes, Scope: w.Scope}
	if r.Push, err = decodeBatch(w.Push, device, l); err != nil {
		return nil, fmt.Errorf("sync request: push: %w", err)
	}
	if a := w.Anchor; a != nil {
		if len(a.Hash) != anchorHashSize && (a.Seq != 0 || len(a.Hash) != 0) {
			return nil, fmt.Errorf("%w: sync request: audit anchor hash of %d bytes", ErrMalformed, len(a.Hash))
		}
		r.Anchor = &AuditAnchor{Seq: a.Seq, Hash: a.Hash}
	}
	return r, nil
}

// EncodeResponse encodes a response.
func EncodeResponse(r *SyncResponse) ([]byte, error) {
	w := wireResponse{Version: r.Version, Acked: r.Acked, Cursor: r.Cursor, More: r.More, Order: r.Order, OutcomeSeq: r.OutcomeSeq, Scope: r.Scope}
	for _, h := range r.Evict {
		w.Evict = append(w.Evict, bytes16(h))
	}
	for _, res := range r.Results {
		w.Results = append(w.Results, wireResult(res))
	}
	pulled := make([]change.Change, len(r.Pull))
	var prev uint64
	for i, p := range r.Pull {
		pulled[i] = p.Change
		w.PullLogSeqs = append(w.PullLogSeqs, p.LogSeq-prev)
		prev = p.LogSeq
	}
	w.Pull = encodeBatch(uuid.Nil, pulled)
	return encode(&w)
}

// DecodeResponse decodes a response within limits.
func DecodeResponse(data []byte, l Limits) (*SyncResponse, error) {
	var w wireResponse
	if err := decode(data, l, &w, "sync response"); err != nil {
		return nil, err
	}
	if err := checkVersion(w.Version, "sync response"); err != nil {
		return nil, err
	}
	if err := checkCount(len(w.Results), l.MaxChanges, "push results"); err != nil {
		return nil, fmt.Errorf("sync response: %w", err)
	}
	if err := checkCount(len(w.Evict), l.MaxChanges, "evictions"); err != nil {
		return nil, fmt.Errorf("sync response: %w", err)
	}
	r := &SyncResponse{Version: w.Version, Acked: w.Acked, Cursor: w.Cursor, More: w.More, Order: w.Order, OutcomeSeq: w.OutcomeSeq, Scope: w.Scope}
	for i, b := range w.Evict {
		h, err := uuidFrom(b, "evicted household")
		if err != nil {
			return nil, fmt.Errorf("sync response: eviction %d: %w", i, err)
		}
		r.Evict = append(r.Evict, h)
	}
	for i, res := range w.Results {
		if err := checkString(res.Reason, l, "reason"); err != nil {
			return nil, fmt.Errorf("sync response: result %d: %w", i, err)
		}
		r.Results = append(r.Results, PushResult(res))
	}
	pulled, err := decodeBatch(w.Pull, uuid.Nil, l)
	if err != nil {
		return nil, fmt.Errorf("sync response: pull: %w", err)
	}
	if len(w.PullLogSeqs) != len(pulled) {
		return nil, fmt.Errorf("%w: sync response: %d sequence numbers for %d pulled changes", ErrMalformed, len(w.PullLogSeqs), len(pulled))
	}
	var prev uint64
	for i, c := range pulled {
		prev += w.PullLogSeqs[i]
		r.Pull = append(r.Pull, PulledChange{LogSeq: prev, Change: c})
	}
	return r, nil
}

// EncodeError encodes a refusal. Its version is always this package's.
func EncodeError(e *Error) ([]byte, error) {
	return encode(&wireError{Version: Version, Code: e.Code, Message: e.Message})
}

// DecodeError decodes a refusal. An error of another version is still
// decoded: its code is all the receiver needs.
func DecodeError(data []byte, l Limits) (*Error, error) {
	var w wireError
	if err := decode(data, l, &w, "error"); err != nil {
		return nil, err
	}
	if err := checkString(w.Message, l, "error message"); err != nil {
		return nil, err
	}
	return &Error{Code: w.Code, Message: w.Message}, nil
}

// EncodeEnrollRequest encodes an enrollment request.
func EncodeEnrollRequest(r *EnrollRequest) ([]byte, error) {
	return encode(&wireEnrollRequest{Version: r.Version, Token: r.Token, Name: r.Name, PublicKey: r.PublicKey, Recipient: r.BundleRecipient})
}

// DecodeEnrollRequest decodes an enrollment request within limits.
func DecodeEnrollRequest(data []byte, l Limits) (*EnrollRequest, error) {
	var w wireEnrollRequest
	if err := decode(data, l, &w, "enroll request"); err != nil {
		return nil, err
	}
	if err := checkVersion(w.Version, "enroll request"); err != nil {
		return nil, err
	}
	for _, s := range []string{w.Token, w.Name, w.Recipient} {
		if err := checkString(s, l, "token or name"); err != nil {
			return nil, fmt.Errorf("enroll request: %w", err)
		}
	}
	if len(w.PublicKey) != 32 {
		return nil, fmt.Errorf("%w: enroll request: public key of %d bytes, want 32", ErrMalformed, len(w.PublicKey))
	}
	return &EnrollRequest{Version: w.Version, Token: w.Token, Name: w.Name, PublicKey: w.PublicKey, BundleRecipient: w.Recipient}, nil
}

// EncodeEnrollResponse encodes an enrollment response.
func EncodeEnrollResponse(r *EnrollResponse) ([]byte, error) {
	return encode(&wireEnrollResponse{
		Version: r.Version, Cert: r.Cert, CA: r.CA, Device: bytes16(r.Device),
		Team: r.Team, Sites: r.Sites, HQAddr: r.HQAddr, Recipient: r.BundleRecipient,
	})
}

// DecodeEnrollResponse decodes an enrollment response within limits.
func DecodeEnrollResponse(data []byte, l Limits) (*EnrollResponse, error) {
	var w wireEnrollResponse
	if err := decode(data, l, &w, "enroll response"); err != nil {
		return nil, err
	}
	if err := checkVersion(w.Version, "enroll response"); err != nil {
		return nil, err
	}
	device, err := uuidFrom(w.Device, "device id")
	if err != nil {
		return nil, fmt.Errorf("enroll response: %w", err)
	}
	if err := checkCount(len(w.Sites), l.MaxChanges, "sites"); err != nil {
		return nil, fmt.Errorf("enroll response: %w", err)
	}
	for _, s := range append([]string{w.Team, w.HQAddr, w.Recipient}, w.Sites...) {
		if err := checkString(s, l, "team, site or address"); err != nil {
			return nil, fmt.Errorf("enroll response: %w", err)
		}
	}
	return &EnrollResponse{
		Version: w.Version, Cert: w.Cert, CA: w.CA, Device: device,
		Team: w.Team, Sites: w.Sites, HQAddr: w.HQAddr, BundleRecipient: w.Recipient,
	}, nil
}

// EstimateSize is roughly how many bytes c takes in an encoded batch, before
// compression, without encoding it: the device and HQ bound their batches
// with it, so both must count alike.
func EstimateSize(c change.Change) int {
	// A record id and a few small integers per change (kind, author and
	// form ref only when they change), a small map per write.
	n := 24
	for _, w := range c.Writes {
		n += 5 + len(w.Field) + len(w.Value) + 12*len(w.Resolves)
		if w.Base.HLC != 0 {
			n += 9
		}
		if w.Base.Device != c.Device && w.Base.HLC != 0 {
			n += 17
		}
	}
	return n
}

// ChangeSize is the encoded size of c on its own, in bytes: an upper bound on
// what it adds to a batch before compression. Batchers and PullMax use it.
func ChangeSize(c change.Change) int {
	b, err := encMode.Marshal(encodeBatch(uuid.Nil, []change.Change{c}))
	if err != nil {
		return 0
	}
	return len(b)
}

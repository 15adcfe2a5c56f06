package wire

import (
	"github.com/google/uuid"

	"fieldreg/change"
)

// Version is the protocol version this package speaks. Every message carries
// it; a receiver refuses a version it does not speak with CodeVersion.
const Version = 1

// SyncRequest is one round trip's worth of work from a device: a push batch
// and a pull request.
type SyncRequest struct {
	Version int
	Device  uuid.UUID
	// Push holds consecutive changes of Device, from device seq PushFrom on.
	Push     []change.Change
	PushFrom uint64
	// Cursor is the HQ log seq the device has pulled up to: the Cursor of the
	// last SyncResponse it stored.
	Cursor uint64
	// PullMax bounds the encoded size of the pulled changes, in bytes.
	PullMax int
	// Outcomes is the OutcomeSeq of the last SyncResponse the device stored:
	// HQ sends only the outcomes after it.
	Outcomes uint64
	// Scope is the Scope of the last SyncResponse the device stored: the
	// generation of its site list it has applied (0: the one it enrolled
	// with). An older one makes HQ send a re-scope: evictions and the
	// whole of what entered.
	Scope uint64
	// Anchor is the head of the device's audit chain as it stands, nil
	// from a device that does not send it. HQ keeps the latest per device
	// and refuses one that goes back (CodeRolledBack): a workspace put back
	// to an older copy of both its files would otherwise go unnoticed.
	Anchor *AuditAnchor
	// FormsAfter is the HQ publish seq of the last form the device stored
	// (the highest Form.Seq it received): HQ sends the forms published
	// after it. 0 from a device that never received one, or an older one
	// that does not send it (it then gets every form, and ignores them).
	FormsAfter uint64
}

// AuditAnchor names the head of an audit chain: its last entry's seq and
// the chain hash there (SHA-256, 32 bytes). Seq 0 is an empty chain.
type AuditAnchor struct {
	Seq  uint64
	Hash []byte
}

// SyncResponse answers a SyncRequest.
type SyncResponse struct {
	Version int
	// Acked is the highest device seq of the device's changes HQ has stored,
	// with every smaller one stored too (quarantined changes count as stored).
	Acked uint64
	// Results lists the pushed changes HQ quarantined, with why (CodeInvalid,
	// CodeClockAhead), and what a supervisor since did with changes HQ held
	// (CodeReleased, CodeDropped), and the changes HQ refused outright
	// (CodeForbidden: the record is outside the device's sites), numbered
	// up to OutcomeSeq.
	Results []PushResult
	// Pull holds HQ's changes after the request's cursor, in HQ order.
	Pull []PulledChange
	// Cursor is the HQ log seq of the last change in Pull (or the request's
	// cursor when Pull is empty).
	Cursor uint64
	// More says HQ has more changes to pull after Cursor.
	More  bool
	Order Order
	// OutcomeSeq numbers the last released or dropped outcome in Results
	// (or all HQ has for the device): what the next request's Outcomes says.
	OutcomeSeq uint64
	// Evict lists households that left the device's sites: the device
	// removes each, with its members and assessments, before it stores
	// Pull, and only once HQ holds all of its own changes (Acked).
	Evict []uuid.UUID
	// Scope is the generation of the device's site list this answer
	// follows: what the next request's Scope says.
	Scope uint64
	// Forms are the form versions HQ published after the request's
	// FormsAfter, in publish order: the device stores them before Pull,
	// whose changes may name them.
	Forms []Form
}

// Form is a published form version: its ref ("id@version"), the kind it
// describes, its place in HQ's publish order and its canonical JSON
// (registry.ParseForm reads it).
type Form struct {
	Ref, Kind string
	Seq       uint64
	JSON      []byte
}

// PushResult reports what HQ did with one of the device's changes that it
// did not simply store: held in quarantine (CodeInvalid, CodeClockAhead),
// later released and applied (CodeReleased), or dropped (CodeDropped); or
// refused outright (CodeForbidden): not stored, not held, never will be.
type PushResult struct {
	DeviceSeq uint64 // the change's DeviceSeq
	Code      Code
	Reason    string // for people; never parsed
}

// PulledChange is a change as HQ numbered it.
type PulledChange struct {
	LogSeq uint64 // its place in HQ's change log: what a device keeps as its cursor
	Change change.Change
}

// Order is an instruction from HQ to a device.
type Order int

// Orders. Never renumber.
const (
	OrderNone    Order = 0
	OrderWipe    Order = 1 // crypto-erase the workspace now
	OrderRevoked Order = 2 // the device may no longer sync; stop trying
)

func (o Order) String() string {
	switch o {
	case OrderNone:
		return "none"
	case OrderWipe:
		return "wipe"
	case OrderRevoked:
		return "revoked"
	}
	return "unknown order"
}

// EnrollRequest is what a device sends, over TLS pinned to HQ's certificate,
// to exchange a one-time token for a client certificate.
type EnrollRequest struct {
	Version   int
	Token     string
	Name      string // the device's name as people know it
	PublicKey []byte // Ed25519 public key, 32 bytes
	// BundleRecipient is the device's age recipient ("age1…") for HQ's
	// return bundles (sync/bundle), empty when the device takes none.
	BundleRecipient string
}

// EnrollResponse gives an enrolled device its identity.
type EnrollResponse struct {
	Version int
	Cert    []byte // DER client certificate for PublicKey
	CA      []byte // DER certificate of HQ's CA
	Device  uuid.UUID
	Team    string
	Sites   []string
	HQAddr  string // host:port for later syncs
	// BundleRecipient is HQ's age recipient ("age1…") for bundles.
	BundleRecipient string
}

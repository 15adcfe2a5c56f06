package client

import (
	"crypto/ed25519"
	"crypto/x509"
	"fmt"
	"io"
	"maps"

	"filippo.io/age/agessh"
	"github.com/google/uuid"
	"golang.org/x/crypto/ssh"

	"fieldreg/change"
	"fieldreg/store"
	"fieldreg/sync/bundle"
	"fieldreg/sync/wire"
)

// A device's bundle is encrypted to HQ's CA key and signed with the
// device's key; HQ's return bundle the other way round (see hq).

func (s *storedEnrollment) caPublicKey() (ed25519.PublicKey, error) {
	ca, err := x509.ParseCertificate(s.CA)
	if err != nil {
		return nil, fmt.Errorf("HQ's CA certificate: %w", err)
	}
	pub, ok := ca.PublicKey.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("HQ's CA key is %T, want Ed25519", ca.PublicKey)
	}
	return pub, nil
}

// maxBundleBytes keeps a bundle within what HQ decodes (wire.DefaultLimits).
const maxBundleBytes = 12 << 20

// ExportBundle writes every change of this device HQ has not confirmed to
// out, encrypted to HQ and signed by this device, and returns how many.
// Changes that could not be read are set aside (store.SetAside; see
// PendingSetAside): the bundle carries placeholders for them, which are
// not counted.
func ExportBundle(w Workspace, out io.Writer) (int, error) {
	enr, err := loadEnrollment(w)
	if err != nil {
		return 0, fmt.Errorf("export bundle: %w", err)
	}
	acked, err := readU64(w, metaAcked)
	if err != nil {
		return 0, fmt.Errorf("export bundle: %w", err)
	}
	cursor, err := readU64(w, metaCursor)
	if err != nil {
		return 0, fmt.Errorf("export bundle: %w", err)
	}
	outcomeSeq, err := readU64(w, metaOutcomeSeq)
	if err != nil {
		return 0, fmt.Errorf("export bundle: %w", err)
	}
	scope, err := readU64(w, metaScope)
	if err != nil {
		return 0, fmt.Errorf("export bundle: %w", err)
	}
	own, err := w.OwnChangesAfter(acked, maxPushChanges)
	if err != nil {
		return 0, fmt.Errorf("export bundle: %w", err)
	}
	// What HQ's decoder accepts in one bundle; the rest goes in the next,
	// once HQ has confirmed these.
	own = fit(own, maxBundleBytes)
	caPub, err := enr.caPublicKey()
	if err != nil {
		return 0, fmt.Errorf("export bundle: %w", err)
	}
	sshPub, err := ssh.NewPublicKey(caPub)
	if err != nil {
		return 0, fmt.Errorf("export bundle: %w", err)
	}
	to, err := agessh.NewEd25519Recipient(sshPub)
	if err != nil {
		return 0, fmt.Errorf("export bundle: %w", err)
	}
	p := bundle.Payload{
		Version: bundle.Version, From: enr.Device, To: uuid.Nil, Created: w.Clock().Now().Time(),
		// As a sync request says it: the outcomes and the generation of its
		// sites the device holds, and its audit head, which HQ checks (a
		// workspace put back to an older copy is refused) and keeps.
		Push: &wire.SyncRequest{Version: wire.Version, Device: w.Device(), Push: own, PushFrom: acked + 1, Cursor: cursor,
			Outcomes: outcomeSeq, Scope: scope, Anchor: auditAnchor(w)},
	}
	if err := bundle.Seal(out, p, enr.key(), to); err != nil {
		return 0, fmt.Errorf("export bundle: %w", err)
	}
	n := 0
	for _, c := range own {
		if !store.IsSetAside(c) {
			n++
		}
	}
	return n, nil
}

// PendingSetAside lists the set-aside changes HQ has not acknowledged yet:
// the next sync or bundle tells HQ about them.
func PendingSetAside(w Workspace) ([]store.SetAsideEntry, error) {
	acked, err := readU64(w, metaAcked)
	if err != nil {
		return nil, fmt.Errorf("set-aside changes: %w", err)
	}
	all, err := w.SetAside()
	if err != nil {
		return nil, err
	}
	var out []store.SetAsideEntry
	for _, e := range all {
		if e.DeviceSeq > acked {
			out = append(out, e)
		}
	}
	return out, nil
}

// ImportBundle applies HQ's return bundle and returns how many changes were
// new. Importing it twice, or after a newer sync, changes nothing.
func ImportBundle(w Workspace, in io.Reader) (int, error) {
	enr, err := loadEnrollment(w)
	if err != nil {
		return 0, fmt.Errorf("import bundle: %w", err)
	}
	caPub, err := enr.caPublicKey()
	if err != nil {
		return 0, fmt.Errorf("import bundle: %w", err)
	}
	id, err := agessh.NewEd25519Identity(enr.key())
	if err != nil {
		return 0, fmt.Errorf("import bundle: %w", err)
	}
	p, err := bundle.Open(in, id, func(from uuid.UUID, pub ed25519.PublicKey) bool {
		return from == uuid.Nil && pub.Equal(caPub)
	}, wire.DefaultLimits())
	if err != nil {
		return 0, fmt.Errorf("import bundle: %w", err)
	}
	if p.To != enr.Device {
		return 0, fmt.Errorf("import bundle: it is for device %s, this is %s", p.To, enr.Device)
	}
	if p.Pull == nil {
		return 0, fmt.Errorf("import bundle: it carries nothing from HQ")
	}
	if p.Pull.Order == wire.OrderWipe {
		if _, err := w.WipeOrdered(); err != nil {
			return 0, fmt.Errorf("%w (erase reported: %v)", ErrWiped, err)
		}
		return 0, ErrWiped
	}
	if p.Pull.Order == wire.OrderRevoked {
		return 0, ErrRevoked
	}
	if p.Pull.Acked > w.DeviceSeq() {
		return 0, fmt.Errorf("import bundle: %w (HQ holds change %d, this workspace made %d)", ErrRestoredCopy, p.Pull.Acked, w.DeviceSeq())
	}
	acked, err := readU64(w, metaAcked)
	if err != nil {
		return 0, fmt.Errorf("import bundle: %w", err)
	}
	cursor, err := readU64(w, metaCursor)
	if err != nil {
		return 0, fmt.Errorf("import bundle: %w", err)
	}
	changes := make([]change.Change, len(p.Pull.Pull))
	for i, pc := range p.Pull.Pull {
		changes[i] = pc.Change
	}
	scope, err := readU64(w, metaScope)
	if err != nil {
		return 0, fmt.Errorf("import bundle: %w", err)
	}
	// A bundle older than the last sync must not move the cursor back.
	meta := map[string][]byte{
		metaCursor: u64(max(cursor, p.Pull.Cursor)),
		metaAcked:  u64(max(acked, p.Pull.Acked)),
		metaScope:  u64(max(scope, p.Pull.Scope)),
	}
	// What a supervisor did with changes HQ held; an old bundle never moves
	// the outcome seq back (released and dropped are final either way).
	outcomeSeq, err := readU64(w, metaOutcomeSeq)
	if err != nil {
		return 0, fmt.Errorf("import bundle: %w", err)
	}
	held, err := heldMeta(w, p.Pull.Results, max(outcomeSeq, p.Pull.OutcomeSeq), outcomeSeq)
	if err != nil {
		return 0, fmt.Errorf("import bundle: %w", err)
	}
	maps.Copy(meta, held)
	// The bundle is news from HQ as of when HQ signed it: it counts as
	// contact (the lock after days without sync), but an old bundle never
	// moves the last contact back.
	if made := p.Created.UnixMilli(); made > 0 {
		last, _ := LastSync(w)
		if made > last.UnixMilli() {
			meta[metaLastSync] = u64(uint64(made))
		}
	}
	// The forms HQ signed with the changes, before them (as in a sync).
	formsAfter, err := readU64(w, metaForms)
	if err != nil {
		return 0, fmt.Errorf("import bundle: %w", err)
	}
	if _, _, err := receiveForms(w, p.Pull.Forms, formsAfter); err != nil {
		return 0, fmt.Errorf("import bundle: %w", err)
	}
	if err := evictBundled(w, p.Pull, cursor); err != nil {
		return 0, fmt.Errorf("import bundle: %w", err)
	}
	results, err := w.ApplyRemote(changes, meta)
	if err != nil {
		return 0, fmt.Errorf("import bundle: %w", err)
	}
	n := 0
	for _, r := range results {
		if r.Outcome == store.Applied {
			n++
		}
	}
	return n, nil
}

// evictBundled removes the households that, HQ's return bundle says, left
// this device's sites, before its changes are stored (a household that
// left and came back comes back whole). cursor is where this device's
// news from HQ stood before the bundle.
//
// Unlike a sync, a bundle's evictions do not wait for HQ to acknowledge
// every change of this device: a device that syncs only by bundle has
// nearly always made some since its last bundle left, and would keep what
// left its sites for ever. Nothing is lost by it: Evict keeps this
// device's own changes in its log, and the next bundle carries them; HQ
// decides on them by where the record is at HQ, whichever came first.
//
// A bundle older than news this device already has (its cursor is behind
// the device's) evicts nothing: what it says left may have come back
// since, and a newer answer already did its evictions.
func evictBundled(w Workspace, resp *wire.SyncResponse, cursor uint64) error {
	if len(resp.Evict) == 0 || resp.Cursor < cursor {
		return nil
	}
	if _, err := w.Evict(resp.Evict); err != nil {
		return fmt.Errorf("remove households that left this device's sites: %w", err)
	}
	return nil
}

package store

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"fieldreg/store/kv"
)

// Role secrets. A role's byte in a key slot is authenticated by the slot's
// own passphrase only, so a user can rewrite it (they hold the master key).
// What they cannot do is produce a secret their role was never given: a v2
// slot of a supervisor or admin also wraps that role's secret, and the
// workspace keeps a check of each secret (the role anchor, sealed in the state
// bucket). Opening grants a role above enumerator only to a slot whose
// secret matches the anchor. The admin secret is random; the supervisor
// secret is derived from it, so an admin can make supervisor slots.

// stateRoleAnchor is the key, in the state bucket, of the role anchor.
var stateRoleAnchor = []byte("role-anchor")

// storedRoleAnchor holds one-way checks of the role secrets, never the
// secrets: a user who reads it learns nothing they could put in a slot.
type storedRoleAnchor struct {
	Admin      []byte `cbor:"1,keyasint"`
	Supervisor []byte `cbor:"2,keyasint"`
}

func supervisorSecret(admin []byte) []byte {
	m := hmac.New(sha256.New, admin)
	m.Write([]byte("fieldreg supervisor secret"))
	return m.Sum(nil)
}

func secretCheck(role Role, secret []byte) []byte {
	h := sha256.New()
	h.Write([]byte("fieldreg role check " + string(role) + "\x00"))
	h.Write(secret)
	return h.Sum(nil)
}

func newRoleAnchor(admin []byte) storedRoleAnchor {
	return storedRoleAnchor{
		Admin:      secretCheck(RoleAdmin, admin),
		Supervisor: secretCheck(RoleSupervisor, supervisorSecret(admin)),
	}
}

// secretFor is what a slot of role r wraps besides the master key.
func secretFor(r Role, admin []byte) []byte {
	switch r {
	case RoleAdmin:
		return admin
	case RoleSupervisor:
		return supervisorSecret(admin)
	}
	return nil
}

// roleTag is an admin's signature on a slot's role: with it an admin's
// verify finds a slot whose role byte was rewritten, whoever's slot it is.
func roleTag(admin []byte, device uuid.UUID, s *keySlot) [roleTagSize]byte {
	m := hmac.New(sha256.New, admin)
	m.Write([]byte("fieldreg role tag\x00"))
	m.Write(device[:])
	m.Write([]byte{roleCodes[s.role]})
	m.Write([]byte(s.name))
	var t [roleTagSize]byte
	copy(t[:], m.Sum(nil))
	return t
}

// grantRole decides the role a slot opens with, given the secret it wrapped
// and the workspace's anchor (nil: a workspace from before role secrets).
// A role that is not proven opens as enumerator, with the reason.
func grantRole(s *keySlot, secret []byte, anchor *storedRoleAnchor) (Role, string) {
	claimed := s.role
	if claimed == RoleEnumerator {
		return claimed, ""
	}
	if anchor == nil {
		return claimed, "" // not migrated yet: the old rule, until an admin unlocks
	}
	if !s.bound {
		return RoleEnumerator, fmt.Sprintf("key slot %q is in the old format, so its role %s is not proven: opened as enumerator until an admin sets its passphrase again", s.name, claimed)
	}
	want := anchor.Supervisor
	if claimed == RoleAdmin {
		want = anchor.Admin
	}
	if !hmac.Equal(secretCheck(claimed, secret), want) {
		return RoleEnumerator, fmt.Sprintf("key slot %q claims role %s that no admin gave it (the key file was edited): opened as enumerator", s.name, claimed)
	}
	return claimed, ""
}

// slotProblems lists the slots whose role an admin did not sign, as an admin
// (holding the admin secret) sees them.
// A v3 slot's tag is in its seal of the current key epoch; an enumerator's
// slot upgraded without an admin has none, which claims nothing.
func (k *keyFile) slotProblems(admin []byte, epoch uint32) []string {
	var out []string
	for i := range k.slots {
		s := &k.slots[i]
		tag := s.tag
		if c := s.sealFor(epoch); s.v3 && c != nil {
			tag = c.tag
		}
		switch {
		case !s.used:
		case !s.bound && s.role != RoleEnumerator:
			out = append(out, fmt.Sprintf("key slot %q is in the old format: its role %s is not proven until an admin sets its passphrase again", s.name, s.role))
		case s.v3 && s.role == RoleEnumerator && tag == [roleTagSize]byte{}:
		case s.bound && roleTag(admin, k.device, s) != tag:
			out = append(out, fmt.Sprintf("key slot %q: role %s was not set by an admin (the key file was edited)", s.name, s.role))
		}
	}
	return out
}

// settleRole decides the role the unlocking slot i opens with. When an admin
// unlocks a workspace made before role secrets it migrates it: a new admin
// secret, its anchor, and the admin's own slot rewrapped as v2 (the only
// slot whose passphrase is at hand; other supervisors and admins get theirs
// when an admin sets their passphrase). The key slot is written before the
// anchor: a crash between them leaves no anchor, and the next admin unlock
// migrates again with the secret already in the slot.
func (w *Workspace) settleRole(i int, secret, passphrase []byte) error {
	var anchor *storedRoleAnchor
	err := w.view(func(tx kv.Tx) error {
		plain, err := w.get(tx, bucketState, stateRoleAnchor)
		if plain == nil && err == nil {
			return nil
		}
		anchor = &storedRoleAnchor{} // damaged: proves no role
		if err == nil {
			err = decode(plain, anchor)
		}
		if err != nil {
			w.roleProblems = append(w.roleProblems, fmt.Sprintf("role anchor unreadable (%v): every role above enumerator is refused", err))
		}
		return nil
	})
	if err != nil {
		return err
	}
	w.ownSecret = secret
	s := &w.keys.slots[i]
	role, problem := grantRole(s, secret, anchor)
	w.role = role
	if problem != "" {
		w.roleProblems = append(w.roleProblems, problem)
	}
	if role != RoleAdmin {
		return nil
	}
	if anchor == nil {
		if secret, err = w.bindRoles(i, secret, passphrase); err != nil {
			return fmt.Errorf("bind roles to secrets: %w", err)
		}
	}
	w.adminSecret, w.ownSecret = secret, secret
	w.roleProblems = append(w.roleProblems, w.keys.slotProblems(secret, w.epoch)...)
	return nil
}

// bindRoles migrates a workspace to role secrets; secret is the admin slot's
// (nil for a v1 slot: a new one is made and returned).
func (w *Workspace) bindRoles(i int, secret, passphrase []byte) ([]byte, error) {
	s := w.keys.slots[i]
	if !s.bound {
		secret = make([]byte, roleSecretSize)
		if _, err := rand.Read(secret); err != nil {
			return nil, err
		}
		s.bound = true
		s.tag = roleTag(secret, w.keys.device, &s)
		if err := w.keys.wrap(&s, passphrase, w.master, secret); err != nil {
			return nil, err
		}
		old := w.keys.slots[i]
		w.keys.slots[i] = s
		if err := writeSlot(keyPath(w.dir), w.keys, i); err != nil {
			w.keys.slots[i] = old
			return nil, err
		}
	}
	_, err := w.update(func(tx kv.Tx, st *txState) error {
		w.put(tx, st, bucketState, stateRoleAnchor, encode(newRoleAnchor(secret)))
		w.appendAudit(tx, st, "roles-bound", uuid.Nil, "", nil, "")
		return nil
	})
	if err != nil {
		return nil, err
	}
	return secret, nil
}

// RoleProblems lists the key slots whose role did not verify at unlock (as
// far as the unlocking user's secret can tell): the unlocking user's own,
// which then opened as enumerator, and, for an admin, any other. Verify
// reports the same.
func (w *Workspace) RoleProblems() []string {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return slices.Clone(w.roleProblems)
}

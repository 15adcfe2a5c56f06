package store

import (
	"fmt"
	"slices"

	"fieldreg/store/kv"
)

// Users lists the workspace's users, sorted by name, each with the role its
// unlock grants rather than the role byte its slot holds: a user who
// rewrote their own slot's byte (they hold its passphrase) is listed with the
// role they actually get, marked Tampered. The unlocking user's own slot is
// known exactly; an admin checks every other slot's role tag; a supervisor
// or enumerator, who holds no admin secret, cannot check another user's tag
// and sees that slot's byte, except where the rules alone settle it (an
// old-format slot above enumerator opens as enumerator).
func (w *Workspace) Users() []User {
	w.mu.RLock()
	defer w.mu.RUnlock()
	anchored := w.hasRoleAnchor()
	var users []User
	for i := range w.keys.slots {
		s := &w.keys.slots[i]
		if s.used {
			users = append(users, w.listedUser(s, anchored))
		}
	}
	slices.SortFunc(users, func(a, b User) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return users
}

// listedUser is slot s as Users lists it; anchored says whether the
// workspace has a role anchor (one made before role secrets grants the byte).
func (w *Workspace) listedUser(s *keySlot, anchored bool) User {
	u := User{Name: s.name, Role: s.role}
	const oldFormat = "old-format slot: its role %s is not proven until an admin sets its passphrase again"
	const edited = "its role byte says %s, which no admin gave it (the key file was edited)"
	switch {
	case s.name == w.user:
		if w.role == s.role {
			return u
		}
		u.Role, u.Claimed, u.Tampered, u.Problem = w.role, s.role, s.bound, fmt.Sprintf(edited, s.role)
		if !s.bound {
			u.Problem = fmt.Sprintf(oldFormat, s.role)
		}
	case s.role == RoleEnumerator || !anchored:
	case !s.bound:
		u.Role, u.Claimed, u.Problem = RoleEnumerator, s.role, fmt.Sprintf(oldFormat, s.role)
	case w.adminSecret != nil && roleTag(w.adminSecret, w.keys.device, s) != s.tag:
		u.Role, u.Claimed, u.Tampered, u.Problem = RoleEnumerator, s.role, true, fmt.Sprintf(edited, s.role)
	}
	return u
}

// hasRoleAnchor reports whether the workspace keeps a role anchor; an
// unreadable one counts as kept (it proves no role, as at unlock).
func (w *Workspace) hasRoleAnchor() bool {
	found := true
	_ = w.view(func(tx kv.Tx) error {
		plain, err := w.get(tx, bucketState, stateRoleAnchor)
		found = plain != nil || err != nil
		return nil
	})
	return found
}

// AddUser gives a new user a key slot. Admins only.
func (w *Workspace) AddUser(name string, role Role, passphrase []byte) error {
	if !w.role.MayManageUsers() {
		return fmt.Errorf("add user %q: %w", name, ErrForbidden)
	}
	if err := checkUserName(name); err != nil {
		return fmt.Errorf("add user: %w", err)
	}
	if err := CheckPassphrase(passphrase); err != nil {
		return fmt.Errorf("add user %q: %w", name, err)
	}
	if _, err := ParseRole(string(role)); err != nil {
		return fmt.Errorf("add user %q: %w", name, err)
	}
	if err := w.lock(); err != nil {
		return err
	}
	defer w.mu.Unlock()
	if w.keys.find(name) >= 0 {
		return fmt.Errorf("add user %q: %w", name, ErrExists)
	}
	free := -1
	for i := range w.keys.slots {
		if !w.keys.slots[i].used {
			free = i
			break
		}
	}
	if free < 0 {
		return fmt.Errorf("add user %q: all %d key slots are taken", name, keySlots)
	}
	s := keySlot{used: true, name: name, role: role, kdf: w.opts.KDF}
	return w.writeSlot(free, w.signed(s), passphrase, "user-add", fmt.Sprintf("%s as %s", name, role))
}

// SetPassphrase rewraps a user's slot under a new passphrase: one's own, or
// anyone's for an admin.
func (w *Workspace) SetPassphrase(name string, passphrase []byte) error {
	if name != w.user && !w.role.MayManageUsers() {
		return fmt.Errorf("set passphrase of %q: %w", name, ErrForbidden)
	}
	if err := CheckPassphrase(passphrase); err != nil {
		return fmt.Errorf("set passphrase of %q: %w", name, err)
	}
	if err := w.lock(); err != nil {
		return err
	}
	defer w.mu.Unlock()
	i := w.keys.find(name)
	if i < 0 {
		return fmt.Errorf("set passphrase of %q: %w", name, ErrNotFound)
	}
	old := w.keys.slots[i]
	s := keySlot{used: true, name: old.name, role: old.role, kdf: w.opts.KDF}
	switch {
	case w.adminSecret != nil:
		s = w.signed(s) // also moves an old-format slot to v3
	case !old.bound && old.role != w.role:
		// One's own slot of the old format, whose role is not proven: it
		// stays in that format (an admin setting it proves the role).
		s.bound = false
		return w.writeOldSlot(i, s, passphrase, "user-passwd", name)
	default:
		s.secret = w.ownSecret // one's own: the role stays as proven
		s.tag = old.tag
		if c := old.sealFor(w.epoch); old.v3 && c != nil {
			s.tag = c.tag
		}
	}
	return w.writeSlot(i, s, passphrase, "user-passwd", name)
}

// signed makes s a v2 slot whose role an admin vouches for: it wraps the
// role's secret and carries the admin's tag. The caller is an admin.
func (w *Workspace) signed(s keySlot) keySlot {
	s.bound = true
	s.tag = roleTag(w.adminSecret, w.keys.device, &s)
	s.secret = secretFor(s.role, w.adminSecret)
	return s
}

// writeSlot writes slot i as s, a v3 slot: a new key pair, its private
// key wrapped under passphrase, the master key and s.secret sealed to it
// with s.tag (keyseal.go), and audits it. The caller holds w.mu.
func (w *Workspace) writeSlot(i int, s keySlot, passphrase []byte, action, detail string) error {
	if err := s.kdf.checkNew(); err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	secret, tag := s.secret, s.tag
	s.secret = nil // sealed below; the key file holds no secret in the clear
	if err := w.keys.wrapPrivate(&s, passphrase); err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	if err := w.keys.putV3Slot(keyPath(w.dir), i, s, w.master, secret, w.epoch, tag); err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	if err := w.auditEvent(action, detail); err != nil {
		return fmt.Errorf("%s: done, but not audited: %w", action, err)
	}
	return nil
}

// writeOldSlot rewraps slot i in its old format (v1: the master key
// wrapped under the passphrase) and audits it. The caller holds w.mu.
func (w *Workspace) writeOldSlot(i int, s keySlot, passphrase []byte, action, detail string) error {
	if err := s.kdf.checkNew(); err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	if err := w.keys.wrap(&s, passphrase, w.master, nil); err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	old := w.keys.slots[i]
	w.keys.slots[i] = s
	if err := writeSlot(keyPath(w.dir), w.keys, i); err != nil {
		w.keys.slots[i] = old
		return fmt.Errorf("%s: %w", action, err)
	}
	if err := w.auditEvent(action, detail); err != nil {
		return fmt.Errorf("%s: done, but not audited: %w", action, err)
	}
	return nil
}

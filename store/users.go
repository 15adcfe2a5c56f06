package store

import (
	"fmt"
	"slices"
)

// Users lists the workspace's users, sorted by name.
func (w *Workspace) Users() []User {
	w.mu.RLock()
	defer w.mu.RUnlock()
	var users []User
	for _, s := range w.keys.slots {
		if s.used {
			users = append(users, User{Name: s.name, Role: s.role})
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

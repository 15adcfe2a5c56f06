package store

import (
	"fmt"

	"fieldreg/change"
	"fieldreg/registry"
)

// Role is what a user may do in a workspace.
type Role string

// The roles, from least to most allowed.
const (
	RoleEnumerator Role = "enumerator" // registers and edits
	RoleSupervisor Role = "supervisor" // also deletes, resolves conflicts, exports person-level data
	RoleAdmin      Role = "admin"      // also manages users
)

// ParseRole accepts the role names as written on the command line.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleEnumerator, RoleSupervisor, RoleAdmin:
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q (want enumerator, supervisor or admin)", s)
}

func (r Role) rank() int {
	switch r {
	case RoleEnumerator:
		return 1
	case RoleSupervisor:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// atLeast reports whether r allows what min allows.
func (r Role) atLeast(min Role) bool { return r.rank() >= min.rank() }

// What each role may do. The store enforces these rules itself (ErrForbidden),
// so every front end (app, fieldctl, anything built on the store) applies the
// same ones; front ends ask them here to decide what to offer.

// MaySupervise reports whether r makes supervisors' decisions: delete,
// resolve conflicts, merge or keep apart duplicates, release quarantined
// changes, export person-level data, wipe.
func (r Role) MaySupervise() bool { return r.atLeast(RoleSupervisor) }

// MayManageUsers reports whether r adds and removes users and sets other
// users' passphrases.
func (r Role) MayManageUsers() bool { return r.atLeast(RoleAdmin) }

// supervisedFields are the fields only a supervisor or admin writes: they
// delete a record, or record a decision about duplicates.
var supervisedFields = map[string]string{
	change.DeletedField:        "delete record",
	registry.FieldMergedInto:   "merge duplicate",
	registry.FieldNotDuplicate: "keep apart duplicates",
}

// mayCommit refuses an edit the role may not make.
func (r Role) mayCommit(e Edit) error {
	if r.MaySupervise() {
		return nil
	}
	if e.Resolve {
		return fmt.Errorf("resolve conflicts of record %s: %w", e.Record, ErrForbidden)
	}
	for name, what := range supervisedFields {
		if _, ok := e.Set[name]; ok {
			return fmt.Errorf("%s %s (%s): %w", what, e.Record, name, ErrForbidden)
		}
	}
	return nil
}

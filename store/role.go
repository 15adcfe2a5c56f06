package store

import "fmt"

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

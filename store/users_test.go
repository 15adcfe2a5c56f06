package store

import "testing"

// An enumerator who rewrote their own slot's role byte is listed with the
// role unlock gives them, marked as tampered — to the admin who checks the
// tag and to themselves — never as the admin the byte claims.
func TestUsersListsGrantedRoleOfRewrittenSlot(t *testing.T) {
	for _, role := range []Role{RoleAdmin, RoleSupervisor} {
		t.Run(string(role), func(t *testing.T) {
			dir := workspaceWithEnumerator(t)
			rewriteOwnSlot(t, dir, "eve", enumPass, role, false)
			for _, who := range []struct {
				name string
				pass []byte
			}{{"admin", testPass}, {"eve", enumPass}} {
				w, err := Open(dir, who.name, who.pass, testOptions())
				if err != nil {
					t.Fatal(err)
				}
				users := map[string]User{}
				for _, u := range w.Users() {
					users[u.Name] = u
				}
				w.Close()
				if eve := users["eve"]; eve.Role != RoleEnumerator || !eve.Tampered || eve.Claimed != role || eve.Problem == "" {
					t.Errorf("%s lists eve as %+v, want enumerator, tampered, claiming %s", who.name, eve, role)
				}
				if a := users["admin"]; a.Role != RoleAdmin || a.Tampered || a.Problem != "" {
					t.Errorf("%s lists admin as %+v", who.name, a)
				}
			}
		})
	}
}

package ops

import (
	"fmt"

	"github.com/google/uuid"

	"fieldreg/registry"
)

// Deleted is what Delete did.
type Deleted struct {
	Kind string
	// A household's members and assessments are deleted with it.
	Members, Assessments int
}

// Delete marks a record deleted; a household goes with its members and
// assessments, in one commit. The head of a household with other members
// cannot be deleted: make one of them head first. Supervisors and admins
// only. Nothing is erased: the record keeps its history, and the deletion
// syncs like any edit (Erase keeps no value).
func Delete(ws Workspace, id uuid.UUID) (Deleted, error) {
	rec, err := live(ws, id)
	if err != nil {
		return Deleted{}, err
	}
	what := fmt.Sprintf("delete %s %s", rec.Kind, id)
	if err := requireSupervisor(ws, what); err != nil {
		return Deleted{}, err
	}
	if err := checkHead(ws, rec); err != nil {
		return Deleted{}, err
	}
	d := Deleted{Kind: rec.Kind}
	if rec.Kind == registry.KindHousehold {
		d.Members, d.Assessments = len(ws.Members(id)), len(ws.Assessments(id))
	}
	if _, err := ws.Delete(id); err != nil {
		return Deleted{}, fmt.Errorf("%s: %w", what, err)
	}
	return d, nil
}

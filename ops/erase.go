package ops

import (
	"errors"
	"fmt"

	"github.com/google/uuid"

	"fieldreg/store"
)

// Eraser is a Workspace that can erase. *store.Workspace is one.
type Eraser interface {
	Workspace
	Erase(id uuid.UUID) ([]store.Logged, error)
}

var _ Eraser = (*store.Workspace)(nil)

// ErrErased means the record was erased: only its tombstone is left.
var ErrErased = store.ErrErased

// Erased is what Erase did.
type Erased struct {
	Kind string
	// Records counts the records erased: a household's members and
	// assessments, deleted or not, go with it.
	Records int
}

// Erase erases a record on request — the consent text's "you can ask to
// ... delete your information": unlike Delete, no version of any value is
// kept, here or, once the erasure has synced, anywhere (see store.Erase). A
// deleted record may be erased. A live head of a household with other
// members cannot be: make one of them head first. Supervisors and admins
// only; the audit names the records and fields, never a value.
func Erase(ws Eraser, id uuid.UUID) (Erased, error) {
	rec, err := ws.Get(id)
	if errors.Is(err, store.ErrNotFound) {
		return Erased{}, &recordError{fmt.Sprintf("no record %s in this workspace", id), ErrNotFound}
	}
	if err != nil {
		return Erased{}, fmt.Errorf("read record %s: %w", id, err)
	}
	what := fmt.Sprintf("erase %s %s", rec.Kind, id)
	if err := requireSupervisor(ws, what); err != nil {
		return Erased{}, err
	}
	if rec.Erased() {
		return Erased{}, &recordError{fmt.Sprintf("%s %s was erased already", rec.Kind, id), ErrErased}
	}
	if !rec.Deleted() {
		if err := checkHead(ws, rec); err != nil {
			return Erased{}, err
		}
	}
	made, err := ws.Erase(id)
	if err != nil {
		return Erased{}, fmt.Errorf("%s: %w", what, err)
	}
	return Erased{Kind: rec.Kind, Records: len(made)}, nil
}

package ops

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"fieldreg/registry"
	"fieldreg/store"
)

// Merged is what Merge did.
type Merged struct {
	Copied int // fields the kept person gained from the merged one
}

// Merge merges person gone into person keep, two registrations of one
// person: gone is marked merged into keep and deleted (it keeps its whole
// history), and keep gains the fields only gone had — never gone's
// household or its place in it, which are keep's own. One commit, so both
// changes sync together or not at all. Supervisors and admins only; the
// head of a household with other members cannot be merged away.
func Merge(ws Workspace, keepID, goneID uuid.UUID) (Merged, error) {
	what := fmt.Sprintf("merge %s into %s", goneID, keepID)
	if err := requireSupervisor(ws, what); err != nil {
		return Merged{}, err
	}
	if keepID == goneID {
		return Merged{}, fmt.Errorf("%s: %w", what, ErrSamePerson)
	}
	keep, err := livePerson(ws, keepID)
	if err != nil {
		return Merged{}, err
	}
	gone, err := livePerson(ws, goneID)
	if err != nil {
		return Merged{}, err
	}
	if err := checkHead(ws, gone); err != nil {
		return Merged{}, fmt.Errorf("%s: %w", what, err)
	}
	fill := mergeFill(keep, gone)
	edits := []store.Edit{{Record: goneID, Kind: registry.KindPerson, Set: map[string]string{
		registry.FieldMergedInto: keepID.String(), registry.DeletedField: "true"}}}
	if len(fill) > 0 {
		edits = append(edits, store.Edit{Record: keepID, Kind: registry.KindPerson, Set: fill})
	}
	if _, err := ws.Commit(edits...); err != nil {
		return Merged{}, fmt.Errorf("%s: %w", what, err)
	}
	return Merged{Copied: len(fill)}, nil
}

// mergeFill is what the kept person gains: the fields only the merged one
// has. System fields stay with their record; household and relationship are
// the kept person's place, which a merge does not move.
func mergeFill(keep, gone registry.Record) map[string]string {
	fill := map[string]string{}
	for name, v := range gone.Values() {
		if strings.HasPrefix(name, "_") || name == registry.FieldHouseholdID || name == registry.FieldRelationship {
			continue
		}
		if keep.Value(name) == "" {
			fill[name] = v
		}
	}
	return fill
}

// MergeOrder picks which of two persons stays when they are merged: the one
// registered first (ids are UUIDv7, in time order) — unless the later one is
// the only one heading a household with other members, which cannot be
// merged away.
func MergeOrder(ws Workspace, a, b registry.Record) (keep, gone registry.Record) {
	if slices.Compare(b.ID[:], a.ID[:]) < 0 {
		a, b = b, a
	}
	if LeavesHeadless(ws, b) && !LeavesHeadless(ws, a) {
		return b, a
	}
	return a, b
}

// Dismissed is what Dismiss did.
type Dismissed struct {
	Already bool // the pair had been judged before, maybe on another device
}

// Dismiss records that persons a and b are two people, not one: b's id
// joins a's registry.FieldNotDuplicate, and the pair is never listed again,
// here or, after sync, anywhere. Dismissing a pair twice changes nothing.
// Supervisors and admins only.
func Dismiss(ws Workspace, a, b uuid.UUID) (Dismissed, error) {
	what := fmt.Sprintf("mark %s and %s as different persons", a, b)
	if err := requireSupervisor(ws, what); err != nil {
		return Dismissed{}, err
	}
	if a == b {
		return Dismissed{}, fmt.Errorf("%s: %w", what, ErrSamePerson)
	}
	first, err := livePerson(ws, a)
	if err != nil {
		return Dismissed{}, err
	}
	if _, err := livePerson(ws, b); err != nil {
		return Dismissed{}, err
	}
	distinct := strings.Fields(first.Value(registry.FieldNotDuplicate))
	if slices.Contains(distinct, b.String()) {
		return Dismissed{Already: true}, nil
	}
	distinct = append(distinct, b.String())
	_, err = ws.Commit(store.Edit{Record: a, Kind: registry.KindPerson,
		Set: map[string]string{registry.FieldNotDuplicate: strings.Join(distinct, " ")}})
	if err != nil {
		return Dismissed{}, fmt.Errorf("%s: %w", what, err)
	}
	return Dismissed{}, nil
}

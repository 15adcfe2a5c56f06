package store

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
	"fieldreg/store/kv"
)

// Commit turns edits into changes (one change per edit: next device seq, one
// clock stamp after every base it replaces, Base = current field stamp), applies them, validates every
// resulting record with Options.Validate, and stores records, change log and
// audit in one fsynced transaction. All or nothing: if any edit fails
// validation, nothing is stored and the error names the record and field.
// Fields whose value does not change are not written; an edit that changes
// nothing produces no change. Returns the changes made.
func (w *Workspace) Commit(edits ...Edit) ([]change.Change, error) {
	for _, e := range edits {
		if err := w.role.mayCommit(e); err != nil {
			return nil, err
		}
		if _, ok := e.Set[registry.FieldErased]; ok && !w.role.atLeast(RoleSupervisor) {
			return nil, fmt.Errorf("erase record %s: %w", e.Record, ErrForbidden)
		}
	}
	if err := w.lock(); err != nil {
		return nil, err
	}
	defer w.mu.Unlock()
	var made []change.Change
	_, err := w.update(func(tx kv.Tx, st *txState) error {
		if err := w.checkSyncLock(tx); err != nil {
			return err
		}
		var err error
		made, err = w.commitEdits(tx, st, edits)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	return made, nil
}

func (w *Workspace) commitEdits(tx kv.Tx, st *txState, edits []Edit) ([]change.Change, error) {
	var made []change.Change
	for _, e := range edits {
		c, ok, err := w.commitEdit(tx, st, e)
		if err != nil {
			return nil, err
		}
		if ok {
			made = append(made, c)
		}
	}
	if w.opts.Validate == nil && w.opts.ValidateWritten == nil {
		return made, nil
	}
	written := map[uuid.UUID][]string{}
	for _, c := range made {
		written[c.Record] = append(written[c.Record], c.FieldNames()...)
	}
	for _, id := range st.order {
		p := st.records[id]
		if !p.dirty || p.rec.Deleted() {
			continue
		}
		var err error
		if w.opts.ValidateWritten != nil {
			err = w.opts.ValidateWritten(p.rec, written[id])
		} else {
			err = w.opts.Validate(p.rec)
		}
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", p.rec.Kind, id, err)
		}
	}
	return made, nil
}

// commitEdit makes and logs the change for one edit; ok is false when the
// edit changes nothing.
func (w *Workspace) commitEdit(tx kv.Tx, st *txState, e Edit) (c change.Change, ok bool, err error) {
	if e.Record == uuid.Nil {
		return c, false, errors.New("edit without a record id")
	}
	if e.Kind == "" {
		return c, false, fmt.Errorf("record %s: edit without a kind", e.Record)
	}
	p, err := w.pending(tx, st, e.Record, e.Kind)
	if err != nil {
		return c, false, err
	}
	if p.rec.Kind != e.Kind {
		return c, false, fmt.Errorf("record %s is a %s, not a %s", e.Record, p.rec.Kind, e.Kind)
	}
	if err := refuseErased(p); err != nil {
		return c, false, err
	}
	var newest change.Stamp // the latest stamp the edit's writes replace or resolve
	for _, name := range slices.Sorted(maps.Keys(e.Set)) {
		value := e.Set[name]
		if name == "" {
			return c, false, fmt.Errorf("record %s: empty field name", e.Record)
		}
		f := p.rec.Fields[name]
		wr := change.Write{Field: name, Value: value, Base: f.Stamp()}
		if base, ok := e.Base[name]; ok {
			wr.Base = base
		}
		if e.Resolve {
			for _, lost := range f.Conflicts() {
				wr.Resolves = append(wr.Resolves, lost.Stamp)
			}
		}
		if value == f.Value() && len(wr.Resolves) == 0 {
			continue
		}
		c.Writes = append(c.Writes, wr)
		for _, s := range append([]change.Stamp{wr.Base}, wr.Resolves...) {
			if s.Compare(newest) > 0 {
				newest = s
			}
		}
	}
	if len(c.Writes) == 0 {
		return c, false, nil
	}
	// Stamped after everything it replaces, whatever the wall clock says:
	// else a device whose date went back would lose its own edit in the merge.
	stamp := w.clock.After(newest)
	st.deviceSeq++
	c.Device, c.DeviceSeq, c.Record, c.Kind, c.Author, c.Stamp = w.keys.device, st.deviceSeq, e.Record, e.Kind, w.user, stamp
	c.Form = e.Form
	if c.Form == "" && w.opts.FormRef != nil {
		c.Form = w.opts.FormRef(e.Kind)
	}
	action := "edit"
	switch {
	case p.isNew && len(p.log) == 0:
		action = "create"
	case e.Resolve:
		action = "resolve"
	case e.Set[registry.FieldErased] == "true":
		action = "erase"
	case e.Set[change.DeletedField] == "true":
		action = "delete"
	}
	w.logChange(tx, st, p, c, action)
	if err := checkWritten(p.rec.Fields, c); err != nil {
		return c, false, err
	}
	if p.rec.Deleted() {
		// commitEdits validates live records only.
		if err := validateDeleted(w.opts.Validate, p.rec, c); err != nil {
			return c, false, fmt.Errorf("%s %s: %w", p.rec.Kind, e.Record, err)
		}
	}
	return c, true, nil
}

// Delete marks a record deleted (the field _deleted set to "true"). Deleting
// a household deletes its members and assessments in the same transaction.
// It returns the change made to the record itself. Supervisors and admins only.
func (w *Workspace) Delete(id uuid.UUID) (change.Change, error) {
	if !w.role.MaySupervise() {
		return change.Change{}, fmt.Errorf("delete record %s: %w", id, ErrForbidden)
	}
	if err := w.lock(); err != nil {
		return change.Change{}, err
	}
	defer w.mu.Unlock()
	info, ok := w.idx.recs[id]
	if !ok {
		return change.Change{}, fmt.Errorf("delete record %s: %w", id, ErrNotFound)
	}
	edits := []Edit{{Record: id, Kind: info.kind, Set: map[string]string{change.DeletedField: "true"}}}
	if info.kind == registry.KindHousehold {
		for _, m := range w.idx.members[id] {
			edits = append(edits, Edit{Record: m, Kind: registry.KindPerson, Set: map[string]string{change.DeletedField: "true"}})
		}
		for _, a := range w.idx.assess[id] {
			edits = append(edits, Edit{Record: a, Kind: registry.KindAssessment, Set: map[string]string{change.DeletedField: "true"}})
		}
	}
	var made []change.Change
	_, err := w.update(func(tx kv.Tx, st *txState) error {
		if err := w.checkSyncLock(tx); err != nil {
			return err
		}
		var err error
		// No validation: a deleted record need not satisfy its form any more.
		for _, e := range edits {
			c, ok, err2 := w.commitEdit(tx, st, e)
			if err2 != nil {
				return err2
			}
			if ok {
				made = append(made, c)
			}
		}
		return err
	})
	if err != nil {
		return change.Change{}, fmt.Errorf("delete record %s: %w", id, err)
	}
	if len(made) == 0 || made[0].Record != id {
		return change.Change{}, nil // already deleted: nothing to do
	}
	return made[0], nil
}

package store

import (
	"fmt"

	"github.com/google/uuid"

	"fieldreg/change"
	"fieldreg/registry"
)

// holdBrokenUnits runs Options.ValidateUnit over each unit of this pass
// whose new changes were all applied, on the records the unit made (those
// this replica did not hold before the transaction), as they stand after
// it. A unit it refuses has every new change added to held with the reason,
// as holdUnits does for a unit one change of which was refused, and it
// reports whether held grew: the pass must then be run again.
func (w *Workspace) holdBrokenUnits(st *txState, changes []change.Change, units []uint64, results []Result, held map[int]string) bool {
	if w.opts.ValidateUnit == nil || units == nil {
		return false
	}
	type unit struct {
		changes []int
		records []uuid.UUID          // in the order first written
		forms   map[uuid.UUID]string // the form version of each record's latest change
		refused bool                 // one change is held or quarantined: holdUnits holds it whole
	}
	byUnit := map[uint64]*unit{}
	var order []uint64
	for i, c := range changes {
		u := unitOf(units, i)
		if u == 0 || !isNew(results[i]) {
			continue
		}
		x := byUnit[u]
		if x == nil {
			x = &unit{forms: map[uuid.UUID]string{}}
			byUnit[u] = x
			order = append(order, u)
		}
		x.changes = append(x.changes, i)
		if _, h := held[i]; h || results[i].Outcome != Applied {
			x.refused = true
			continue
		}
		if _, seen := x.forms[c.Record]; !seen {
			x.records = append(x.records, c.Record)
		}
		x.forms[c.Record] = c.Form
	}
	grew := false
	for _, u := range order {
		x := byUnit[u]
		if x.refused {
			continue
		}
		var records []registry.Record
		var forms []string
		for _, id := range x.records {
			if p := st.records[id]; p != nil && p.isNew {
				records = append(records, p.rec)
				forms = append(forms, x.forms[id])
			}
		}
		if len(records) == 0 {
			continue
		}
		err := w.opts.ValidateUnit(records, forms)
		if err == nil {
			continue
		}
		reason := fmt.Sprintf("the device registered this without keeping its form's rules (%v); a supervisor may release it once the family's answers are confirmed", err)
		for _, i := range x.changes {
			held[i] = reason
		}
		grew = true
	}
	return grew
}

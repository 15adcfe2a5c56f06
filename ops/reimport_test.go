package ops

import (
	"errors"
	"slices"
	"testing"

	"fieldreg/change"
	"fieldreg/registry"
)

// stamps is a Version that names each field's exported stamp.
type stamps map[string]change.Stamp

func (v stamps) Exported(name string, f change.Field) (change.Stamp, bool) {
	for _, fv := range f.Versions {
		if s, ok := v[name]; ok && fv.Stamp == s {
			return s, true
		}
	}
	return change.Stamp{}, false
}

// versionOf is what an export writes of a record: each field's stamp.
func versionOf(r registry.Record) Version {
	v := make(stamps)
	for name, f := range r.Fields {
		v[name] = f.Stamp()
	}
	return v
}

// Registering a household again, as an export wrote it and with what an
// export says of its versions: what changed in the workspace since the
// export stays visible and becomes a conflict; what did not is written;
// what is equal writes nothing. Without a version, an existing record is
// refused when it would change, unless the caller asks to update it.
func TestRegisterAgainstVersion(t *testing.T) {
	forms := testForms(t)
	tests := []struct {
		name      string
		editSince string // given_name set after the export; "" for none
		input     map[string]string
		version   bool
		ifExists  Existing
		want      Outcome
		wantName  string // given_name afterwards
		conflicts []string
		err       error
	}{
		{name: "exported values again", input: map[string]string{registry.FieldGivenName: "Amina"}, version: true,
			want: Unchanged, wantName: "Amina"},
		{name: "edited since, exported value again", editSince: "Aminah", input: map[string]string{registry.FieldGivenName: "Amina"}, version: true,
			want: Conflicted, wantName: "Aminah", conflicts: []string{registry.FieldGivenName}},
		{name: "edited since, the same edit in the file", editSince: "Aminah", input: map[string]string{registry.FieldGivenName: "Aminah"}, version: true,
			want: Unchanged, wantName: "Aminah"},
		{name: "changed in the file only", input: map[string]string{registry.FieldGivenName: "Aminata"}, version: true,
			want: Updated, wantName: "Aminata"},
		{name: "no version, nothing changes", input: map[string]string{registry.FieldGivenName: "Amina"},
			want: Unchanged, wantName: "Amina"},
		{name: "no version, a change", input: map[string]string{registry.FieldGivenName: "Aminata"},
			wantName: "Amina", err: ErrRegistered},
		{name: "no version, update asked", input: map[string]string{registry.FieldGivenName: "Aminata"}, ifExists: UpdateExisting,
			want: Updated, wantName: "Aminata"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := newWorkspace(t)
			hh, ids := register(t, ws, person("head", "Amina", "Yusuf"))
			exported := get(t, ws, ids[0])
			if tt.editSince != "" {
				if _, err := Edit(ws, Fields{Record: exported, Set: map[string]string{registry.FieldGivenName: tt.editSince}}); err != nil {
					t.Fatal(err)
				}
			}
			e := Entry{ID: ids[0], Fields: tt.input, IfExists: tt.ifExists}
			if tt.version {
				e.Version = versionOf(exported)
			}
			plan, err := PlanHousehold(ws, forms, Household{Entry: Entry{ID: hh, Fields: householdFields(), Version: versionOf(get(t, ws, hh))}, Members: []Entry{e}}, today)
			if !errors.Is(err, tt.err) {
				t.Fatalf("PlanHousehold = %v, want %v", err, tt.err)
			}
			if err == nil {
				if err := plan.Problems(); err != nil {
					t.Fatal(err)
				}
				m := plan.Members[0]
				if m.Outcome != tt.want || !slices.Equal(m.Conflicts, tt.conflicts) {
					t.Errorf("outcome %v, conflicts %v; want %v, %v", m.Outcome, m.Conflicts, tt.want, tt.conflicts)
				}
				if _, err := ws.Commit(plan.Edits()...); err != nil {
					t.Fatal(err)
				}
			}
			if err == nil {
				// The same input again adds nothing, conflicts included.
				again, err := PlanHousehold(ws, forms, Household{Entry: Entry{ID: hh, Fields: householdFields(), Version: versionOf(get(t, ws, hh))}, Members: []Entry{e}}, today)
				if err != nil {
					t.Fatal(err)
				}
				if m := again.Members[0]; m.Outcome != Unchanged || len(again.Edits()) != 0 {
					t.Errorf("the same input again: outcome %v, edits %v", m.Outcome, again.Edits())
				}
			}
			after := get(t, ws, ids[0])
			if got := after.Value(registry.FieldGivenName); got != tt.wantName {
				t.Errorf("given_name = %q, want %q", got, tt.wantName)
			}
			var conflicted []string
			for name := range after.Conflicts() {
				conflicted = append(conflicted, name)
			}
			if !slices.Equal(conflicted, tt.conflicts) {
				t.Errorf("record's conflicts %v, want %v", conflicted, tt.conflicts)
			}
		})
	}
}
